// Callbacks: the gateway (or the provider behind it) POSTs the task to the
// callback_url of a create when its status changes. receive_callback checks
// the Standard Webhooks signature when a secret is configured, then reads
// the body in any of the task's shapes (P-2).
//
//   auto t = kling::receive_callback(secret, headers, body, unix_now);
//   if (!t) return reply(t.error().code == kling::errc::auth ? 401 : 400);
//
// Thread safety: pure functions.
#ifndef KLING_PROTOCOL_CALLBACKS_HPP
#define KLING_PROTOCOL_CALLBACKS_HPP

#include <cstdint>
#include <string_view>

#include "kling/model/task.hpp"
#include "kling/protocol/webhooks.hpp"

KLING_NAMESPACE_BEGIN

// A callback body: the gateway's task, the provider's {task_id, task_status,
// task_result} or {id, status, outputs}. It must name its task.
inline result<task> parse_callback(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) return std::move(parsed).error();
  auto t = parse_task(*parsed);
  if (t && t->id.empty() && t->external_task_id.empty()) {
    return error{errc::parse, "the callback names no task (no id, task_id or external_task_id)"};
  }
  return t;
}

// Verifies the signature (when secret is not empty), then parses the body.
// now_unix_seconds comes from the caller, so tests can fix the clock.
inline result<task> receive_callback(std::string_view secret, const http_headers &headers,
                                     std::string_view body, std::int64_t now_unix_seconds,
                                     const webhooks::verify_options &options = {}) {
  if (!secret.empty()) {
    auto verified = webhooks::verify(secret, headers, body, now_unix_seconds, options);
    if (!verified) return std::move(verified).error();
  }
  return parse_callback(body);
}

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CALLBACKS_HPP
