// Rules of Kling-V2.6 motion control (route motion_control): M-1 .. M-5.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_MOTION_CONTROL_HPP
#define KLING_RULES_MOTION_CONTROL_HPP

#include "kling/rules/common.hpp"
#include "kling/rules/images.hpp"
#include "kling/rules/videos.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_FUNCTION_OBJECT check_motion_control_function { void operator()(checker &c, const scope &s) const; };
inline constexpr KLING_FUNCTION_TYPE(check_motion_control) check_motion_control{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_MOTION_CONTROL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_MOTION_CONTROL_IPP)
#define KLING_RULES_MOTION_CONTROL_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF void KLING_FUNCTION(check_motion_control)::operator()(checker &c, const scope &s) const {
  const std::string *image = c.required_string(s, "image_url", "M-1");
  const std::string *video = c.required_string(s, "video_url", "M-1");
  for (const char *key : {"mode", "character_orientation"}) {
    if (!s.has(key))
      c.violation("M-1", s.field(key), std::string(key) + " is required for motion control (no default)");
  }
  const auto orientation = c.one_of(s, "character_orientation", {"image", "video"}, "M-2");
  c.one_of(s, "keep_original_sound", {"yes", "no"}, "M-3");
  if (image) check_image(c, *image, s.field("image_url"), "M-4", motion_image_limits);
  if (video) {
    const auto limits = motion_video_limits(
        orientation && *orientation == "image" ? character_orientation::image : character_orientation::video);
    check_video_string(c, *video, s.field("video_url"), "M-1", limits);
  }
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_MOTION_CONTROL_IPP
