// Base64 (RFC 4648, section 4) with strict decoding: images sent inline must
// decode exactly, so anything a lenient decoder would guess at is an error.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_BASE64_HPP
#define KLING_CORE_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

namespace base64 {

namespace detail {
inline constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for an alphabet character, -1 otherwise.
constexpr int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// 0..63 for alphabet characters, 64 for anything else (checked before use).
struct decode_table {
  unsigned char values[256];
  constexpr decode_table() : values() {
    for (int c = 0; c < 256; ++c) {
      const int v = value_of(static_cast<char>(c));
      values[c] = static_cast<unsigned char>(v < 0 ? 64 : v);
    }
  }
};
inline constexpr decode_table table{};
} // namespace detail

KLING_DECL std::string encode(std::string_view bytes);

// Checks text without decoding it and returns the decoded size: the length
// is a multiple of 4, only alphabet characters, '=' only as the last one or
// two characters, and unused bits of the last group are zero (so every
// accepted text has exactly one decoding). Whitespace is not accepted.
KLING_DECL result<std::size_t> decoded_size(std::string_view text);

// Decodes text (strictly checked first, see decoded_size); max_bytes stops
// early after that many decoded bytes, for callers that need only a header.
KLING_DECL result<std::string> decode(std::string_view text,
                                      std::size_t max_bytes = static_cast<std::size_t>(-1));

} // namespace base64

KLING_NAMESPACE_END

#endif // KLING_CORE_BASE64_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_BASE64_IPP)
#define KLING_CORE_BASE64_IPP

KLING_NAMESPACE_BEGIN

namespace base64 {

namespace detail {
KLING_DECL error invalid(std::string what, std::size_t pos) {
  return error{errc::malformed_input,
               "invalid Base64: " + std::move(what) + " at character " + std::to_string(pos)};
}
} // namespace detail

KLING_DECL std::string encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += detail::alphabet[n >> 18 & 63];
    out += detail::alphabet[n >> 12 & 63];
    out += detail::alphabet[n >> 6 & 63];
    out += detail::alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t n = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += detail::alphabet[n >> 18 & 63];
    out += detail::alphabet[n >> 12 & 63];
    out += rest == 2 ? detail::alphabet[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

KLING_DECL result<std::size_t> decoded_size(std::string_view text) {
  if (text.size() % 4 != 0) {
    return detail::invalid("length " + std::to_string(text.size()) + " is not a multiple of 4", text.size());
  }
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t data_end = text.size() - padding;
  for (std::size_t i = 0; i < data_end; ++i) {
    if (detail::table.values[static_cast<unsigned char>(text[i])] == 64) {
      return detail::invalid(text[i] == '=' ? "padding before the end" : "character outside the alphabet", i);
    }
  }
  if (padding > 0) {
    // The bits of the last data character that fall beyond the decoded bytes.
    const int last = detail::value_of(text[data_end - 1]);
    const int unused_mask = padding == 1 ? 0x3 : 0xF;
    if ((last & unused_mask) != 0) return detail::invalid("non-zero padding bits", data_end - 1);
  }
  return text.size() / 4 * 3 - padding;
}

KLING_DECL result<std::string> decode(std::string_view text, std::size_t max_bytes) {
  auto size = decoded_size(text);
  if (!size) return std::move(size).error();
  const std::size_t wanted = *size < max_bytes ? *size : max_bytes;
  std::string out(wanted, '\0');
  const auto *in = reinterpret_cast<const unsigned char *>(text.data());
  std::size_t o = 0;
  // Whole groups of four characters, three bytes each.
  for (std::size_t i = 0; o + 3 <= wanted; i += 4) {
    const std::uint32_t n = std::uint32_t{detail::table.values[in[i]]} << 18 |
                            std::uint32_t{detail::table.values[in[i + 1]]} << 12 |
                            std::uint32_t{detail::table.values[in[i + 2]]} << 6 |
                            detail::table.values[in[i + 3]];
    out[o++] = static_cast<char>(n >> 16);
    out[o++] = static_cast<char>(n >> 8 & 0xFF);
    out[o++] = static_cast<char>(n & 0xFF);
  }
  // The last one or two bytes (a padded group, or a cut-off).
  if (o < wanted) {
    const std::size_t i = o / 3 * 4;
    std::uint32_t n = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = i + k < text.size() ? text[i + k] : '=';
      n = n << 6 | (c == '=' ? 0u : detail::table.values[static_cast<unsigned char>(c)]);
    }
    for (int shift = 16; o < wanted && shift >= 0; shift -= 8)
      out[o++] = static_cast<char>(n >> shift & 0xFF);
  }
  return out;
}

} // namespace base64

KLING_NAMESPACE_END

#endif // KLING_CORE_BASE64_IPP
