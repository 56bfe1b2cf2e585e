// Base64 (RFC 4648, section 4) with strict decoding: images sent inline must
// decode exactly, so anything a lenient decoder would guess at is an error.
//
// Thread safety: pure functions.
// Performance: on x86 built with GCC or Clang, SSSE3 code (16 characters at
// a time) where the processor has it, chosen at run time; elsewhere, and for
// what is left over, table-driven portable C++ (any byte order). Define
// KLING_BASE64_PORTABLE to use the portable code alone. The output is
// written once, with no zero-filled buffer first.
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
// The codec with a choice of code: the fastest this processor has (what the
// functions below use), or the portable code alone, which is what runs where
// there is nothing faster; tests check both on any machine.
enum class code { fastest, portable };
KLING_FUNCTION_OBJECT codec_function {
  code use;
  std::string encode(std::string_view bytes) const;
  void append_encoded(std::string & out, std::string_view bytes) const;
  result<std::size_t> decoded_size(std::string_view text) const;
  result<std::string> decode(std::string_view text, std::size_t max_bytes = static_cast<std::size_t>(-1))
      const;
};
inline constexpr KLING_FUNCTION_TYPE(codec) fastest{code::fastest};
inline constexpr KLING_FUNCTION_TYPE(codec) portable{code::portable};
} // namespace detail

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

#if !defined(KLING_BASE64_PORTABLE) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define KLING_BASE64_SSSE3 1
// SSSE3's intrinsics only (the full <immintrin.h> costs every file that
// includes the library several times as much to compile).
#include <tmmintrin.h>
#else
#define KLING_BASE64_SSSE3 0
#endif

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
KLING_LAZY bool all_in_alphabet_portable(const unsigned char *in, std::size_t count) noexcept {
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

KLING_LAZY void encode_groups_portable(const unsigned char *in, std::size_t groups, char *out) noexcept {
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
KLING_LAZY std::size_t decode_groups_portable(const unsigned char *in, std::size_t groups,
                                              char *out) noexcept {
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

#if KLING_BASE64_SSSE3
#define KLING_BASE64_TARGET_SSSE3 __attribute__((target("ssse3")))

// Whether the processor has SSSE3 (known at compile time when the compiler
// targets it). The explicit init makes this right even in a constructor of a
// static object that runs before the compiler's own.
KLING_LAZY bool processor_has_ssse3() noexcept {
#if defined(__SSSE3__)
  return true;
#else
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3") != 0;
#endif
}

KLING_LAZY KLING_BASE64_TARGET_SSSE3 __m128i load_16(const unsigned char *in) noexcept {
  return _mm_loadu_si128(reinterpret_cast<const __m128i *>(in));
}

// Four groups (12 bytes, 16 read) to 16 characters at a time, while 16 bytes
// can be read; returns the groups encoded.
KLING_LAZY KLING_BASE64_TARGET_SSSE3 std::size_t encode_groups_ssse3(const unsigned char *in,
                                                                     std::size_t groups, char *out) noexcept {
  // A group's bytes b0 b1 b2 placed as b1 b0 b2 b1 in its 32-bit lane: each of
  // its four 6-bit values then lies within one 16-bit half, and a multiply
  // shifts each into its own byte (high: >> 10 and >> 6, low: << 4 and << 8).
  const __m128i spread = _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  const __m128i high_bits = _mm_set1_epi32(0x0FC0FC00), high_shifts = _mm_set1_epi32(0x04000040);
  const __m128i low_bits = _mm_set1_epi32(0x003F03F0), low_shifts = _mm_set1_epi32(0x01000010);
  // A value's character is the value plus the offset of its range: the range
  // is 0 for a-z, 1-10 for digits, 11 for '+', 12 for '/', 13 for A-Z.
  const __m128i offsets = _mm_setr_epi8(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
  const __m128i last_lowercase = _mm_set1_epi8(51), uppercase_end = _mm_set1_epi8(26),
                uppercase_range = _mm_set1_epi8(13);
  std::size_t g = 0;
  for (; g + 6 <= groups; g += 4, in += 12, out += 16) {
    const __m128i bytes = _mm_shuffle_epi8(load_16(in), spread);
    const __m128i values = _mm_or_si128(_mm_mulhi_epu16(_mm_and_si128(bytes, high_bits), high_shifts),
                                        _mm_mullo_epi16(_mm_and_si128(bytes, low_bits), low_shifts));
    const __m128i range = _mm_or_si128(_mm_subs_epu8(values, last_lowercase),
                                       _mm_and_si128(_mm_cmpgt_epi8(uppercase_end, values), uppercase_range));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out),
                     _mm_add_epi8(values, _mm_shuffle_epi8(offsets, range)));
  }
  return g;
}

// The high four bits of each character, each in its own byte.
KLING_LAZY KLING_BASE64_TARGET_SSSE3 __m128i high_nibbles(__m128i chars) noexcept {
  return _mm_and_si128(_mm_srli_epi32(chars, 4), _mm_set1_epi8(0x0F));
}

// Whether all 16 characters are in the alphabet. Each low nibble has a class
// (one bit: 0, 1-9, 10, 11, 12-14, 15) and each high nibble the set of classes
// it makes invalid, e.g. 0x2_ allows only 11 ('+') and 15 ('/').
KLING_LAZY KLING_BASE64_TARGET_SSSE3 bool in_alphabet_16(__m128i chars, __m128i high) noexcept {
  const __m128i low_classes = _mm_setr_epi8(0x01, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x04,
                                            0x08, 0x10, 0x10, 0x10, 0x20);
  const __m128i invalid_classes = _mm_setr_epi8(0x3F, 0x3F, 0x17, 0x3C, 0x01, 0x38, 0x01, 0x38, 0x3F, 0x3F,
                                                0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F);
  const __m128i low = _mm_and_si128(chars, _mm_set1_epi8(0x0F));
  const __m128i faults =
      _mm_and_si128(_mm_shuffle_epi8(low_classes, low), _mm_shuffle_epi8(invalid_classes, high));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(faults, _mm_setzero_si128())) == 0xFFFF;
}

// How many of count characters, 16 at a time, are known to be in the
// alphabet: up to the first 16 with one that is not.
KLING_LAZY KLING_BASE64_TARGET_SSSE3 std::size_t alphabet_prefix_ssse3(const unsigned char *in,
                                                                       std::size_t count) noexcept {
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m128i chars = load_16(in + i);
    if (!in_alphabet_16(chars, high_nibbles(chars))) break;
  }
  return i;
}

// Four groups (16 characters) to 12 bytes at a time, writing 16 (the caller
// leaves 4 bytes of room), up to the first 16 characters with one outside the
// alphabet; returns the groups decoded.
KLING_LAZY KLING_BASE64_TARGET_SSSE3 std::size_t decode_groups_ssse3(const unsigned char *in,
                                                                     std::size_t groups, char *out) noexcept {
  // A character's value is the character plus the offset of its high nibble
  // (one less for '/', which shares 0x2_ with '+').
  const __m128i offsets = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i slash = _mm_set1_epi8('/');
  // Two values of 6 bits to 12 (a * 64 + b), two of 12 to 24, then each
  // group's 3 bytes, most significant first, to the front.
  const __m128i pair_weights = _mm_set1_epi32(0x01400140), group_weights = _mm_set1_epi32(0x00011000);
  const __m128i pack = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  std::size_t g = 0;
  for (; g + 4 <= groups; g += 4, in += 16, out += 12) {
    const __m128i chars = load_16(in);
    const __m128i high = high_nibbles(chars);
    if (!in_alphabet_16(chars, high)) break;
    const __m128i values =
        _mm_add_epi8(chars, _mm_shuffle_epi8(offsets, _mm_add_epi8(high, _mm_cmpeq_epi8(chars, slash))));
    const __m128i bits = _mm_madd_epi16(_mm_maddubs_epi16(values, pair_weights), group_weights);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_shuffle_epi8(bits, pack));
  }
  return g;
}
#endif

// Whether `use` runs the SSSE3 kernels: only the fastest code does, and only
// where they were compiled and the processor has them.
KLING_LAZY bool uses_ssse3(code use) noexcept {
#if KLING_BASE64_SSSE3
  return use == code::fastest && processor_has_ssse3();
#else
  static_cast<void>(use);
  return false;
#endif
}

// Each runs the SSSE3 kernel first where it is used, then the portable code
// on what the kernel left.
KLING_LAZY void encode_groups(code use, const unsigned char *in, std::size_t groups, char *out) noexcept {
  std::size_t done = 0;
  if (uses_ssse3(use)) {
#if KLING_BASE64_SSSE3
    done = encode_groups_ssse3(in, groups, out);
#endif
  }
  encode_groups_portable(in + done * 3, groups - done, out + done * 4);
}

// Decodes whole groups (no '=') up to the first one with a character outside
// the alphabet; returns how many were decoded. Writes up to 4 bytes past them.
KLING_LAZY std::size_t decode_groups(code use, const unsigned char *in, std::size_t groups,
                                     char *out) noexcept {
  std::size_t done = 0;
  if (uses_ssse3(use)) {
#if KLING_BASE64_SSSE3
    done = decode_groups_ssse3(in, groups, out);
#endif
  }
  return done + decode_groups_portable(in + done * 4, groups - done, out + done * 3);
}

KLING_LAZY bool all_in_alphabet(code use, const unsigned char *in, std::size_t count) noexcept {
  std::size_t checked = 0;
  if (uses_ssse3(use)) {
#if KLING_BASE64_SSSE3
    checked = alphabet_prefix_ssse3(in, count);
#endif
  }
  return all_in_alphabet_portable(in + checked, count - checked);
}
} // namespace detail

KLING_LAZY_DEF void detail::KLING_FUNCTION(codec)::append_encoded(std::string &out,
                                                                  std::string_view bytes) const {
  const auto *in = reinterpret_cast<const unsigned char *>(bytes.data());
  std::size_t groups = bytes.size() / 3;
  char chunk[detail::groups_per_chunk * 4];
  while (groups > 0) {
    const std::size_t n = groups < detail::groups_per_chunk ? groups : detail::groups_per_chunk;
    detail::encode_groups(use, in, n, chunk);
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

KLING_LAZY_DEF std::string detail::KLING_FUNCTION(codec)::encode(std::string_view bytes) const {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  this->append_encoded(out, bytes);
  return out;
}

KLING_LAZY_DEF result<std::size_t> detail::KLING_FUNCTION(codec)::decoded_size(std::string_view text) const {
  if (text.size() % 4 != 0) return detail::length_fault(text);
  const std::size_t padding = detail::padding_of(text);
  if (!detail::all_in_alphabet(use, reinterpret_cast<const unsigned char *>(text.data()),
                               text.size() - padding) ||
      !detail::padding_bits_zero(text, padding))
    return detail::first_fault(text, padding);
  return text.size() / 4 * 3 - padding;
}

// One pass: the groups wanted are decoded and checked together, the rest only
// checked (the whole text is checked whatever max_bytes is).
KLING_LAZY_DEF result<std::string> detail::KLING_FUNCTION(codec)::decode(std::string_view text,
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
  char chunk[detail::groups_per_chunk * 3 + 4]; // decode_groups writes up to 4 bytes more
  while (groups > 0) {
    const std::size_t n = groups < detail::groups_per_chunk ? groups : detail::groups_per_chunk;
    const std::size_t decoded = detail::decode_groups(use, in, n, chunk);
    out.append(chunk, decoded * 3);
    in += decoded * 4;
    groups -= decoded;
    if (decoded < n) return detail::first_fault(text, padding);
  }
  if (!detail::all_in_alphabet(use, in, static_cast<std::size_t>(data_end - in)) ||
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

KLING_LAZY_DEF std::string KLING_FUNCTION(encode)::operator()(std::string_view bytes) const {
  return detail::fastest.encode(bytes);
}

KLING_LAZY_DEF void KLING_FUNCTION(append_encoded)::operator()(std::string &out,
                                                               std::string_view bytes) const {
  detail::fastest.append_encoded(out, bytes);
}

KLING_LAZY_DEF result<std::size_t> KLING_FUNCTION(decoded_size)::operator()(std::string_view text) const {
  return detail::fastest.decoded_size(text);
}

KLING_LAZY_DEF result<std::string> KLING_FUNCTION(decode)::operator()(std::string_view text,
                                                                      std::size_t max_bytes) const {
  return detail::fastest.decode(text, max_bytes);
}

} // namespace base64

KLING_NAMESPACE_END

#endif // KLING_CORE_BASE64_IPP
