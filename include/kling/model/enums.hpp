// The gateway's enumerations, as C++ enums, with the words they are sent as.
//
// Thread safety: constants and pure functions.
#ifndef KLING_MODEL_ENUMS_HPP
#define KLING_MODEL_ENUMS_HPP

#include <optional>
#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

// Generation mode (C-3).
enum class mode { std, pro };
// Frame shape (C-4).
enum class aspect_ratio { landscape_16_9, portrait_9_16, square_1_1 };
// Omni-Video reference videos (O1-6): base = edit this video, feature = use its style or camera.
enum class refer_type { base, feature };
// Motion control (M-2): whose facing the character keeps.
enum class character_orientation { image, video };
// Camera movement presets (CAM-1).
enum class camera_type { simple, down_back, forward_up, right_turn_forward, left_turn_forward };
// Role of an Omni-Video image in the native image_list; no type means a reference image.
enum class image_type { first_frame, end_frame };

constexpr std::string_view to_string(mode v) noexcept { return v == mode::std ? "std" : "pro"; }

constexpr std::string_view to_string(aspect_ratio v) noexcept {
  switch (v) {
  case aspect_ratio::landscape_16_9: return "16:9";
  case aspect_ratio::portrait_9_16: return "9:16";
  case aspect_ratio::square_1_1: return "1:1";
  }
  return "16:9";
}

constexpr std::string_view to_string(refer_type v) noexcept {
  return v == refer_type::base ? "base" : "feature";
}

constexpr std::string_view to_string(character_orientation v) noexcept {
  return v == character_orientation::image ? "image" : "video";
}

constexpr std::string_view to_string(camera_type v) noexcept {
  switch (v) {
  case camera_type::simple: return "simple";
  case camera_type::down_back: return "down_back";
  case camera_type::forward_up: return "forward_up";
  case camera_type::right_turn_forward: return "right_turn_forward";
  case camera_type::left_turn_forward: return "left_turn_forward";
  }
  return "simple";
}

constexpr std::string_view to_string(image_type v) noexcept {
  return v == image_type::first_frame ? "first_frame" : "end_frame";
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_ENUMS_HPP
