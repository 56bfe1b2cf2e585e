// How images in requests are checked (O1-12, I-7, M-4, E-1): an http(s) URL
// (not fetched), a data:image/...;base64, URI, or raw Base64; inline images
// must decode to JPEG or PNG within the route's limits, read from the
// image's own header.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_IMAGES_HPP
#define KLING_RULES_IMAGES_HPP

#include <cstdint>
#include <optional>
#include <string>

#include "kling/core/base64.hpp"
#include "kling/core/numbers.hpp"
#include "kling/media/image_probe.hpp"
#include "kling/media/sources.hpp"
#include "kling/rules/checker.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

struct image_limits {
  std::uint64_t max_bytes = media::max_image_bytes;
  std::uint32_t min_side = 300;
  std::uint32_t max_side = 0; // 0: no upper limit
  double max_ratio = 2.5;     // longer side / shorter side, both ways (1:2.5 .. 2.5:1)
};

// O1-12, I-7, E-1: the gateway's image requirements.
inline constexpr image_limits standard_image_limits{};
// M-4: motion control also caps the sides.
inline constexpr image_limits motion_image_limits{media::max_image_bytes, 300, 65536, 2.5};

// Checks one image string. Returns the inline image's header when it was
// inline and readable, so callers can compare images (I-7); nullopt for URLs
// and for images with violations that hide their size.
KLING_FUNCTION_OBJECT check_image_function {
  std::optional<media::image_info> operator()(checker &c, const std::string &value, const std::string &field,
                                              const char *rule, const image_limits &limits) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_image) check_image{};

// The same for an optional member that must be a string.
KLING_FUNCTION_OBJECT check_image_member_function {
  std::optional<media::image_info> operator()(checker &c, const scope &s, std::string_view key,
                                              const char *rule,
                                              const image_limits &limits = standard_image_limits) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_image_member) check_image_member{};

namespace images_detail {
// "10.5 MB", whatever the locale (the tests compare it).
KLING_LAZY std::string size_text(std::uint64_t bytes);
} // namespace images_detail

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_IMAGES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_IMAGES_IPP)
#define KLING_RULES_IMAGES_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

namespace images_detail {
KLING_LAZY_DEF std::string size_text(std::uint64_t bytes) {
  return numbers::format_fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MB";
}
} // namespace images_detail

KLING_LAZY_DEF std::optional<media::image_info>
KLING_FUNCTION(check_image)::operator()(checker &c, const std::string &value, const std::string &field,
                                        const char *rule, const image_limits &limits) const {
  // Only a local file's field is ever looked up (LOCAL-1): others are not recorded.
  if (value.compare(0, media::local_image_marker().size(), media::local_image_marker()) == 0)
    c.image_field(field);
  const media::image_string image = media::classify_image_string(value);
  if (image.kind == media::image_string_kind::url) return std::nullopt;
  if (image.kind == media::image_string_kind::invalid) {
    c.violation(rule, field, image.problem);
    return std::nullopt;
  }
  // A local file is sent as inline Base64: its header and size read from the file.
  const bool local = image.kind == media::image_string_kind::local_file;
  result<media::image_info> info = local ? media::probe_image_file(std::string(image.payload))
                                         : result<media::image_info>(media::image_info{});
  auto size = local ? info.map([](const media::image_info &i) { return i.size_bytes; })
                    : base64::decoded_size(image.payload).map([](std::size_t n) { return std::uint64_t{n}; });
  if (!size) {
    c.violation(rule, field, "inline image: " + size.error().message);
    return std::nullopt;
  }
  if (*size > limits.max_bytes) {
    c.violation(rule, field,
                "inline image is " + images_detail::size_text(*size) + "; at most " +
                    images_detail::size_text(limits.max_bytes) + " is allowed");
    return std::nullopt;
  }
  if (!local) {
    // The header is near the start: decode a prefix first, all of it only if the probe needs more.
    constexpr std::size_t prefix_bytes = 64 * 1024;
    auto bytes = base64::decode(image.payload, prefix_bytes);
    info = bytes ? media::probe_image(*bytes) : result<media::image_info>(bytes.error());
    if (!info && *size > prefix_bytes) {
      bytes = base64::decode(image.payload);
      info = bytes ? media::probe_image(*bytes) : result<media::image_info>(bytes.error());
    }
  }
  if (info) info->size_bytes = *size;
  if (!info) {
    c.violation(rule, field, "inline image: " + info.error().message);
    return std::nullopt;
  }
  const std::uint32_t shorter = info->width < info->height ? info->width : info->height;
  const std::uint32_t longer = info->width < info->height ? info->height : info->width;
  const std::string dims = std::to_string(info->width) + "x" + std::to_string(info->height);
  if (shorter < limits.min_side) {
    c.violation(rule, field,
                "inline image is " + dims + " px; both sides must be at least " +
                    std::to_string(limits.min_side) + " px");
  }
  if (limits.max_side != 0 && longer > limits.max_side) {
    c.violation(rule, field,
                "inline image is " + dims + " px; no side may exceed " + std::to_string(limits.max_side) +
                    " px");
  }
  if (shorter > 0 && static_cast<double>(longer) > limits.max_ratio * shorter) {
    c.violation(rule, field,
                "inline image is " + dims + " px; its aspect ratio must be within 1:2.5 and 2.5:1");
  }
  if (!image.media_type.empty() && image.media_type != "image/jpg" &&
      image.media_type != std::string("image/") + media::to_string(info->format)) {
    c.warning(rule, field,
              "data URI says " + std::string(image.media_type) + " but the image is " +
                  media::to_string(info->format));
  }
  return *info;
}

KLING_LAZY_DEF std::optional<media::image_info>
KLING_FUNCTION(check_image_member)::operator()(checker &c, const scope &s, std::string_view key,
                                               const char *rule, const image_limits &limits) const {
  const std::string *value = c.string(s, key);
  if (!value) return std::nullopt;
  return check_image(c, *value, s.field(key), rule, limits);
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_IMAGES_IPP
