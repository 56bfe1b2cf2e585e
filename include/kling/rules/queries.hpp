// Rules for the calls that are not video creation: task queries and
// the element listing and deletion parameters (E-2, E-3).
//
// Thread safety: pure functions.
#ifndef KLING_RULES_QUERIES_HPP
#define KLING_RULES_QUERIES_HPP

#include <string>
#include <string_view>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/rules/report.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

// the task id goes into the path, so it must not be empty; neither it
// nor the provider (a query value) may hold a line break, NUL or other
// control character.
KLING_FUNCTION_OBJECT check_task_query_function {
  std::vector<violation> operator()(std::string_view task_id, std::string_view provider = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_task_query) check_task_query{};

// E-2: page_num 1..1000, page_size 1..500.
KLING_FUNCTION_OBJECT check_element_page_function {
  std::vector<violation> operator()(int page_num, int page_size) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_element_page) check_element_page{};

// E-3: deleting needs the element's id.
KLING_FUNCTION_OBJECT check_element_delete_function {
  std::vector<violation> operator()(std::string_view element_id) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_element_delete) check_element_delete{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_QUERIES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_QUERIES_IPP)
#define KLING_RULES_QUERIES_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF std::vector<violation>
KLING_FUNCTION(check_task_query)::operator()(std::string_view task_id, std::string_view provider) const {
  std::vector<violation> out;
  if (task_id.empty()) out.push_back({"Q-1", "/task_id", "task id must not be empty"});
  if (ascii::has_control_character(task_id)) {
    out.push_back({"Q-1", "/task_id", "task id contains a line break, NUL or other control character"});
  }
  if (ascii::has_control_character(provider)) {
    out.push_back({"Q-1", "/provider", "provider contains a line break, NUL or other control character"});
  }
  return out;
}

KLING_LAZY_DEF std::vector<violation> KLING_FUNCTION(check_element_page)::operator()(int page_num,
                                                                                     int page_size) const {
  std::vector<violation> out;
  if (page_num < 1 || page_num > 1000) {
    out.push_back({"E-2", "/page_num", "page_num must be from 1 to 1000, got " + std::to_string(page_num)});
  }
  if (page_size < 1 || page_size > 500) {
    out.push_back({"E-2", "/page_size", "page_size must be from 1 to 500, got " + std::to_string(page_size)});
  }
  return out;
}

KLING_LAZY_DEF std::vector<violation>
KLING_FUNCTION(check_element_delete)::operator()(std::string_view element_id) const {
  if (!element_id.empty()) return {};
  return {{"E-3", "/element_id", "element_id must not be empty"}};
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_QUERIES_IPP
