// Rules of the element library: E-1 (creating a custom element). E-2 and E-3
// (paging, deletion) are in queries.hpp.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_ELEMENTS_HPP
#define KLING_RULES_ELEMENTS_HPP

#include "kling/rules/images.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

inline constexpr std::size_t max_element_name_characters = 10;
inline constexpr std::size_t max_element_description_characters = 100;

KLING_FUNCTION_OBJECT check_new_element_function { void operator()(checker &c, const scope &s) const; };
inline constexpr KLING_FUNCTION_TYPE(check_new_element) check_new_element{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_ELEMENTS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_ELEMENTS_IPP)
#define KLING_RULES_ELEMENTS_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF void KLING_FUNCTION(check_new_element)::operator()(checker &c, const scope &s) const {
  c.required_string(s, "element_name", "E-1");
  c.text_length(s, "element_name", max_element_name_characters, "E-1");
  c.required_string(s, "element_description", "E-1");
  c.text_length(s, "element_description", max_element_description_characters, "E-1");
  if (const std::string *front = c.required_string(s, "element_frontal_image", "E-1")) {
    check_image(c, *front, s.field("element_frontal_image"), "E-1", standard_image_limits);
  }
  if (!s.has("element_refer_list")) {
    c.violation("E-1", s.field("element_refer_list"),
                "element_refer_list is required: 1 to 3 reference images");
  } else if (const json *list = c.array(s, "element_refer_list")) {
    if (list->empty() || list->size() > 3) {
      c.violation("E-1", s.field("element_refer_list"),
                  "element_refer_list needs 1 to 3 images, got " + std::to_string(list->size()));
    }
    for (const scope &item : c.objects_in(*list, s.field("element_refer_list"))) {
      if (const std::string *url = c.required_string(item, "image_url", "E-1")) {
        check_image(c, *url, item.field("image_url"), "E-1", standard_image_limits);
      }
    }
  }
  if (const json *tags = c.array(s, "tag_list")) {
    for (const scope &item : c.objects_in(*tags, s.field("tag_list")))
      c.required_string(item, "tag_id", "E-1");
  }
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_ELEMENTS_IPP
