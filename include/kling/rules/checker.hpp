// checker: the small toolkit every rule is written with. It collects
// violations and warnings with their rule IDs and JSON pointers, and reads
// members of the request so that a member of the wrong JSON type becomes a
// C-9 violation instead of a crash.
//
// Thread safety: one checker per validation.
#ifndef KLING_RULES_CHECKER_HPP
#define KLING_RULES_CHECKER_HPP

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/json.hpp"
#include "kling/core/utf8.hpp"
#include "kling/rules/report.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

// A JSON object of the request and the pointer that names it.
struct scope {
  KLING_LAZY scope(const json &object, std::string path);

  const json &object;
  std::string path; // "" for the request itself

  KLING_LAZY std::string field(std::string_view key) const;
  // The member, or nullptr when absent or null (null means "not given").
  KLING_LAZY const json *get(std::string_view key) const;
  KLING_LAZY bool has(std::string_view key) const;

private:
  // The members of a small object, listed once: the rules ask about thirty
  // names of a request, most of them absent, and a list compared length first
  // answers that faster than the object's tree of strings. A larger object is
  // searched in its tree.
  struct listed_member {
    std::string_view key;
    const json *value;
  };
  static constexpr std::size_t listed_members = 16;
  std::array<listed_member, listed_members> members_; // the first member_count_ are set
  std::size_t member_count_ = 0;
  bool listed_ = false;
};

class checker {
public:
  explicit checker(kling::route r) { result_.route = r; }

  KLING_LAZY void violation(std::string rule, std::string field, std::string message);
  KLING_LAZY void warning(std::string rule, std::string field, std::string message);

  // A field that holds an image (checked by check_image): the one place a
  // local file (media::local_image) may be named (LOCAL-1). check_image
  // records only the fields that name a local file.
  void image_field(std::string field) { image_fields_.push_back(std::move(field)); }
  const std::vector<std::string> &image_fields() const { return image_fields_; }

  const report &result() const & { return result_; }
  report result() && { return std::move(result_); }

  // ---- typed reads: absent gives nullptr; the wrong type adds C-9 ----------

  KLING_LAZY const std::string *string(const scope &s, std::string_view key);
  KLING_LAZY const json *array(const scope &s, std::string_view key);
  KLING_LAZY const json *object(const scope &s, std::string_view key);
  KLING_LAZY const json *number(const scope &s, std::string_view key);

  // The objects of an array, each with its own scope; other entries add C-9.
  KLING_LAZY std::vector<scope> objects_in(const json &array, const std::string &path);

  KLING_LAZY void wrong_type(const std::string &field, std::string_view expected, const json &got);

  // ---- common shapes of rules -----------------------------------------------

  // A required member that must be a non-empty string.
  KLING_LAZY const std::string *required_string(const scope &s, std::string_view key, const char *rule);

  // A string member limited to max_chars Unicode code points.
  KLING_LAZY void text_length(const scope &s, std::string_view key, std::size_t max_chars, const char *rule);

  // A string member that must be one of the given words; returns it when it is.
  KLING_LAZY std::optional<std::string> one_of(const scope &s, std::string_view key,
                                               std::initializer_list<const char *> words, const char *rule);

private:
  KLING_LAZY const json *typed(const scope &s, std::string_view key, json::value_t type,
                               std::string_view name);

  report result_;
  std::vector<std::string> image_fields_;
};

// <<<kind_N>>> references in a prompt ("image", 1), in order of appearance;
// N is 0 when the digits are missing or absurdly long.
struct prompt_reference {
  std::string kind;
  long long index = 0;
  std::string text; // as written, for messages
};

KLING_FUNCTION_OBJECT prompt_references_function {
  std::vector<prompt_reference> operator()(std::string_view prompt) const;
};
inline constexpr KLING_FUNCTION_TYPE(prompt_references) prompt_references{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CHECKER_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_CHECKER_IPP)
#define KLING_RULES_CHECKER_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF std::string scope::field(std::string_view key) const { return pointer_child(path, key); }

KLING_LAZY_DEF scope::scope(const json &object_, std::string path_)
    : object(object_), path(std::move(path_)) {
  if (!object.is_object() || object.size() > listed_members) return;
  listed_ = true;
  for (auto it = object.begin(); it != object.end(); ++it)
    members_[member_count_++] = {it.key(), &it.value()};
}

KLING_LAZY_DEF const json *scope::get(std::string_view key) const {
  const json *m = nullptr;
  if (listed_) {
    for (std::size_t i = 0; i < member_count_ && !m; ++i)
      if (members_[i].key.size() == key.size() && members_[i].key == key) m = members_[i].value;
  } else {
    m = find_member(object, key);
  }
  return m && !m->is_null() ? m : nullptr;
}

KLING_LAZY_DEF bool scope::has(std::string_view key) const { return get(key) != nullptr; }

KLING_LAZY_DEF void checker::violation(std::string rule, std::string field, std::string message) {
  result_.violations.push_back({std::move(rule), std::move(field), std::move(message)});
}

KLING_LAZY_DEF void checker::warning(std::string rule, std::string field, std::string message) {
  result_.warnings.push_back({std::move(rule), std::move(field), std::move(message)});
}

KLING_LAZY_DEF const std::string *checker::string(const scope &s, std::string_view key) {
  const json *m = s.get(key);
  if (!m) return nullptr;
  if (!m->is_string()) {
    wrong_type(s.field(key), "a string", *m);
    return nullptr;
  }
  return &m->get_ref<const std::string &>();
}

KLING_LAZY_DEF const json *checker::array(const scope &s, std::string_view key) {
  return typed(s, key, json::value_t::array, "an array");
}

KLING_LAZY_DEF const json *checker::object(const scope &s, std::string_view key) {
  return typed(s, key, json::value_t::object, "an object");
}

KLING_LAZY_DEF const json *checker::number(const scope &s, std::string_view key) {
  const json *m = s.get(key);
  if (m && !m->is_number()) {
    wrong_type(s.field(key), "a number", *m);
    return nullptr;
  }
  return m;
}

KLING_LAZY_DEF std::vector<scope> checker::objects_in(const json &array, const std::string &path) {
  std::vector<scope> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string item = pointer_child(path, i);
    if (array[i].is_object())
      out.push_back(scope{array[i], item});
    else
      wrong_type(item, "an object", array[i]);
  }
  return out;
}

KLING_LAZY_DEF void checker::wrong_type(const std::string &field, std::string_view expected,
                                        const json &got) {
  // Several rules read the same member (the prompt's type is checked by C-1 and the route's
  // own rule): its wrong type is one mistake, reported once.
  for (const auto &v : result_.violations)
    if (v.rule == "C-9" && v.field == field) return;
  violation("C-9", field, "must be " + std::string(expected) + ", not " + got.type_name());
}

KLING_LAZY_DEF const std::string *checker::required_string(const scope &s, std::string_view key,
                                                           const char *rule) {
  if (!s.has(key)) {
    violation(rule, s.field(key), std::string(key) + " is required");
    return nullptr;
  }
  const std::string *v = string(s, key);
  if (v && v->empty()) {
    violation(rule, s.field(key), std::string(key) + " must not be empty");
    return nullptr;
  }
  return v;
}

KLING_LAZY_DEF void checker::text_length(const scope &s, std::string_view key, std::size_t max_chars,
                                         const char *rule) {
  const std::string *v = string(s, key);
  if (!v) return;
  auto count = utf8::count_code_points(*v);
  if (!count) {
    violation(rule, s.field(key), std::string(key) + " is not valid UTF-8: " + count.error().message);
  } else if (*count > max_chars) {
    violation(rule, s.field(key),
              std::string(key) + " has " + std::to_string(*count) + " characters; at most " +
                  std::to_string(max_chars) + " are allowed");
  }
}

KLING_LAZY_DEF std::optional<std::string> checker::one_of(const scope &s, std::string_view key,
                                                          std::initializer_list<const char *> words,
                                                          const char *rule) {
  const std::string *v = string(s, key);
  if (!v) return std::nullopt;
  std::string allowed;
  for (const char *w : words) {
    if (*v == w) return *v;
    allowed += allowed.empty() ? "" : ", ";
    allowed += w;
  }
  violation(rule, s.field(key), std::string(key) + " must be one of " + allowed + ", not \"" + *v + "\"");
  return std::nullopt;
}

KLING_LAZY_DEF const json *checker::typed(const scope &s, std::string_view key, json::value_t type,
                                          std::string_view name) {
  const json *m = s.get(key);
  if (m && m->type() != type) {
    wrong_type(s.field(key), name, *m);
    return nullptr;
  }
  return m;
}

KLING_LAZY_DEF std::vector<prompt_reference>
KLING_FUNCTION(prompt_references)::operator()(std::string_view prompt) const {
  std::vector<prompt_reference> out;
  for (std::size_t open = prompt.find("<<<"); open != std::string_view::npos;
       open = prompt.find("<<<", open + 3)) {
    const std::size_t close = prompt.find(">>>", open + 3);
    if (close == std::string_view::npos) break;
    const std::string_view inner = prompt.substr(open + 3, close - open - 3);
    const std::size_t underscore = inner.rfind('_');
    if (underscore == std::string_view::npos || underscore == 0) continue;
    prompt_reference ref{std::string(inner.substr(0, underscore)), 0,
                         std::string(prompt.substr(open, close + 3 - open))};
    const std::string_view digits = inner.substr(underscore + 1);
    bool numeric = !digits.empty() && digits.size() <= 9;
    for (char c : digits)
      numeric = numeric && ascii::is_digit(c);
    if (numeric) {
      for (char c : digits)
        ref.index = ref.index * 10 + (c - '0');
    } else if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      continue; // "<<<hello_world>>>" is text, not a reference
    }
    out.push_back(std::move(ref));
  }
  return out;
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CHECKER_IPP
