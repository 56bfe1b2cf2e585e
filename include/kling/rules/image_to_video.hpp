// Rules of Kling-V2.6 image to video (route image_to_video): I-1 .. I-7, and camera control.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_IMAGE_TO_VIDEO_HPP
#define KLING_RULES_IMAGE_TO_VIDEO_HPP

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "kling/rules/images.hpp"
#include "kling/rules/text_to_video.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

inline constexpr std::size_t max_voices = 2;
inline constexpr std::size_t max_dynamic_masks = 6;
inline constexpr std::size_t min_trajectory_points = 2;
inline constexpr std::size_t max_trajectory_points_5s = 77;

KLING_FUNCTION_OBJECT check_image_to_video_function {
  void operator()(checker &c, const scope &s, const common_fields &common) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_image_to_video) check_image_to_video{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_IMAGE_TO_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_IMAGE_TO_VIDEO_IPP)
#define KLING_RULES_IMAGE_TO_VIDEO_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

namespace i2v_detail {

struct mask_image {
  media::image_info info;
  std::string field;
};

// I-6: one dynamic mask group; returns its mask's header when inline.
KLING_LAZY std::optional<mask_image> check_dynamic_mask(checker &c, const scope &group, bool five_seconds) {
  std::optional<mask_image> out;
  if (const std::string *mask = c.required_string(group, "mask", "I-6")) {
    if (auto info = check_image(c, *mask, group.field("mask"), "I-7", standard_image_limits)) {
      out = mask_image{*info, group.field("mask")};
    }
  }
  if (!group.has("trajectories")) {
    c.violation("I-6", group.field("trajectories"), "each dynamic mask needs trajectories");
    return out;
  }
  const json *points = c.array(group, "trajectories");
  if (!points) return out;
  const std::size_t n = points->size();
  if (n < min_trajectory_points || (five_seconds && n > max_trajectory_points_5s)) {
    c.violation("I-6", group.field("trajectories"),
                "a trajectory has 2 to 77 points for a 5 s video, got " + std::to_string(n));
  }
  for (const scope &point : c.objects_in(*points, group.field("trajectories"))) {
    for (const char *axis : {"x", "y"}) {
      const json *v = point.get(axis);
      if (!v || !(v->is_number_integer() || v->is_number_unsigned())) {
        c.violation("I-6", point.field(axis), std::string(axis) + " must be an integer pixel coordinate");
      }
    }
  }
  return out;
}

} // namespace i2v_detail

KLING_LAZY_DEF void KLING_FUNCTION(check_image_to_video)::operator()(checker &c, const scope &s,
                                                                     const common_fields &common) const {
  // I-1 (and I-7 for the frames).
  if (!s.has("image") && !s.has("image_tail")) {
    c.violation(
        "I-1", s.field("image"),
        "image or image_tail is required (without either the gateway treats the request as text to video)");
  }
  std::optional<media::image_info> image;
  for (const char *key : {"image", "image_tail"}) {
    const std::string *v = c.string(s, key);
    if (!v) continue;
    if (v->empty()) {
      if (!s.has(key == std::string("image") ? "image_tail" : "image")) {
        c.violation("I-1", s.field(key), std::string(key) + " is empty");
      }
      continue;
    }
    auto info = check_image(c, *v, s.field(key), "I-7", standard_image_limits);
    if (key == std::string("image")) image = info;
  }

  // I-2: image + at most one of three groups.
  std::vector<std::string> groups;
  if (s.has("image_tail")) groups.push_back(s.field("image_tail"));
  if (s.has("static_mask") || s.has("dynamic_masks")) {
    groups.push_back(s.has("static_mask") ? s.field("static_mask") : s.field("dynamic_masks"));
  }
  if (s.has("camera_control")) groups.push_back(s.field("camera_control"));
  if (groups.size() > 1) {
    c.violation(
        "I-2", groups[1],
        "image_tail, the motion brush (static_mask/dynamic_masks) and camera_control cannot be combined; "
        "choose one");
  }

  // I-3
  c.one_of(s, "sound", {"on", "off"}, "I-3");
  check_five_or_ten(c, s, common, "I-3");

  // I-4: voices.
  std::size_t voices = 0;
  if (const json *list = c.array(s, "voice_list")) {
    voices = list->size();
    if (voices > max_voices) {
      c.violation("I-4", s.field("voice_list"), "at most 2 voices, got " + std::to_string(voices));
    }
    for (const scope &item : c.objects_in(*list, s.field("voice_list")))
      c.required_string(item, "voice_id", "I-4");
  }
  if (const std::string *prompt = c.string(s, "prompt")) {
    bool uses_voice = false;
    for (const auto &ref : prompt_references(*prompt)) {
      if (ref.kind != "voice") continue;
      uses_voice = true;
      if (ref.index < 1 || static_cast<std::size_t>(ref.index) > voices) {
        c.violation("I-4", s.field("prompt"),
                    ref.text + " points outside voice_list (" + std::to_string(voices) + " voices)");
      }
    }
    const json *sound = s.get("sound");
    if (uses_voice && !(sound && sound->is_string() && sound->get_ref<const std::string &>() == "on")) {
      c.violation("I-4", s.field("sound"), "a prompt that uses <<<voice_N>>> needs sound: on");
    }
  }

  // I-5
  if (const json *cfg = c.number(s, "cfg_scale")) {
    const double v = cfg->get<double>();
    if (v < 0 || v > 1)
      c.violation("I-5", s.field("cfg_scale"), "cfg_scale must be within [0, 1], got " + dump_json(*cfg));
    else
      c.warning("I-5", s.field("cfg_scale"), "Kling-V2.x models ignore cfg_scale");
  }

  // I-6 and I-7: the motion brush.
  std::vector<i2v_detail::mask_image> masks;
  if (const std::string *mask = c.string(s, "static_mask")) {
    if (auto info = check_image(c, *mask, s.field("static_mask"), "I-7", standard_image_limits)) {
      masks.push_back({*info, s.field("static_mask")});
    }
  }
  if (const json *list = c.array(s, "dynamic_masks")) {
    if (list->size() > max_dynamic_masks) {
      c.violation("I-6", s.field("dynamic_masks"),
                  "at most 6 dynamic mask groups, got " + std::to_string(list->size()));
    }
    const bool five_seconds = !common.seconds || *common.seconds == 5;
    for (const scope &group : c.objects_in(*list, s.field("dynamic_masks"))) {
      if (auto m = i2v_detail::check_dynamic_mask(c, group, five_seconds)) masks.push_back(*m);
    }
  }
  for (const auto &m : masks) {
    // The mask must have the image's aspect ratio (within rounding of a rescale).
    if (image && std::abs(static_cast<double>(m.info.width) * image->height -
                          static_cast<double>(image->width) * m.info.height) >
                     0.01 * static_cast<double>(image->width) * m.info.height) {
      c.violation("I-7", m.field,
                  "mask is " + std::to_string(m.info.width) + "x" + std::to_string(m.info.height) +
                      " but the image is " + std::to_string(image->width) + "x" +
                      std::to_string(image->height) + ": the aspect ratios must match");
    }
    if (m.info.width != masks.front().info.width || m.info.height != masks.front().info.height) {
      c.violation("I-7", m.field, "all masks must have the same resolution as " + masks.front().field);
    }
  }

  check_camera_control(c, s);
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_IMAGE_TO_VIDEO_IPP
