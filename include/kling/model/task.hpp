// task: a video generation task as the gateway reports it, from creation to
// its finished result.
//
// Thread safety: a plain value.
#ifndef KLING_MODEL_TASK_HPP
#define KLING_MODEL_TASK_HPP

#include <optional>
#include <string>
#include <string_view>

#include "kling/core/json_reader.hpp"

KLING_NAMESPACE_BEGIN

enum class task_status {
  pending,    // accepted, not started ("submitted" in the provider's words)
  processing, // being generated
  completed,  // finished with a result ("succeed", "succeeded")
  failed,     // finished without one; see the task's error
  unknown,    // a word this library does not know: never polled forever (P-1)
};

constexpr const char *to_string(task_status s) noexcept {
  switch (s) {
  case task_status::pending: return "pending";
  case task_status::processing: return "processing";
  case task_status::completed: return "completed";
  case task_status::failed: return "failed";
  case task_status::unknown: return "unknown";
  }
  return "unknown";
}

// The gateway's words and the provider's own (P-1), compared case-insensitively.
inline task_status parse_task_status(std::string_view word) {
  std::string w;
  for (char c : word) w += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (w == "pending" || w == "submitted") return task_status::pending;
  if (w == "processing") return task_status::processing;
  if (w == "completed" || w == "succeed" || w == "succeeded") return task_status::completed;
  if (w == "failed") return task_status::failed;
  return task_status::unknown;
}

constexpr bool is_finished(task_status s) noexcept {
  return s == task_status::completed || s == task_status::failed;
}

struct task {
  std::string id;
  task_status status = task_status::unknown;
  std::string status_text; // the word the gateway sent, kept for unknown statuses
  std::optional<timestamp> created_at;
  std::optional<timestamp> completed_at;
  std::string model;
  json raw; // the whole answer: nothing the gateway sent is lost (P-6)
};

// Reads a task from the gateway's JSON. Members of the wrong type are a parse
// error naming the member; unknown members stay in raw.
inline result<task> parse_task(const json &body) {
  task t;
  field_reader r(body);
  r.id("id", t.id);
  if (r.text("status", t.status_text)) t.status = parse_task_status(t.status_text);
  r.time("created_at", t.created_at);
  r.time("completed_at", t.completed_at);
  r.text("model", t.model);
  if (!r.ok()) return r.failure();
  t.raw = body;
  return t;
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_TASK_HPP
