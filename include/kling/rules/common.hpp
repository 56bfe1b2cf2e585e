// Rules common to every route (C-1..C-9) and the routing checks that go with
// them (ROUTE-1, ROUTE-3 and ROUTE-4 warnings).
//
// Thread safety: pure functions.
#ifndef KLING_RULES_COMMON_HPP
#define KLING_RULES_COMMON_HPP

#include <optional>
#include <string>

#include "kling/core/ascii.hpp"
#include "kling/core/url.hpp"
#include "kling/rules/checker.hpp"
#include "kling/rules/routing.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

inline constexpr std::size_t max_prompt_characters = 2500;

// C-5: seconds as an integer or a string of digits; its value, when readable.
KLING_FUNCTION_OBJECT read_seconds_function {
  std::optional<int> operator()(checker &c, const scope &s) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_seconds) read_seconds{};

KLING_FUNCTION_OBJECT check_routing_function {
  void operator()(checker &c, const scope &s, kling::route r) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_routing) check_routing{};

// What the common checks read that the route's checks need too.
struct common_fields {
  std::optional<int> seconds;
};

KLING_FUNCTION_OBJECT check_common_function { common_fields operator()(checker &c, const scope &s) const; };
inline constexpr KLING_FUNCTION_TYPE(check_common) check_common{};

// C-5: what is sent: seconds as a string. Everything else stays as given (C-8).
KLING_FUNCTION_OBJECT normalized_function { json operator()(json request) const; };
inline constexpr KLING_FUNCTION_TYPE(normalized) normalized{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_COMMON_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_COMMON_IPP)
#define KLING_RULES_COMMON_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF std::optional<int> KLING_FUNCTION(read_seconds)::operator()(checker &c, const scope &s) const {
  const json *v = s.get("seconds");
  if (!v) return std::nullopt;
  if (v->is_number_integer() || v->is_number_unsigned()) {
    const auto n = v->get<long long>();
    if (n >= 0 && n <= 100000) return static_cast<int>(n);
  } else if (v->is_string()) {
    const auto &text = v->get_ref<const std::string &>();
    if (!text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos) {
      int n = 0;
      for (char d : text)
        n = n * 10 + (d - '0');
      return n;
    }
  }
  c.violation("C-5", s.field("seconds"),
              "seconds must be a whole number of seconds, as an integer or a string of digits, not " +
                  dump_json(*v));
  return std::nullopt;
}

KLING_LAZY_DEF void KLING_FUNCTION(check_routing)::operator()(checker &c, const scope &s,
                                                              kling::route r) const {
  if (!s.has("model")) {
    c.violation("ROUTE-1", s.field("model"), "model is required (Kling-Video-O1 or Kling-V2.6)");
    return;
  }
  const std::string *model = c.string(s, "model");
  if (!model) return;
  if (r == kling::route::unknown) {
    c.warning("ROUTE-4", s.field("model"),
              "model \"" + *model +
                  "\" is not Kling-Video-O1 or Kling-V2.6: the request is sent as it is, "
                  "without model-specific checks");
  }
  const json *action = s.get("action_control");
  if (action && !action->is_boolean()) {
    c.warning("ROUTE-3", s.field("action_control"),
              "action_control is " + dump_json(*action) +
                  ", not JSON true: the request does not go to motion control");
  }
}

KLING_LAZY_DEF common_fields KLING_FUNCTION(check_common)::operator()(checker &c, const scope &s) const {
  common_fields out;
  c.text_length(s, "prompt", max_prompt_characters, "C-1");
  c.text_length(s, "negative_prompt", max_prompt_characters, "C-2");
  c.one_of(s, "mode", {"std", "pro"}, "C-3");
  c.one_of(s, "aspect_ratio", {"16:9", "9:16", "1:1"}, "C-4");
  out.seconds = read_seconds(c, s);
  if (const std::string *url = c.string(s, "callback_url")) {
    auto parsed = split_url(*url);
    if (!parsed) c.violation("C-6", s.field("callback_url"), "callback_url: " + parsed.error().message);
  }
  if (s.has("external_task_id")) {
    const std::string *id = c.string(s, "external_task_id");
    if (id && id->empty())
      c.violation("C-7", s.field("external_task_id"), "external_task_id must not be empty");
    // It is looked up in a URL path and may be logged: no line breaks or NULs.
    if (id && ascii::has_control_character(*id)) {
      c.violation("C-7", s.field("external_task_id"),
                  "external_task_id contains a line break, NUL or other control character");
    }
  }
  return out;
}

KLING_LAZY_DEF json KLING_FUNCTION(normalized)::operator()(json request) const {
  if (!request.is_object()) return request;
  auto it = request.find("seconds");
  if (it != request.end() && (it->is_number_integer() || it->is_number_unsigned())) {
    *it = std::to_string(it->get<long long>());
  }
  return request;
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_COMMON_IPP
