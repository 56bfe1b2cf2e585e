// Task answers and error answers: the first byte picks the HTTP status, the
// rest is the body. Every shape of task, every error body, a saved handle.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;
using kling_fuzz::require;

KLING_FUZZ_TARGET(task_fuzz) {
  if (size == 0) return 0;
  const std::string_view body = kling_fuzz::bytes(data + 1, size - 1);
  kling::http_response r;
  r.status = data[0] < 128 ? 200 : 300 + data[0] % 300;
  r.body = std::string(body);
  r.headers = {{"Retry-After", std::string(body.substr(0, 40))}, {"X-Request-Id", "req_1"}};

  auto t = kling::protocol::read_task(r);
  check(t);
  if (r.status >= 300) {
    const auto e = kling::protocol::error_from_response(r);
    require(!e.message.empty() && kling::utf8::is_valid(e.body_excerpt));
    require(e.http_status == r.status);
  }
  if (auto j = kling::parse_json(body)) {
    check(kling::parse_task(*j));
    auto handle = kling::parse_task_handle(*j);
    check(handle);
    if (handle) { // a handle read back is the handle written
      kling::json again;
      to_json(again, *handle);
      auto reread = kling::parse_task_handle(again);
      require(reread && reread->task_id == handle->task_id);
    }
  }
  return 0;
}
