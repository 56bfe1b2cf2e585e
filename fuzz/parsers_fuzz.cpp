// Every parser of text and JSON that the gateway or a user can feed: the
// first byte picks one, the rest is its input. A crash, a sanitizer report
// or a broken promise (an error without a message) is a finding.
#include <kling/core.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

template <class T>
void check(const kling::result<T> &r) {
  if (!r) require(!r.error().message.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char *>(data) + 1, size - 1);
  switch (data[0] % 9) {
  case 0: { // a task in any shape
    auto j = kling::parse_json(input);
    check(j);
    if (j) check(kling::parse_task(*j));
    break;
  }
  case 1: { // an error answer of any status
    kling::http_response r;
    r.status = 400 + (size > 1 ? data[1] % 200 : 0);
    r.body = std::string(input);
    r.headers = {{"Retry-After", std::string(input.substr(0, 40))},
                 {"Date", "Mon, 13 Jan 2025 10:00:00 GMT"}};
    const auto e = kling::protocol::error_from_response(r);
    require(!e.message.empty() && kling::utf8::is_valid(e.body_excerpt));
    check(kling::protocol::read_task(r));
    check(kling::protocol::read_element_page(r, {}));
    break;
  }
  case 2: { // a request body: every rule
    auto j = kling::parse_json(input);
    if (j) {
      const auto report = kling::rules::validate(*j);
      for (const auto &v : report.violations)
        require(!v.rule.empty() && !v.message.empty());
      (void)kling::rules::validate_element(*j);
      (void)kling::rules::normalized(*j);
    }
    break;
  }
  case 3: check(kling::parse_callback(input)); break;
  case 4: {
    check(kling::utf8::count_code_points(input));
    (void)kling::utf8::excerpt(input, 64);
    auto decoded = kling::base64::decode(input);
    check(decoded);
    if (decoded) require(kling::base64::encode(*decoded) == input); // strict: one text per bytes
    break;
  }
  case 5: {
    auto u = kling::parse_url(input);
    check(u);
    (void)kling::percent_encode(input);
    (void)kling::media::classify_image_string(input);
    break;
  }
  case 6:
    check(kling::parse_iso8601(input));
    check(kling::parse_http_date(input));
    break;
  case 7: {
    auto j = kling::parse_json(input);
    if (j) check(kling::parse_task_handle(*j));
    break;
  }
  case 8: { // a download head
    kling::protocol::download_machine m("https://cdn.example.com/v.mp4", size % 7, {}, {}, 1);
    kling::http_response head;
    head.status = 200 + (size > 1 ? data[1] % 300 : 0);
    head.headers = {{"Content-Range", std::string(input.substr(0, 60))},
                    {"Content-Length", std::string(input.substr(0, 20))},
                    {"Location", std::string(input)}};
    (void)m.on_head(head);
    m.on_response(head, {});
    break;
  }
  }
  return 0;
}
