// Image metadata (format, width, height) read from the first bytes of a PNG
// or JPEG file, without decoding pixels: what the gateway's image rules
// (O1-12, M-4) need to check inline images before they are sent.
//
// Hostile input is expected: every read is bounds-checked, nothing is
// allocated from sizes in the data, and every loop advances.
//
// Thread safety: pure functions.
#ifndef KLING_MEDIA_IMAGE_PROBE_HPP
#define KLING_MEDIA_IMAGE_PROBE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

namespace media {

enum class image_format { png, jpeg };

constexpr const char *to_string(image_format format) noexcept {
  switch (format) {
  case image_format::png: return "png";
  case image_format::jpeg: return "jpeg";
  }
  return "unknown";
}

struct image_info {
  image_format format = image_format::png;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t size_bytes = 0; // the whole input, not just the header
};

// Format and size of a PNG or JPEG image. Anything else, or a header that is
// truncated or malformed, is an errc::malformed_input error saying why (and,
// for JPEG, at which byte).
KLING_FUNCTION_OBJECT probe_image_function { result<image_info> operator()(std::string_view bytes) const; };
inline constexpr KLING_FUNCTION_TYPE(probe_image) probe_image{};

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_IMAGE_PROBE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MEDIA_IMAGE_PROBE_IPP)
#define KLING_MEDIA_IMAGE_PROBE_IPP

#include <utility>

KLING_NAMESPACE_BEGIN

namespace media {

namespace image_detail {

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};

// Frame headers: SOF0-3, 5-7, 9-11, 13-15. C4 (DHT), C8 (JPG) and CC (DAC)
// share the range but are not frames.
constexpr bool is_start_of_frame(std::uint32_t marker) noexcept {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Markers without a length field: TEM, RST0-7. (SOI and EOI are handled by
// the caller.)
constexpr bool is_standalone(std::uint32_t marker) noexcept {
  return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
}

KLING_LAZY std::uint32_t byte_at(std::string_view bytes, std::size_t pos) noexcept {
  return static_cast<std::uint8_t>(bytes[pos]);
}
KLING_LAZY std::uint32_t be16(std::string_view bytes, std::size_t pos) noexcept {
  return byte_at(bytes, pos) << 8 | byte_at(bytes, pos + 1);
}
KLING_LAZY std::uint32_t be32(std::string_view bytes, std::size_t pos) noexcept {
  return be16(bytes, pos) << 16 | be16(bytes, pos + 2);
}

KLING_LAZY error invalid(std::string message) { return error{errc::malformed_input, std::move(message)}; }

KLING_LAZY error at_byte(const char *what, std::size_t pos) {
  return invalid(std::string(what) + " at byte " + std::to_string(pos));
}

// Names a few formats people try to send instead, so the error says what the
// file is rather than only what it is not.
KLING_LAZY std::string other_format_name(std::string_view bytes) {
  if (bytes.substr(0, 4) == "GIF8") return "GIF";
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return "WebP";
  if (bytes.substr(0, 2) == "BM") return "BMP";
  if (bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp") {
    const std::string_view brand = bytes.substr(8, 4);
    if (brand == "avif" || brand == "avis") return "AVIF";
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1") return "HEIF";
    return "an MP4/MOV video";
  }
  if (bytes.substr(0, 4) == std::string_view("II*\0", 4) ||
      bytes.substr(0, 4) == std::string_view("MM\0*", 4))
    return "TIFF";
  return {};
}

KLING_LAZY error not_an_image(std::string_view bytes) {
  std::string message = "not a JPEG or PNG image";
  if (bytes.empty()) {
    message += " (empty)";
  } else {
    const std::string other = other_format_name(bytes);
    if (!other.empty()) message += " (looks like " + other + ")";
  }
  return invalid(std::move(message));
}

KLING_LAZY result<image_info> probe_png(std::string_view bytes) {
  // Signature (8), then the first chunk: length (4), type (4), and IHDR's 13
  // bytes of data, of which width and height come first; then its CRC (4).
  constexpr std::size_t ihdr_end = 8 + 8 + 13 + 4;
  if (bytes.size() < ihdr_end) {
    return invalid("truncated PNG: " + std::to_string(bytes.size()) + " bytes, the header needs " +
                   std::to_string(ihdr_end));
  }
  if (bytes.substr(12, 4) != "IHDR") return invalid("PNG does not start with an IHDR chunk (at byte 8)");
  if (be32(bytes, 8) != 13)
    return invalid("PNG IHDR chunk has length " + std::to_string(be32(bytes, 8)) + ", not 13");
  image_info info;
  info.format = image_format::png;
  info.width = be32(bytes, 16);
  info.height = be32(bytes, 20);
  // The PNG specification limits both to 2^31 - 1 and forbids zero.
  if (info.width == 0 || info.height == 0 || info.width > 0x7FFFFFFFu || info.height > 0x7FFFFFFFu) {
    return invalid("PNG has an invalid size " + std::to_string(info.width) + "x" +
                   std::to_string(info.height));
  }
  info.size_bytes = bytes.size();
  return info;
}

KLING_LAZY result<image_info> probe_jpeg(std::string_view bytes) {
  std::size_t pos = 2; // after SOI
  // Every pass moves pos forward by at least one byte, so the loop ends.
  while (true) {
    if (pos >= bytes.size()) return at_byte("truncated JPEG: no frame header (SOF) before the end", pos);
    if (byte_at(bytes, pos) != 0xFF) return at_byte("expected a JPEG marker", pos);
    const std::size_t marker_pos = pos;
    // Any number of 0xFF fill bytes may precede a marker.
    while (pos < bytes.size() && byte_at(bytes, pos) == 0xFF)
      ++pos;
    if (pos >= bytes.size()) return at_byte("truncated JPEG marker", marker_pos);
    const std::uint32_t marker = byte_at(bytes, pos);
    ++pos;
    if (marker == 0x00) return at_byte("stray 0xFF00 outside a scan in JPEG", marker_pos);
    if (is_standalone(marker)) continue;
    if (marker == 0xD8) return at_byte("second JPEG start-of-image marker", marker_pos);
    if (marker == 0xD9) return at_byte("JPEG ends (EOI) before a frame header (SOF)", marker_pos);
    if (marker == 0xDA) return at_byte("JPEG scan (SOS) starts before a frame header (SOF)", marker_pos);
    if (bytes.size() - pos < 2) return at_byte("truncated JPEG segment", marker_pos);
    const std::size_t length = be16(bytes, pos); // counts itself, not the marker
    if (length < 2) return at_byte("JPEG segment length below 2", marker_pos);
    if (bytes.size() - pos < length) return at_byte("truncated JPEG segment", marker_pos);
    if (is_start_of_frame(marker)) {
      // Length (2), precision (1), height (2), width (2), component count
      // (1), then 3 bytes per component.
      if (length < 8 || length < 8 + 3 * byte_at(bytes, pos + 7)) {
        return at_byte("JPEG frame header (SOF) too short", marker_pos);
      }
      image_info info;
      info.format = image_format::jpeg;
      info.height = be16(bytes, pos + 3);
      info.width = be16(bytes, pos + 5);
      // Height 0 means "given later by a DNL marker", which nothing in
      // practice writes; without it the size is unknown.
      if (info.width == 0 || info.height == 0) {
        return invalid("JPEG frame header at byte " + std::to_string(marker_pos) + " has size " +
                       std::to_string(info.width) + "x" + std::to_string(info.height));
      }
      info.size_bytes = bytes.size();
      return info;
    }
    pos += length;
  }
}

} // namespace image_detail

KLING_LAZY_DEF result<image_info> KLING_FUNCTION(probe_image)::operator()(std::string_view bytes) const {
  using namespace image_detail;
  if (bytes.substr(0, 8) == png_signature) return probe_png(bytes);
  if (bytes.size() < 8 && !bytes.empty() && png_signature.substr(0, bytes.size()) == bytes) {
    return invalid("truncated PNG: " + std::to_string(bytes.size()) + " bytes of its signature");
  }
  if (bytes.size() >= 2 && byte_at(bytes, 0) == 0xFF && byte_at(bytes, 1) == 0xD8) return probe_jpeg(bytes);
  return not_an_image(bytes);
}

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_IMAGE_PROBE_IPP
