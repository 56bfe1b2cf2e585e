// batch_journal: the format of a batch's journal, without I/O. The journal is
// JSON Lines, appended to and flushed to disk before the act each line
// announces (the runner in client/batch.hpp writes it through
// files::appending_file); replaying its text says where every item stood.
//
//   {"event":"batch","batch_id":"5f0c..."}                        first line
//   {"event":"intent","name":"shot-1","external_task_id":"..."}   before its create is sent
//   {"event":"withdrawn","name":"shot-1"}                         its create was never sent
//   {"event":"created","name":"shot-1","task_id":"...","provider":"..."}
//   {"event":"completed","name":"shot-1","task_id":"..."}
//   {"event":"downloaded","name":"shot-1","file":"out/shot-1.mp4","bytes":123}
//   {"event":"failed","name":"shot-1","code":"task_failed","message":"...","final":true}
//
// A crash can cut only the last line short: every line is whole on the disk
// before the next act begins. A line that does not read is therefore one whose
// act never happened; it is reported in `problems` and otherwise ignored.
//
// Thread safety: plain functions over values.
#ifndef KLING_PROTOCOL_BATCH_JOURNAL_HPP
#define KLING_PROTOCOL_BATCH_JOURNAL_HPP

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/error.hpp"
#include "kling/core/json.hpp"
#include "kling/core/utf8.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

enum class journal_event { batch, intent, withdrawn, created, completed, downloaded, failed };

constexpr const char *to_string(journal_event e) noexcept {
  switch (e) {
  case journal_event::batch: return "batch";
  case journal_event::intent: return "intent";
  case journal_event::withdrawn: return "withdrawn";
  case journal_event::created: return "created";
  case journal_event::completed: return "completed";
  case journal_event::downloaded: return "downloaded";
  case journal_event::failed: return "failed";
  }
  return "batch";
}

struct journal_record {
  journal_event event = journal_event::batch;
  std::string name;             // every event but batch
  std::string batch_id;         // batch
  std::string external_task_id; // intent
  std::string task_id;          // created, completed
  std::string provider;         // created
  std::string file;             // downloaded
  std::uint64_t bytes = 0;      // downloaded
  std::string code, message;    // failed
  bool final_failure = false;   // failed: the task itself failed; running again would pay again
};

// One line, ending in '\n'.
KLING_FUNCTION_OBJECT journal_line_function { std::string operator()(const journal_record &r) const; };
inline constexpr KLING_FUNCTION_TYPE(journal_line) journal_line{};

// Where one item stood when the journal ends.
struct journal_item {
  std::string external_task_id;
  bool create_may_have_been_sent = false; // an intent not withdrawn: look it up before posting
  std::string task_id, provider;          // once created
  bool completed = false;
  bool downloaded = false;
  std::string file;
  std::uint64_t bytes = 0;
  bool failed_final = false; // the task failed: not created again
  std::string failure;       // the last failure, final or not
};

struct journal_state {
  std::string batch_id;
  std::map<std::string, journal_item> items; // by name
  std::vector<std::string> problems;         // lines that did not read (a torn last line)
  std::size_t lines = 0;
  bool ends_with_newline = true; // false: the last write was cut; the next append starts a line
};

KLING_FUNCTION_OBJECT replay_journal_function { journal_state operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(replay_journal) replay_journal{};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_BATCH_JOURNAL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_BATCH_JOURNAL_IPP)
#define KLING_PROTOCOL_BATCH_JOURNAL_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF std::string KLING_FUNCTION(journal_line)::operator()(const journal_record &r) const {
  using ordered = KLING_DEFERRED(nlohmann::ordered_json);
  ordered line{{"event", to_string(r.event)}};
  const auto put = [&](const char *key, const std::string &value) {
    if (!value.empty()) line[key] = value;
  };
  put("batch_id", r.batch_id);
  put("name", r.name);
  put("external_task_id", r.external_task_id);
  put("task_id", r.task_id);
  put("provider", r.provider);
  put("file", r.file);
  if (r.event == journal_event::downloaded) line["bytes"] = r.bytes;
  put("code", r.code);
  put("message", r.message);
  if (r.event == journal_event::failed) line["final"] = r.final_failure;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

KLING_LAZY_DEF journal_state KLING_FUNCTION(replay_journal)::operator()(std::string_view text) const {
  journal_state out;
  out.ends_with_newline = text.empty() || text.back() == '\n';
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (content.empty()) continue;
    ++out.lines;
    const auto bad = [&](const std::string &why) {
      out.problems.push_back("line " + std::to_string(number) + " " + why + ": " +
                             utf8::excerpt(content, 80));
    };
    auto parsed = parse_json(content);
    if (!parsed || !parsed->is_object()) {
      bad("does not read (cut short by a crash?)");
      continue;
    }
    const auto text_of = [&](const char *key) {
      const json *v = find_member(*parsed, key);
      return v && v->is_string() ? v->get<std::string>() : std::string();
    };
    const std::string event = text_of("event");
    if (event == "batch") {
      if (out.batch_id.empty()) out.batch_id = text_of("batch_id");
      continue;
    }
    const std::string name = text_of("name");
    if (name.empty()) {
      bad("has no name");
      continue;
    }
    journal_item &item = out.items[name];
    if (event == "intent") {
      const std::string ext = text_of("external_task_id");
      if (ext.empty()) {
        bad("is an intent without an external_task_id");
        continue;
      }
      item.external_task_id = ext;
      item.create_may_have_been_sent = true;
    } else if (event == "withdrawn") {
      item.create_may_have_been_sent = false;
    } else if (event == "created") {
      item.task_id = text_of("task_id");
      item.provider = text_of("provider");
    } else if (event == "completed") {
      item.completed = true;
      if (item.task_id.empty()) item.task_id = text_of("task_id");
    } else if (event == "downloaded") {
      const json *bytes = find_member(*parsed, "bytes");
      item.downloaded = true;
      item.file = text_of("file");
      item.bytes = bytes && bytes->is_number_unsigned() ? bytes->get<std::uint64_t>() : 0;
    } else if (event == "failed") {
      const json *is_final = find_member(*parsed, "final");
      item.failure = text_of("message");
      if (is_final && is_final->is_boolean() && is_final->get<bool>()) item.failed_final = true;
    } else {
      bad("has an unknown event \"" + utf8::excerpt(event, 40) + "\"");
    }
  }
  return out;
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_BATCH_JOURNAL_IPP
