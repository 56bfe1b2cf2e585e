// Base64 (RFC 4648, section 4) with strict decoding: images sent inline must
// decode exactly, so anything a lenient decoder would guess at is an error.
//
// Thread safety: pure functions.
// Performance: table-driven, portable C++ (no intrinsics, any byte order);
// the output is written once, with no zero-filled buffer first.
#ifndef KLING_CORE_BASE64_HPP
#define KLING_CORE_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

namespace base64 {

KLING_FUNCTION_OBJECT encode_function { std::string operator()(std::string_view bytes) const; };
inline constexpr KLING_FUNCTION_TYPE(encode) encode{};

// Appends the Base64 of bytes to out, as encode would give it: for text
// written in pieces (each piece but the last a multiple of 3 bytes, so that
// the pieces' Base64 joins up) without a temporary string per piece.
KLING_FUNCTION_OBJECT append_encoded_function {
  void operator()(std::string &out, std::string_view bytes) const;
};
inline constexpr KLING_FUNCTION_TYPE(append_encoded) append_encoded{};

// Checks text without decoding it and returns the decoded size: the length
// is a multiple of 4, only alphabet characters, '=' only as the last one or
// two characters, and unused bits of the last group are zero (so every
// accepted text has exactly one decoding). Whitespace is not accepted.
KLING_FUNCTION_OBJECT decoded_size_function { result<std::size_t> operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(decoded_size) decoded_size{};

// Decodes text, strictly checked as decoded_size checks it (all of it, in the
// same pass); max_bytes keeps only that many decoded bytes, for callers that
// need only a header.
KLING_FUNCTION_OBJECT decode_function {
  result<std::string> operator()(std::string_view text, std::size_t max_bytes = static_cast<std::size_t>(-1))
      const;
};
inline constexpr KLING_FUNCTION_TYPE(decode) decode{};

} // namespace base64

KLING_NAMESPACE_END

#endif // KLING_CORE_BASE64_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_BASE64_IPP)
#define KLING_CORE_BASE64_IPP

#include <cstring>

KLING_NAMESPACE_BEGIN

namespace base64 {

namespace detail {
inline constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for an alphabet character, -1 otherwise.
constexpr int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The two characters of every 12-bit value: encoding looks up a pair of
// characters at a time, two lookups per three bytes.
struct pair_table {
  char chars[4096 * 2];
  constexpr pair_table() : chars() {
    for (int v = 0; v < 4096; ++v) {
      chars[2 * v] = alphabet[static_cast<std::size_t>(v >> 6)];
      chars[2 * v + 1] = alphabet[static_cast<std::size_t>(v & 63)];
    }
  }
};
inline constexpr pair_table pairs{};

// Above the 24 bits of a decoded group: OR-ing the entries of a group (or of
// many groups) tells with one test whether any character was outside the
// alphabet.
inline constexpr std::uint32_t not_in_alphabet = std::uint32_t{1} << 24;

// For each position in a group of four characters, each character's six bits
// already shifted to their place in the group's 24 bits (not_in_alphabet for
// anything else), so a group decodes with four lookups OR-ed together.
struct decode_tables {
  std::uint32_t at[4][256];
  constexpr decode_tables() : at() {
    for (int c = 0; c < 256; ++c) {
      const int v = value_of(static_cast<char>(c));
      for (int k = 0; k < 4; ++k)
        at[k][c] = v < 0 ? not_in_alphabet : static_cast<std::uint32_t>(v) << (18 - 6 * k);
    }
  }
};
inline constexpr decode_tables decoding{};

// Bytes encoded or decoded through a buffer of this many groups on the stack
// before being appended: the output is written once, not zero-filled first.
inline constexpr std::size_t groups_per_chunk = 1024;

KLING_LAZY error invalid(std::string what, std::size_t pos) {
  return error{errc::malformed_input,
               "invalid Base64: " + std::move(what) + " at character " + std::to_string(pos)};
}

KLING_LAZY error length_fault(std::string_view text) {
  return invalid("length " + std::to_string(text.size()) + " is not a multiple of 4", text.size());
}

// How many '=' end text (0, 1 or 2; more is a fault found later).
KLING_LAZY std::size_t padding_of(std::string_view text) noexcept {
  if (text.empty() || text.back() != '=') return 0;
  return text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
}

// Whether the bits of the last data character that fall beyond the decoded
// bytes are zero (so every accepted text has exactly one decoding).
KLING_LAZY bool padding_bits_zero(std::string_view text, std::size_t padding) noexcept {
  if (padding == 0) return true;
  const std::uint32_t last = decoding.at[3][static_cast<unsigned char>(text[text.size() - padding - 1])];
  return (last & (padding == 1 ? 0x3u : 0xFu)) == 0;
}

// The first fault of a text of a valid length that the fast checks found
// faulty: looked for again character by character, only on this path, so
// that the message names its exact position.
KLING_LAZY error first_fault(std::string_view text, std::size_t padding) {
  const std::size_t data_end = text.size() - padding;
  for (std::size_t i = 0; i < data_end; ++i) {
    if (value_of(text[i]) < 0)
      return invalid(text[i] == '=' ? "padding before the end" : "character outside the alphabet", i);
  }
  return invalid("non-zero padding bits", data_end - 1);
}

// Whether count characters are all in the alphabet: eight at a time, one
// test for the eight (and a loop that stops early, which compilers do not
// turn into slow emulated vector gathers).
KLING_LAZY bool all_in_alphabet(const unsigned char *in, std::size_t count) noexcept {
  const auto &t = decoding.at[3];
  std::size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    if (((t[in[i]] | t[in[i + 1]] | t[in[i + 2]] | t[in[i + 3]] | t[in[i + 4]] | t[in[i + 5]] | t[in[i + 6]] |
          t[in[i + 7]]) &
         not_in_alphabet) != 0)
      return false;
  }
  for (; i < count; ++i)
    if ((t[in[i]] & not_in_alphabet) != 0) return false;
  return true;
}

// The three bytes of a group of four characters (alphabet only), with
// not_in_alphabet set if one is not.
KLING_LAZY std::uint32_t group_value(const unsigned char *in) noexcept {
  return decoding.at[0][in[0]] | decoding.at[1][in[1]] | decoding.at[2][in[2]] | decoding.at[3][in[3]];
}

// Numbers to and from bytes, most significant first, one byte at a time so
// that the result does not depend on the machine's byte order (compilers
// turn each into a single load or store where the machine allows it).
KLING_LAZY std::uint64_t load_big_endian_8(const unsigned char *in) noexcept {
  return std::uint64_t{in[0]} << 56 | std::uint64_t{in[1]} << 48 | std::uint64_t{in[2]} << 40 |
         std::uint64_t{in[3]} << 32 | std::uint64_t{in[4]} << 24 | std::uint64_t{in[5]} << 16 |
         std::uint64_t{in[6]} << 8 | std::uint64_t{in[7]};
}
KLING_LAZY void store_big_endian_8(char *out, std::uint64_t value) noexcept {
  out[0] = static_cast<char>(value >> 56 & 0xFF);
  out[1] = static_cast<char>(value >> 48 & 0xFF);
  out[2] = static_cast<char>(value >> 40 & 0xFF);
  out[3] = static_cast<char>(value >> 32 & 0xFF);
  out[4] = static_cast<char>(value >> 24 & 0xFF);
  out[5] = static_cast<char>(value >> 16 & 0xFF);
  out[6] = static_cast<char>(value >> 8 & 0xFF);
  out[7] = static_cast<char>(value & 0xFF);
}
KLING_LAZY void store_big_endian_4(char *out, std::uint32_t value) noexcept {
  out[0] = static_cast<char>(value >> 24 & 0xFF);
  out[1] = static_cast<char>(value >> 16 & 0xFF);
  out[2] = static_cast<char>(value >> 8 & 0xFF);
  out[3] = static_cast<char>(value & 0xFF);
}

KLING_LAZY void encode_groups(const unsigned char *in, std::size_t groups, char *out) noexcept {
  const char *pair = pairs.chars;
  std::size_t g = 0;
  // Four groups at a time from two 8-byte loads (6 bytes used of each: the
  // fifth group guarantees the bytes read are there).
  for (; g + 5 <= groups; g += 4, in += 12, out += 16) {
    const std::uint64_t first = load_big_endian_8(in), second = load_big_endian_8(in + 6);
    std::memcpy(out, pair + 2 * (first >> 52), 2);
    std::memcpy(out + 2, pair + 2 * (first >> 40 & 0xFFF), 2);
    std::memcpy(out + 4, pair + 2 * (first >> 28 & 0xFFF), 2);
    std::memcpy(out + 6, pair + 2 * (first >> 16 & 0xFFF), 2);
    std::memcpy(out + 8, pair + 2 * (second >> 52), 2);
    std::memcpy(out + 10, pair + 2 * (second >> 40 & 0xFFF), 2);
    std::memcpy(out + 12, pair + 2 * (second >> 28 & 0xFFF), 2);
    std::memcpy(out + 14, pair + 2 * (second >> 16 & 0xFFF), 2);
  }
  for (; g < groups; ++g, in += 3, out += 4) {
    const std::uint32_t n = std::uint32_t{in[0]} << 16 | std::uint32_t{in[1]} << 8 | in[2];
    std::memcpy(out, pair + 2 * (n >> 12), 2);
    std::memcpy(out + 2, pair + 2 * (n & 0xFFF), 2);
  }
}

// Decodes whole groups (no '=') up to the first one with a character outside
// the alphabet; returns how many were decoded.
KLING_LAZY std::size_t decode_groups(const unsigned char *in, std::size_t groups, char *out) noexcept {
  std::size_t g = 0;
  for (; g + 4 <= groups; g += 4, in += 16, out += 12) {
    const std::uint32_t a = group_value(in), b = group_value(in + 4), c = group_value(in + 8),
                        d = group_value(in + 12);
    if (((a | b | c | d) & not_in_alphabet) != 0) break;
    // 12 bytes as one 8-byte and one 4-byte store.
    store_big_endian_8(out, std::uint64_t{a} << 40 | std::uint64_t{b} << 16 | c >> 8);
    store_big_endian_4(out + 8, c << 24 | d);
  }
  for (; g < groups; ++g, in += 4, out += 3) {
    const std::uint32_t n = group_value(in);
    if ((n & not_in_alphabet) != 0) break;
    out[0] = static_cast<char>(n >> 16 & 0xFF);
    out[1] = static_cast<char>(n >> 8 & 0xFF);
    out[2] = static_cast<char>(n & 0xFF);
  }
  return g;
}
} // namespace detail

KLING_LAZY_DEF void KLING_FUNCTION(append_encoded)::operator()(std::string &out,
                                                               std::string_view bytes) const {
  const auto *in = reinterpret_cast<const unsigned char *>(bytes.data());
  std::size_t groups = bytes.size() / 3;
  char chunk[detail::groups_per_chunk * 4];
  while (groups > 0) {
    const std::size_t n = groups < detail::groups_per_chunk ? groups : detail::groups_per_chunk;
    detail::encode_groups(in, n, chunk);
    out.append(chunk, n * 4);
    in += n * 3;
    groups -= n;
  }
  const std::size_t rest = bytes.size() % 3;
  if (rest > 0) {
    const std::uint32_t n = std::uint32_t{in[0]} << 16 | (rest == 2 ? std::uint32_t{in[1]} << 8 : 0);
    const char last[4] = {detail::alphabet[n >> 18 & 63], detail::alphabet[n >> 12 & 63],
                          rest == 2 ? detail::alphabet[n >> 6 & 63] : '=', '='};
    out.append(last, 4);
  }
}

KLING_LAZY_DEF std::string KLING_FUNCTION(encode)::operator()(std::string_view bytes) const {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  append_encoded(out, bytes);
  return out;
}

KLING_LAZY_DEF result<std::size_t> KLING_FUNCTION(decoded_size)::operator()(std::string_view text) const {
  if (text.size() % 4 != 0) return detail::length_fault(text);
  const std::size_t padding = detail::padding_of(text);
  if (!detail::all_in_alphabet(reinterpret_cast<const unsigned char *>(text.data()), text.size() - padding) ||
      !detail::padding_bits_zero(text, padding))
    return detail::first_fault(text, padding);
  return text.size() / 4 * 3 - padding;
}

// One pass: the groups wanted are decoded and checked together, the rest only
// checked (the whole text is checked whatever max_bytes is).
KLING_LAZY_DEF result<std::string> KLING_FUNCTION(decode)::operator()(std::string_view text,
                                                                      std::size_t max_bytes) const {
  if (text.size() % 4 != 0) return detail::length_fault(text);
  const std::size_t padding = detail::padding_of(text);
  const std::size_t size = text.size() / 4 * 3 - padding;
  const std::size_t wanted = size < max_bytes ? size : max_bytes;
  const auto *in = reinterpret_cast<const unsigned char *>(text.data());
  const auto *data_end = in + (text.size() - padding);
  std::string out;
  out.reserve(wanted);
  // Whole groups, none with '=' (a padded group holds fewer than 3 bytes).
  std::size_t groups = wanted / 3;
  char chunk[detail::groups_per_chunk * 3];
  while (groups > 0) {
    const std::size_t n = groups < detail::groups_per_chunk ? groups : detail::groups_per_chunk;
    const std::size_t decoded = detail::decode_groups(in, n, chunk);
    out.append(chunk, decoded * 3);
    in += decoded * 4;
    groups -= decoded;
    if (decoded < n) return detail::first_fault(text, padding);
  }
  if (!detail::all_in_alphabet(in, static_cast<std::size_t>(data_end - in)) ||
      !detail::padding_bits_zero(text, padding))
    return detail::first_fault(text, padding);
  // The last one or two bytes wanted (of a padded group, or cut off by max_bytes).
  if (out.size() < wanted) {
    std::uint32_t n = 0;
    for (int k = 0; k < 4; ++k)
      n |= in[k] == '=' ? 0 : detail::decoding.at[k][in[k]];
    for (int shift = 16; out.size() < wanted; shift -= 8)
      out += static_cast<char>(n >> shift & 0xFF);
  }
  return out;
}

} // namespace base64

KLING_NAMESPACE_END

#endif // KLING_CORE_BASE64_IPP
