// UTF-8: counting code points the way the gateway counts characters (C-1),
// and cutting text safely for error excerpts.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_UTF8_HPP
#define KLING_CORE_UTF8_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

namespace utf8 {

// Length in bytes of the well-formed sequence that starts at text[pos], or 0
// when the bytes there are not well-formed UTF-8 (Unicode 15, table 3-7:
// no overlong forms, no surrogates, nothing above U+10FFFF, no truncation).
KLING_FUNCTION_OBJECT sequence_length_function {
  std::size_t operator()(std::string_view text, std::size_t pos) const noexcept;
};
inline constexpr KLING_FUNCTION_TYPE(sequence_length) sequence_length{};

// Number of Unicode code points in text; an error naming the byte offset of
// the first malformed sequence.
KLING_FUNCTION_OBJECT count_code_points_function {
  result<std::size_t> operator()(std::string_view text) const;
};
inline constexpr KLING_FUNCTION_TYPE(count_code_points) count_code_points{};

KLING_FUNCTION_OBJECT is_valid_function { bool operator()(std::string_view text) const noexcept; };
inline constexpr KLING_FUNCTION_TYPE(is_valid) is_valid{};

// At most max_bytes of text, cut at a code point boundary, with malformed
// bytes replaced by U+FFFD, so the excerpt is always valid UTF-8 (safe to put
// in JSON and to print).
KLING_FUNCTION_OBJECT excerpt_function {
  std::string operator()(std::string_view text, std::size_t max_bytes) const;
};
inline constexpr KLING_FUNCTION_TYPE(excerpt) excerpt{};

} // namespace utf8

KLING_NAMESPACE_END

#endif // KLING_CORE_UTF8_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_UTF8_IPP)
#define KLING_CORE_UTF8_IPP

KLING_NAMESPACE_BEGIN

namespace utf8 {

KLING_LAZY_DEF std::size_t KLING_FUNCTION(sequence_length)::operator()(std::string_view text,
                                                                       std::size_t pos) const noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::size_t left = text.size() - pos;
  const std::uint8_t b0 = byte(pos);
  if (b0 < 0x80) return 1;
  const auto continuation = [&](std::size_t i, std::uint8_t lo = 0x80, std::uint8_t hi = 0xBF) {
    return byte(pos + i) >= lo && byte(pos + i) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && continuation(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const std::uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80; // no overlong forms
    const std::uint8_t hi = b0 == 0xED ? 0x9F : 0xBF; // no surrogates
    return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const std::uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80; // no overlong forms
    const std::uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

KLING_LAZY_DEF result<std::size_t>
KLING_FUNCTION(count_code_points)::operator()(std::string_view text) const {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    const std::size_t n = sequence_length(text, pos);
    if (n == 0) {
      return error{errc::malformed_input, "malformed UTF-8 at byte " + std::to_string(pos)};
    }
    pos += n;
  }
  return count;
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_valid)::operator()(std::string_view text) const noexcept {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = sequence_length(text, pos);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(excerpt)::operator()(std::string_view text,
                                                               std::size_t max_bytes) const {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(max_bytes < text.size() ? max_bytes : text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = sequence_length(text, pos);
    const std::string_view piece = n == 0 ? replacement : text.substr(pos, n);
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece.data(), piece.size());
    pos += n == 0 ? 1 : n;
  }
  return out;
}

} // namespace utf8

KLING_NAMESPACE_END

#endif // KLING_CORE_UTF8_IPP
