// How reference videos are checked: a video_url is an http(s) URL (not
// fetched) or an inline data:video/...;base64, URI; inline videos, and local
// files read with media::probe_video_file, must meet the route's limits
// (O1-13, M-5), read from the container's own boxes.
//
//   auto info = kling::media::probe_video_file("dance.mp4");
//   auto problems = kling::rules::check_motion_video(*info, kling::character_orientation::image);
//
// Thread safety: pure functions.
#ifndef KLING_RULES_VIDEOS_HPP
#define KLING_RULES_VIDEOS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/base64.hpp"
#include "kling/core/numbers.hpp"
#include "kling/core/url.hpp"
#include "kling/media/video_probe.hpp"
#include "kling/model/enums.hpp"
#include "kling/rules/checker.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

struct video_limits {
  const char *rule;
  std::uint64_t max_bytes;
  std::uint32_t min_side, max_side;
  double min_seconds, max_seconds;
  double min_fps, max_fps; // 0: no limit
};

// O1-13: Omni-Video reference videos.
inline constexpr video_limits omni_video_limits{"O1-13", 200ull * 1024 * 1024, 720, 2160, 3, 10, 24, 60};

// M-5: motion control reference videos; the longest depends on whose facing is kept.
constexpr video_limits motion_video_limits(character_orientation orientation) {
  return {
      "M-5", 100ull * 1024 * 1024, 340, 3850, 3, orientation == character_orientation::image ? 10.0 : 30.0, 0,
      0};
}

// Every limit the video breaks, as violations at field.
KLING_FUNCTION_OBJECT check_video_function {
  std::vector<violation> operator()(const media::video_info &info, const video_limits &limits,
                                    const std::string &field) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_video) check_video{};

// O1-13 for a video the user holds locally (probe it with media::probe_video_file).
KLING_LAZY std::vector<violation> check_omni_video(const media::video_info &info,
                                                   const std::string &field = "/video_list/0/video_url");

// M-5 for a local motion reference video.
KLING_FUNCTION_OBJECT check_motion_video_function {
  std::vector<violation> operator()(const media::video_info &info, character_orientation orientation,
                                    const std::string &field = "/video_url") const;
};
inline constexpr KLING_FUNCTION_TYPE(check_motion_video) check_motion_video{};

// A video_url in a request: an http(s) URL, or an inline data:video/...;base64,
// URI that is decoded and checked against limits. Other text breaks url_rule.
KLING_FUNCTION_OBJECT check_video_string_function {
  void operator()(checker &c, const std::string &value, const std::string &field, const char *url_rule,
                  const video_limits &limits) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_video_string) check_video_string{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_VIDEOS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_VIDEOS_IPP)
#define KLING_RULES_VIDEOS_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

namespace videos_detail {
KLING_LAZY std::string number(double v) { return numbers::format_significant(v, 3); }
KLING_LAZY std::string too_large(std::uint64_t size, const video_limits &limits) {
  return "video is " + number(static_cast<double>(size) / (1024.0 * 1024.0)) + " MB; at most " +
         number(static_cast<double>(limits.max_bytes) / (1024.0 * 1024.0)) + " MB is allowed";
}
} // namespace videos_detail

KLING_LAZY_DEF std::vector<violation>
KLING_FUNCTION(check_video)::operator()(const media::video_info &info, const video_limits &limits,
                                        const std::string &field) const {
  using videos_detail::number;
  std::vector<violation> out;
  const auto add = [&](std::string message) { out.push_back({limits.rule, field, std::move(message)}); };
  if (info.size_bytes > limits.max_bytes) add(videos_detail::too_large(info.size_bytes, limits));
  const std::string dims = std::to_string(info.width) + "x" + std::to_string(info.height);
  for (const std::uint32_t side : {info.width, info.height}) {
    if (side < limits.min_side || side > limits.max_side) {
      add("video is " + dims + " px; each side must be " + std::to_string(limits.min_side) + " to " +
          std::to_string(limits.max_side) + " px");
      break;
    }
  }
  if (info.duration_seconds < limits.min_seconds || info.duration_seconds > limits.max_seconds) {
    add("video lasts " + number(info.duration_seconds) + " s; it must last " + number(limits.min_seconds) +
        " to " + number(limits.max_seconds) + " s");
  }
  if (limits.max_fps > 0 && (info.frame_rate < limits.min_fps || info.frame_rate > limits.max_fps)) {
    add("video has " + number(info.frame_rate) + " frames per second; " + number(limits.min_fps) + " to " +
        number(limits.max_fps) + " are allowed");
  }
  return out;
}

KLING_LAZY_DEF std::vector<violation> check_omni_video(const media::video_info &info,
                                                       const std::string &field) {
  return check_video(info, omni_video_limits, field);
}

KLING_LAZY_DEF std::vector<violation> KLING_FUNCTION(check_motion_video)::operator()(
    const media::video_info &info, character_orientation orientation, const std::string &field) const {
  return check_video(info, motion_video_limits(orientation), field);
}

KLING_LAZY_DEF void KLING_FUNCTION(check_video_string)::operator()(checker &c, const std::string &value,
                                                                   const std::string &field,
                                                                   const char *url_rule,
                                                                   const video_limits &limits) const {
  constexpr std::string_view data_prefix = "data:video/";
  if (std::string_view(value).substr(0, data_prefix.size()) == data_prefix) {
    const auto comma = value.find(',');
    const std::string_view header = std::string_view(value).substr(0, comma == std::string::npos ? 0 : comma);
    if (comma == std::string::npos || header.size() < 7 || header.substr(header.size() - 7) != ";base64") {
      c.violation(url_rule, field, "an inline video must be a data:video/...;base64, URI");
      return;
    }
    // Sized before decoding: an oversized video is refused without the memory to hold it.
    const std::string_view payload = std::string_view(value).substr(comma + 1);
    const auto size = base64::decoded_size(payload);
    if (size && *size > limits.max_bytes) {
      c.violation(limits.rule, field, "inline " + videos_detail::too_large(*size, limits));
      return;
    }
    auto bytes = base64::decode(payload);
    auto info = bytes ? media::probe_video(*bytes) : result<media::video_info>(bytes.error());
    if (!info) {
      c.violation(limits.rule, field, "inline video: " + info.error().message);
      return;
    }
    for (auto &v : check_video(*info, limits, field))
      c.violation(v.rule, v.field, v.message);
    return;
  }
  auto parsed = split_url(value);
  if (!parsed) {
    c.violation(url_rule, field,
                "video_url must be an http(s) URL or a data:video/...;base64, URI: " +
                    parsed.error().message);
  }
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_VIDEOS_IPP
