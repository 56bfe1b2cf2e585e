// batch_manifest: a batch of video requests as JSON Lines, read and checked
// as a whole before anything is sent. A line is a request body (named by its
// line number) or {"name": "...", "request": {...}}; blank lines are skipped.
// Every line's request is checked against the gateway's rules, and the
// manifest's own rules (BATCH-1..5) are checked too, each violation with its
// line number, rule ID and field.
//
//   auto manifest = kling::rules::read_manifest(text);
//   if (!manifest.valid()) for (auto &v : manifest.violations) report(v.line, v.what);
//   auto mine = kling::rules::shard(manifest.entries, 2, 4); // lines 2, 6, 10...
//
// Thread safety: plain functions over values.
#ifndef KLING_RULES_BATCH_MANIFEST_HPP
#define KLING_RULES_BATCH_MANIFEST_HPP

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/json.hpp"
#include "kling/core/utf8.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

// The manifest's own rules, next to the gateway's (RULES.md) in reports.
//   BATCH-1 a line is one JSON object
//   BATCH-2 a named line has exactly "name" (a string) and "request" (an object)
//   BATCH-3 a name is usable as a file name on every platform (it becomes <name>.mp4)
//   BATCH-4 names are unique in the manifest, ignoring case
//   BATCH-5 an external_task_id given in a request is unique in the manifest
struct manifest_entry {
  std::size_t line = 0; // 1-based
  std::string name;
  json request;
};

struct manifest_violation {
  std::size_t line = 0;
  violation what; // field: a JSON pointer into the line
};

struct manifest {
  std::vector<manifest_entry> entries;
  std::vector<manifest_violation> violations;
  bool valid() const { return violations.empty(); }
};

// The longest name accepted, in bytes (file systems allow 255 for <name>.mp4.part.source).
inline constexpr std::size_t max_batch_name_bytes = 200;

// Why a name cannot be a file name, or empty when it can.
KLING_FUNCTION_OBJECT batch_name_problem_function { std::string operator()(std::string_view name) const; };
inline constexpr KLING_FUNCTION_TYPE(batch_name_problem) batch_name_problem{};

// Names are compared as the file systems that ignore case would (Windows,
// macOS): "Shot" and "shot" would be one file.
KLING_FUNCTION_OBJECT batch_name_key_function { std::string operator()(std::string_view name) const; };
inline constexpr KLING_FUNCTION_TYPE(batch_name_key) batch_name_key{};

KLING_FUNCTION_OBJECT read_manifest_function { manifest operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(read_manifest) read_manifest{};

// The entries of shard k of n (1 <= k <= n): those whose line index (line
// number - 1) modulo n is k - 1, so n machines split one manifest without
// talking to each other.
KLING_FUNCTION_OBJECT shard_function {
  std::vector<manifest_entry> operator()(const std::vector<manifest_entry> &entries, std::size_t k,
                                         std::size_t n) const;
};
inline constexpr KLING_FUNCTION_TYPE(shard) shard{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_BATCH_MANIFEST_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_BATCH_MANIFEST_IPP)
#define KLING_RULES_BATCH_MANIFEST_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF std::string KLING_FUNCTION(batch_name_problem)::operator()(std::string_view name) const {
  if (name.empty()) return "is empty";
  if (name.size() > max_batch_name_bytes)
    return "is longer than " + std::to_string(max_batch_name_bytes) + " bytes";
  if (!utf8::is_valid(name)) return "is not valid UTF-8";
  if (ascii::has_control_character(name)) return "contains a control character";
  // Windows refuses these in names; '/' and '\\' would leave the output folder.
  if (name.find_first_of("/\\:*?\"<>|") != std::string_view::npos)
    return "contains one of / \\ : * ? \" < > |";
  if (name.front() == '.') return "starts with '.' (hidden, or a path such as ..)";
  if (name.back() == ' ' || name.back() == '.') return "ends with a space or '.' (Windows drops them)";
  return {};
}

KLING_LAZY_DEF std::string KLING_FUNCTION(batch_name_key)::operator()(std::string_view name) const {
  return ascii::to_lower(name);
}

namespace manifest_detail {
KLING_LAZY void add(manifest &m, std::size_t line, std::string rule, std::string field, std::string message) {
  m.violations.push_back({line, violation{std::move(rule), std::move(field), std::move(message)}});
}
} // namespace manifest_detail

KLING_LAZY_DEF manifest KLING_FUNCTION(read_manifest)::operator()(std::string_view text) const {
  using manifest_detail::add;
  manifest out;
  std::map<std::string, std::size_t> name_lines, external_lines;
  std::size_t line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto parsed = parse_json(content);
    if (!parsed) {
      add(out, line, "BATCH-1", "", "the line is not JSON: " + parsed.error().message);
      continue;
    }
    if (!parsed->is_object()) {
      add(out, line, "BATCH-1", "",
          std::string("the line is a JSON ") + parsed->type_name() + ", not an object");
      continue;
    }
    manifest_entry entry;
    entry.line = line;
    std::string prefix; // where the request sits in the line
    if (parsed->contains("request") || parsed->contains("name")) {
      bool ok = true;
      for (const auto &member : parsed->items()) {
        if (member.key() != "name" && member.key() != "request") {
          add(out, line, "BATCH-2", pointer_child("", member.key()),
              "a named line has only \"name\" and \"request\"");
          ok = false;
        }
      }
      const json *name = find_member(*parsed, "name");
      const json *request = find_member(*parsed, "request");
      if (!name || !name->is_string()) {
        add(out, line, "BATCH-2", "/name", "a named line needs \"name\", a string");
        ok = false;
      }
      if (!request || !request->is_object()) {
        add(out, line, "BATCH-2", "/request", "a named line needs \"request\", an object");
        ok = false;
      }
      if (!ok) continue;
      entry.name = name->get<std::string>();
      entry.request = *request;
      prefix = "/request";
      if (auto problem = batch_name_problem(entry.name); !problem.empty()) {
        add(out, line, "BATCH-3", "/name", "the name " + problem);
        continue;
      }
    } else {
      entry.name = std::to_string(line);
      entry.request = std::move(*parsed);
    }
    bool ok = true;
    if (auto first = name_lines.emplace(batch_name_key(entry.name), line); !first.second) {
      add(out, line, "BATCH-4", prefix.empty() ? "" : "/name",
          "the name \"" + entry.name + "\" is also line " + std::to_string(first.first->second) +
              "'s (names that differ only in case are one file on some systems)");
      ok = false;
    }
    if (const json *ext = find_member(entry.request, "external_task_id"); ext && ext->is_string()) {
      if (auto first = external_lines.emplace(ext->get<std::string>(), line); !first.second) {
        add(out, line, "BATCH-5", prefix + "/external_task_id",
            "external_task_id is also line " + std::to_string(first.first->second) + "'s");
        ok = false;
      }
    }
    const report checked = validate(entry.request);
    for (const auto &v : checked.violations) {
      add(out, line, v.rule, prefix + v.field, v.message);
      ok = false;
    }
    if (ok) out.entries.push_back(std::move(entry));
  }
  return out;
}

KLING_LAZY_DEF std::vector<manifest_entry>
KLING_FUNCTION(shard)::operator()(const std::vector<manifest_entry> &entries, std::size_t k,
                                  std::size_t n) const {
  std::vector<manifest_entry> out;
  if (n == 0 || k == 0 || k > n) return out;
  for (const auto &e : entries)
    if ((e.line - 1) % n == k - 1) out.push_back(e);
  return out;
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_BATCH_MANIFEST_IPP
