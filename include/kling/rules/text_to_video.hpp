// Rules of Kling-V2.6 text to video (route text_to_video): T-1 .. T-3, and camera control.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_TEXT_TO_VIDEO_HPP
#define KLING_RULES_TEXT_TO_VIDEO_HPP

#include "kling/rules/camera.hpp"
#include "kling/rules/common.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

// 5 or 10 seconds (T-3, I-3).
KLING_FUNCTION_OBJECT check_five_or_ten_function {
  void operator()(checker &c, const scope &s, const common_fields &common, const char *rule) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_five_or_ten) check_five_or_ten{};

KLING_FUNCTION_OBJECT check_text_to_video_function {
  void operator()(checker &c, const scope &s, const common_fields &common) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_text_to_video) check_text_to_video{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_TEXT_TO_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_TEXT_TO_VIDEO_IPP)
#define KLING_RULES_TEXT_TO_VIDEO_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF void KLING_FUNCTION(check_five_or_ten)::operator()(checker &c, const scope &s,
                                                                  const common_fields &common,
                                                                  const char *rule) const {
  if (common.seconds && *common.seconds != 5 && *common.seconds != 10) {
    c.violation(rule, s.field("seconds"), "seconds must be 5 or 10, got " + std::to_string(*common.seconds));
  }
}

KLING_LAZY_DEF void KLING_FUNCTION(check_text_to_video)::operator()(checker &c, const scope &s,
                                                                    const common_fields &common) const {
  c.required_string(s, "prompt", "T-1");
  c.one_of(s, "sound", {"on", "off"}, "T-2");
  check_five_or_ten(c, s, common, "T-3");
  check_camera_control(c, s);
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_TEXT_TO_VIDEO_IPP
