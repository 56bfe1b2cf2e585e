// task_handle: what it takes to resume waiting for a task after a restart:
// its ids, the provider, when the next poll is due and when the wait gives
// up. Converts to and from JSON, so a game or a service can keep it in its
// save file or database.
//
//   std::string saved = kling::dump_json(kling::json(handle));
//   ... restart ...
//   auto handle = kling::parse_task_handle(kling::parse_json(saved).value());
//   auto done = client.videos().wait(*handle);
//
// Thread safety: a plain value.
#ifndef KLING_MODEL_TASK_HANDLE_HPP
#define KLING_MODEL_TASK_HANDLE_HPP

#include <optional>
#include <string>

#include "kling/core/json_reader.hpp"

KLING_NAMESPACE_BEGIN

struct task_handle {
  std::string task_id{};
  std::string external_task_id{};
  std::string provider{};
  std::optional<timestamp> next_poll_at{}; // calendar time; none: after the wait's first interval
  std::optional<timestamp> deadline{};     // calendar time; none: the wait's own timeout
};

KLING_LAZY void to_json(json &j, const task_handle &h);

KLING_FUNCTION_OBJECT parse_task_handle_function { result<task_handle> operator()(const json &body) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_task_handle) parse_task_handle{};

KLING_NAMESPACE_END

#endif // KLING_MODEL_TASK_HANDLE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_TASK_HANDLE_IPP)
#define KLING_MODEL_TASK_HANDLE_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const task_handle &h) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json{{"task_id", h.task_id}};
  if (!h.external_task_id.empty()) j["external_task_id"] = h.external_task_id;
  if (!h.provider.empty()) j["provider"] = h.provider;
  if (h.next_poll_at) j["next_poll_at"] = format_iso8601(*h.next_poll_at);
  if (h.deadline) j["deadline"] = format_iso8601(*h.deadline);
}

KLING_LAZY_DEF result<task_handle> KLING_FUNCTION(parse_task_handle)::operator()(const json &body) const {
  task_handle h;
  field_reader r(body);
  if (r.require("task_id")) r.id("task_id", h.task_id);
  r.id("external_task_id", h.external_task_id);
  r.text("provider", h.provider);
  r.time("next_poll_at", h.next_poll_at);
  r.time("deadline", h.deadline);
  if (!r.ok()) return r.failure();
  if (h.task_id.empty()) return error{errc::parse, "/task_id: must not be empty"};
  return h;
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_TASK_HANDLE_IPP
