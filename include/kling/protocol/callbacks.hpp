// Callbacks: the gateway (or the provider behind it) POSTs the task to the
// callback_url of a create when its status changes. receive_callback checks
// the Standard Webhooks signature and that the message is not a replay, then
// reads the body in any of the task's shapes (P-2).
//
//   auto t = kling::receive_callback(secret, headers, body, unix_now);
//   if (!t && t.error().code == kling::errc::replay) return reply(200); // already handled
//   if (!t) return reply(t.error().code == kling::errc::bad_signature ? 401 : 400);
//
// A receiver without a secret says so: receive_unverified_callback(body).
//
// Thread safety: as safe as the replay_store used (the default one is).
#ifndef KLING_PROTOCOL_CALLBACKS_HPP
#define KLING_PROTOCOL_CALLBACKS_HPP

#include <cstdint>
#include <string_view>

#include "kling/model/task.hpp"
#include "kling/protocol/webhooks.hpp"

KLING_NAMESPACE_BEGIN

// A callback body: the gateway's task, the provider's {task_id, task_status,
// task_result} or {id, status, outputs}. It must name its task.
KLING_FUNCTION_OBJECT parse_callback_function { result<task> operator()(std::string_view body) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_callback) parse_callback{};

// Verifies the signature, refuses a replay (webhooks::verify_once), then
// parses the body. now_unix_seconds comes from the caller, so tests can fix
// the clock. An empty secret is an errc::configuration error, never a
// reason to skip the check.
KLING_FUNCTION_OBJECT receive_callback_function {
  result<task> operator()(std::string_view secret, const http_headers &headers, std::string_view body,
                          std::int64_t now_unix_seconds,
                          webhooks::replay_store &replays = webhooks::default_replay_store(),
                          const webhooks::verify_options &options = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(receive_callback) receive_callback{};

// Parses a callback whose sender is not verified: anyone who can reach the
// receiver can make it believe anything about a task. Only for a gateway
// configured without a webhook secret, on a network where that is acceptable.
KLING_FUNCTION_OBJECT receive_unverified_callback_function {
  result<task> operator()(std::string_view body) const;
};
inline constexpr KLING_FUNCTION_TYPE(receive_unverified_callback) receive_unverified_callback{};

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CALLBACKS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_CALLBACKS_IPP)
#define KLING_PROTOCOL_CALLBACKS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF result<task> KLING_FUNCTION(parse_callback)::operator()(std::string_view body) const {
  auto parsed = parse_json(body);
  if (!parsed) return std::move(parsed).error();
  auto t = parse_task(std::move(*parsed));
  if (t && t->id.empty() && t->external_task_id.empty()) {
    return error{errc::parse, "the callback names no task (no id, task_id or external_task_id)"};
  }
  return t;
}

KLING_LAZY_DEF result<task>
KLING_FUNCTION(receive_callback)::operator()(std::string_view secret, const http_headers &headers,
                                             std::string_view body, std::int64_t now_unix_seconds,
                                             webhooks::replay_store &replays,
                                             const webhooks::verify_options &options) const {
  auto verified = webhooks::verify_once(secret, headers, body, now_unix_seconds, replays, options);
  if (!verified) return std::move(verified).error();
  return parse_callback(body);
}

KLING_LAZY_DEF result<task>
KLING_FUNCTION(receive_unverified_callback)::operator()(std::string_view body) const {
  return parse_callback(body);
}

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CALLBACKS_IPP
