// task: a video generation task as the gateway reports it, from creation to
// its finished result. One model for every shape the answers come in (P-2):
// the gateway's flat task ({id, status, video_url, usage, raw_response}), its
// unified result ({created, data[], usage, provider, origin_data}), and the
// providers' own callback shapes ({task_id, task_status, task_result.videos}
// and {id, status, outputs}).
//
// Thread safety: plain values.
#ifndef KLING_MODEL_TASK_HPP
#define KLING_MODEL_TASK_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/numbers.hpp"
#include "kling/model/response_info.hpp"

KLING_NAMESPACE_BEGIN

enum class task_status {
  pending,    // accepted, not started ("submitted" in the provider's words)
  processing, // being generated
  completed,  // finished with a result ("succeed", "succeeded")
  failed,     // finished without one; see the task's error_message
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
KLING_FUNCTION_OBJECT parse_task_status_function { task_status operator()(std::string_view word) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_task_status) parse_task_status{};

constexpr bool is_finished(task_status s) noexcept {
  return s == task_status::completed || s == task_status::failed;
}

// Result URLs are deleted this long after the task finished (P-7).
inline constexpr std::chrono::hours result_url_lifetime{24 * 30};

struct video {
  std::string id; // the provider's id, when given
  std::string url;
  std::optional<double> duration_seconds;
  std::optional<int> width;
  std::optional<int> height;
  std::string cover_url;
  std::string b64_json; // the video itself, Base64, when the gateway inlines it
};

struct usage {
  std::optional<double> seconds;          // flat shape: usage.seconds
  std::optional<double> duration_seconds; // unified shape: usage.duration_seconds
  std::optional<int> video_count;
  std::string size; // "1920*1080" in the flat shape
  std::optional<std::int64_t> total_tokens;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
};

struct task {
  std::string id;
  std::string external_task_id;
  task_status status = task_status::unknown;
  std::string status_text; // the word the gateway sent, kept for unknown statuses
  std::optional<timestamp> created_at;
  std::optional<timestamp> completed_at;
  std::string model;
  std::string provider;
  std::vector<kling::video> videos;
  std::optional<kling::usage> usage;
  std::string error_message;               // why it failed
  std::optional<timestamp> url_expires_at; // when the result URLs are deleted (P-7)
  json raw;                                // the whole answer: nothing the gateway sent is lost (P-6)
  response_info response;                  // the HTTP answer this state was read from
  // What the rules found worth knowing in the request that created it
  // (create, create_and_wait and the tracker fill it; see rules::report).
  std::vector<violation> warnings;

  bool finished() const { return is_finished(status); }
  // The first result URL, or empty.
  KLING_LAZY std::string video_url() const;
};

// A task from the gateway's JSON.
KLING_FUNCTION_OBJECT parse_task_function {
  // Reads a task from any of its shapes. Members of the wrong type are a parse
  // error naming the member; unknown members stay in raw.
  result<task> operator()(const json &body) const;

  // The same, keeping body itself as task::raw rather than a copy of it.
  result<task> operator()(json &&body) const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_task) parse_task{};

// The task in one stable shape, whatever shape the gateway sent:
// {id, external_task_id, status, created_at, completed_at, model, provider,
//  videos: [{url, duration, width, height, cover_url}], usage, error,
//  url_expires_at}. parse_task reads it back. The gateway's own answer is in
// task::raw and is not repeated here.
KLING_LAZY void to_json(json &j, const video &v);
KLING_LAZY void to_json(json &j, const usage &u);
KLING_LAZY void to_json(json &j, const task &t);

KLING_NAMESPACE_END

#endif // KLING_MODEL_TASK_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_TASK_IPP)
#define KLING_MODEL_TASK_IPP

#include <utility>

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF task_status KLING_FUNCTION(parse_task_status)::operator()(std::string_view word) const {
  const std::string w = ascii::to_lower(word);
  if (w == "pending" || w == "submitted") return task_status::pending;
  if (w == "processing") return task_status::processing;
  if (w == "completed" || w == "succeed" || w == "succeeded") return task_status::completed;
  if (w == "failed") return task_status::failed;
  return task_status::unknown;
}

KLING_LAZY_DEF std::string task::video_url() const {
  return videos.empty() ? std::string() : videos.front().url;
}

namespace task_detail {

// A duration the provider may write as a number or as text ("5.1").
KLING_LAZY void read_seconds(field_reader &r, std::string_view key, std::optional<double> &out) {
  const json *v = r.get(key);
  if (!v) return;
  if (v->is_number()) {
    out = v->get<double>();
  } else if (v->is_string()) {
    const std::string &text = v->get_ref<const std::string &>();
    if (auto d = numbers::parse_decimal(text))
      out = *d;
    else
      r.fail(r.path_of(key) + ": expected a number of seconds, got \"" + text.substr(0, 32) + "\"");
  } else {
    r.fail(r.path_of(key) + ": expected a number of seconds, got " + v->type_name());
  }
}

KLING_LAZY void read_video(field_reader &r, kling::video &v) {
  r.id("id", v.id);
  if (!r.text("url", v.url)) r.text("video_url", v.url);
  read_seconds(r, "duration", v.duration_seconds);
  int n = 0;
  if (r.integer("width", n)) v.width = n;
  if (r.integer("height", n)) v.height = n;
  r.text("cover_url", v.cover_url);
  r.text("b64_json", v.b64_json);
}

// A list of videos: objects, or plain URL strings (the {outputs} shape).
KLING_LAZY void read_videos(field_reader &r, std::string_view key, std::vector<kling::video> &out) {
  const json *list = r.array(key);
  if (!list) return;
  for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
    const json &item = (*list)[i];
    kling::video v;
    if (item.is_string()) {
      v.url = item.get<std::string>();
    } else {
      field_reader entry(item, pointer_child(r.path_of(key), i));
      read_video(entry, v);
      if (!entry.ok()) r.fail(entry.failure().message);
    }
    out.push_back(std::move(v));
  }
}

KLING_LAZY void read_usage(field_reader &r, std::optional<kling::usage> &out) {
  const json *u = r.object("usage");
  if (!u) return;
  field_reader ur(*u, r.path_of("usage"));
  kling::usage usage;
  read_seconds(ur, "seconds", usage.seconds);
  read_seconds(ur, "duration_seconds", usage.duration_seconds);
  int count = 0;
  if (ur.integer("video_count", count)) usage.video_count = count;
  ur.text("size", usage.size);
  std::int64_t tokens = 0;
  if (ur.integer("total_tokens", tokens)) usage.total_tokens = tokens;
  if (ur.integer("input_tokens", tokens)) usage.input_tokens = tokens;
  if (ur.integer("output_tokens", tokens)) usage.output_tokens = tokens;
  if (!ur.ok()) r.fail(ur.failure().message);
  out = std::move(usage);
}

// "error" as text, or as an object with a message.
KLING_LAZY void read_error_message(field_reader &r, std::string &out) {
  const json *e = r.get("error");
  if (!e) {
    r.text("task_status_msg", out); // the provider's word for it
    return;
  }
  if (e->is_string()) {
    out = e->get<std::string>();
  } else if (e->is_object()) {
    field_reader er(*e, r.path_of("error"));
    if (!er.text("message", out)) er.text("msg", out);
    if (!er.ok()) r.fail(er.failure().message);
  } else {
    r.fail(r.path_of("error") + ": expected a string or an object, got " + e->type_name());
  }
}

// Everything but task::raw, which the callers fill.
KLING_LAZY result<task> read_task_fields(const json &body) {
  // Read in place, the one result every path returns (its move elided): a task has ~20 members.
  result<task> out;
  task &t = *out;
  field_reader r(body);
  if (!r.id("id", t.id)) r.id("task_id", t.id);
  r.id("external_task_id", t.external_task_id);
  if (const json *info = r.object("task_info")) { // the provider's callbacks nest it
    field_reader ir(*info, r.path_of("task_info"));
    if (t.external_task_id.empty()) ir.id("external_task_id", t.external_task_id);
    if (!ir.ok()) r.fail(ir.failure().message);
  }
  bool has_status = r.text("status", t.status_text) || r.text("task_status", t.status_text);
  r.time("created_at", t.created_at);
  if (!t.created_at) r.time("created", t.created_at);
  r.time("completed_at", t.completed_at);
  r.text("model", t.model);
  r.text("provider", t.provider);
  read_error_message(r, t.error_message);
  read_usage(r, t.usage);

  // Result videos, from whichever shape carries them.
  std::string flat_url;
  if (r.text("video_url", flat_url) && !flat_url.empty()) {
    kling::video v;
    v.url = flat_url;
    if (t.usage && t.usage->seconds) v.duration_seconds = t.usage->seconds;
    t.videos.push_back(std::move(v));
  }
  read_videos(r, "data", t.videos);
  read_videos(r, "outputs", t.videos);
  read_videos(r, "videos", t.videos); // this library's own form, see to_json(task)
  if (const json *result = r.object("task_result")) {
    field_reader rr(*result, r.path_of("task_result"));
    read_videos(rr, "videos", t.videos);
    if (!rr.ok()) r.fail(rr.failure().message);
  }
  if (!r.ok()) {
    out = r.failure();
    return out;
  }

  if (has_status) {
    t.status = parse_task_status(t.status_text);
  } else if (!t.videos.empty()) {
    t.status = task_status::completed; // the unified result shape carries no status
    t.status_text = "completed";
  }
  if (t.status == task_status::completed) {
    const auto finished = t.completed_at ? t.completed_at : t.created_at;
    if (finished) t.url_expires_at = *finished + result_url_lifetime;
  }
  return out;
}

} // namespace task_detail

KLING_LAZY_DEF result<task> KLING_FUNCTION(parse_task)::operator()(const json &body) const {
  auto t = task_detail::read_task_fields(body);
  if (t) t->raw = body;
  return t;
}

KLING_LAZY_DEF result<task> KLING_FUNCTION(parse_task)::operator()(json &&body) const {
  auto t = task_detail::read_task_fields(body);
  if (t) t->raw = std::move(body);
  return t;
}

KLING_LAZY_DEF void to_json(json &out, const video &v) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  if (!v.id.empty()) j["id"] = v.id;
  j["url"] = v.url;
  if (v.duration_seconds) j["duration"] = *v.duration_seconds;
  if (v.width) j["width"] = *v.width;
  if (v.height) j["height"] = *v.height;
  if (!v.cover_url.empty()) j["cover_url"] = v.cover_url;
  if (!v.b64_json.empty()) j["b64_json"] = v.b64_json;
}

KLING_LAZY_DEF void to_json(json &out, const usage &u) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  if (u.seconds) j["seconds"] = *u.seconds;
  if (u.duration_seconds) j["duration_seconds"] = *u.duration_seconds;
  if (u.video_count) j["video_count"] = *u.video_count;
  if (!u.size.empty()) j["size"] = u.size;
  if (u.total_tokens) j["total_tokens"] = *u.total_tokens;
  if (u.input_tokens) j["input_tokens"] = *u.input_tokens;
  if (u.output_tokens) j["output_tokens"] = *u.output_tokens;
}

KLING_LAZY_DEF void to_json(json &out, const task &t) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json{{"id", t.id}, {"status", to_string(t.status)}};
  if (t.status == task_status::unknown && !t.status_text.empty()) j["status"] = t.status_text;
  if (!t.external_task_id.empty()) j["external_task_id"] = t.external_task_id;
  if (t.created_at) j["created_at"] = format_iso8601(*t.created_at);
  if (t.completed_at) j["completed_at"] = format_iso8601(*t.completed_at);
  if (!t.model.empty()) j["model"] = t.model;
  if (!t.provider.empty()) j["provider"] = t.provider;
  if (!t.videos.empty()) j["videos"] = t.videos;
  if (t.usage) j["usage"] = *t.usage;
  if (!t.error_message.empty()) j["error"] = t.error_message;
  if (t.url_expires_at) j["url_expires_at"] = format_iso8601(*t.url_expires_at);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_TASK_IPP
