// ASCII character classes and case folding, independent of the C locale:
// the gateway's words, URL schemes and hosts, HTTP header names and
// media-type prefixes are ASCII and compare case-insensitively; text outside
// ASCII is never folded.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_ASCII_HPP
#define KLING_CORE_ASCII_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

namespace ascii {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Below U+0020, or DEL: a character that can end or break the line it is written on.
constexpr bool is_control(char c) noexcept {
  return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7F;
}

// True when text holds a control character that is not one of `allowed`
// (an HTTP header value may hold a tab; an identifier may not).
constexpr bool has_control_character(std::string_view text, std::string_view allowed = {}) noexcept {
  for (char c : text) {
    if (is_control(c) && allowed.find(c) == std::string_view::npos) return true;
  }
  return false;
}

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

KLING_LAZY std::string to_lower(std::string_view text);

enum class hex_case { lower, upper };

// The hex digit of value's low four bits.
constexpr char hex_digit(unsigned value, hex_case letters = hex_case::lower) noexcept {
  return (letters == hex_case::upper ? "0123456789ABCDEF" : "0123456789abcdef")[value & 0xF];
}

// Appends value's low `digits` hex digits to out, most significant first,
// zero-padded (digits beyond a 64-bit value's sixteen are zeros; none for
// digits <= 0). The one hex writer for digests, percent-encoding, ids,
// markers and escaped bytes.
KLING_FUNCTION_OBJECT append_hex_function {
  void operator()(std::string &out, std::uint64_t value, int digits, hex_case letters = hex_case::lower)
      const;
};
inline constexpr KLING_FUNCTION_TYPE(append_hex) append_hex{};

constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

constexpr bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

constexpr bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) noexcept {
  return text.size() >= suffix.size() &&
         equals_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

} // namespace ascii

KLING_NAMESPACE_END

#endif // KLING_CORE_ASCII_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_ASCII_IPP)
#define KLING_CORE_ASCII_IPP

KLING_NAMESPACE_BEGIN

namespace ascii {

KLING_LAZY_DEF std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = to_lower(c);
  return out;
}

KLING_LAZY_DEF void KLING_FUNCTION(append_hex)::operator()(std::string &out, std::uint64_t value, int digits,
                                                           hex_case letters) const {
  // Counting digits, not bit positions: no shift reaches 64 and no product overflows.
  for (int place = digits; place > 0; --place)
    out += place <= 16 ? hex_digit(static_cast<unsigned>(value >> (4 * (place - 1))), letters) : '0';
}

} // namespace ascii

KLING_NAMESPACE_END

#endif // KLING_CORE_ASCII_IPP
