// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), written here so that
// verifying webhook signatures needs no crypto library; plus the constant-time
// comparison and hex form that go with them.
//
// Thread safety: a sha256 object is a plain value (one per thread, or guard
// it); the free functions are pure.
#ifndef KLING_CORE_SHA256_HPP
#define KLING_CORE_SHA256_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/ascii.hpp"
#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

namespace crypto {

// Incremental SHA-256: update() any number of times, then finish(). finish()
// also resets the object, so it can hash the next message.
class sha256 {
public:
  static constexpr std::size_t block_size = 64;
  static constexpr std::size_t digest_size = 32;

  sha256() noexcept;

  KLING_LAZY void update(std::string_view data) noexcept;

  KLING_LAZY std::array<std::uint8_t, digest_size> finish() noexcept;

private:
  KLING_LAZY void reset() noexcept;

  // One 64-byte block (FIPS 180-4, 6.2.2).
  KLING_LAZY void compress(const std::uint8_t *block) noexcept;

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, block_size> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0; // bytes so far; FIPS 180-4 limits messages to 2^64 bits anyway
};

KLING_FUNCTION_OBJECT sha256_digest_function {
  std::array<std::uint8_t, 32> operator()(std::string_view data) const noexcept;
};
inline constexpr KLING_FUNCTION_TYPE(sha256_digest) sha256_digest{};

// HMAC-SHA256 (RFC 2104): H((K ^ opad) || H((K ^ ipad) || message)), with a
// key longer than the block size replaced by its hash.
KLING_FUNCTION_OBJECT hmac_sha256_function {
  std::array<std::uint8_t, 32> operator()(std::string_view key, std::string_view message) const noexcept;
};
inline constexpr KLING_FUNCTION_TYPE(hmac_sha256) hmac_sha256{};

// Equal contents, in a time that depends only on the lengths: every byte is
// looked at even after a difference, so an attacker timing a signature check
// learns nothing about how much of a forged value was right. Lengths are not
// secret (a signature's length is public), so different lengths return at once.
KLING_FUNCTION_OBJECT constant_time_equal_function {
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};
inline constexpr KLING_FUNCTION_TYPE(constant_time_equal) constant_time_equal{};

// Lower-case hex, 64 characters.
KLING_FUNCTION_OBJECT to_hex_function {
  std::string operator()(const std::array<std::uint8_t, 32> &digest) const;
};
inline constexpr KLING_FUNCTION_TYPE(to_hex) to_hex{};

} // namespace crypto

KLING_NAMESPACE_END

#endif // KLING_CORE_SHA256_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_SHA256_IPP)
#define KLING_CORE_SHA256_IPP

KLING_NAMESPACE_BEGIN

namespace crypto {

namespace sha256_detail {

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr std::array<std::uint32_t, 8> initial_state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept { return x >> n | x << (32 - n); }

} // namespace sha256_detail

KLING_DECL sha256::sha256() noexcept { reset(); }

KLING_LAZY_DEF void sha256::update(std::string_view data) noexcept {
  const auto *bytes = reinterpret_cast<const std::uint8_t *>(data.data());
  std::size_t size = data.size();
  length_ += size;
  if (buffered_ > 0) {
    const std::size_t take = size < block_size - buffered_ ? size : block_size - buffered_;
    for (std::size_t i = 0; i < take; ++i)
      buffer_[buffered_ + i] = bytes[i];
    buffered_ += take;
    bytes += take;
    size -= take;
    if (buffered_ < block_size) return;
    compress(buffer_.data());
    buffered_ = 0;
  }
  // Whole blocks straight from the input: no copy.
  for (; size >= block_size; bytes += block_size, size -= block_size)
    compress(bytes);
  for (std::size_t i = 0; i < size; ++i)
    buffer_[i] = bytes[i];
  buffered_ = size;
}

KLING_LAZY_DEF std::array<std::uint8_t, sha256::digest_size> sha256::finish() noexcept {
  // Padding (FIPS 180-4, 5.1.1): a 1 bit, zeros up to 56 mod 64, then the
  // message length in bits as a big-endian 64-bit number.
  const std::uint64_t bit_length = length_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > block_size - 8) {
    while (buffered_ < block_size)
      buffer_[buffered_++] = 0;
    compress(buffer_.data());
    buffered_ = 0;
  }
  while (buffered_ < block_size - 8)
    buffer_[buffered_++] = 0;
  for (int i = 7; i >= 0; --i)
    buffer_[buffered_++] = static_cast<std::uint8_t>(bit_length >> (i * 8));
  compress(buffer_.data());

  std::array<std::uint8_t, digest_size> digest{};
  for (std::size_t i = 0; i < 8; ++i) {
    digest[i * 4] = static_cast<std::uint8_t>(state_[i] >> 24);
    digest[i * 4 + 1] = static_cast<std::uint8_t>(state_[i] >> 16);
    digest[i * 4 + 2] = static_cast<std::uint8_t>(state_[i] >> 8);
    digest[i * 4 + 3] = static_cast<std::uint8_t>(state_[i]);
  }
  reset();
  return digest;
}

KLING_LAZY_DEF void sha256::reset() noexcept {
  state_ = sha256_detail::initial_state;
  buffer_ = {};
  buffered_ = 0;
  length_ = 0;
}

KLING_LAZY_DEF void sha256::compress(const std::uint8_t *block) noexcept {
  using sha256_detail::rotr;
  std::uint32_t w[64];
  for (std::size_t t = 0; t < 16; ++t) {
    w[t] = static_cast<std::uint32_t>(block[t * 4]) << 24 |
           static_cast<std::uint32_t>(block[t * 4 + 1]) << 16 |
           static_cast<std::uint32_t>(block[t * 4 + 2]) << 8 | static_cast<std::uint32_t>(block[t * 4 + 3]);
  }
  for (std::size_t t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
  for (std::size_t t = 0; t < 64; ++t) {
    const std::uint32_t sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const std::uint32_t choose = (e & f) ^ (~e & g);
    const std::uint32_t t1 = h + sum1 + choose + sha256_detail::round_constants[t] + w[t];
    const std::uint32_t sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    const std::uint32_t t2 = sum0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

KLING_LAZY_DEF std::array<std::uint8_t, 32>
KLING_FUNCTION(sha256_digest)::operator()(std::string_view data) const noexcept {
  sha256 h;
  h.update(data);
  return h.finish();
}

KLING_LAZY_DEF std::array<std::uint8_t, 32>
KLING_FUNCTION(hmac_sha256)::operator()(std::string_view key, std::string_view message) const noexcept {
  std::array<std::uint8_t, sha256::block_size> block_key{};
  if (key.size() > sha256::block_size) {
    const auto hashed = sha256_digest(key);
    for (std::size_t i = 0; i < hashed.size(); ++i)
      block_key[i] = hashed[i];
  } else {
    for (std::size_t i = 0; i < key.size(); ++i)
      block_key[i] = static_cast<std::uint8_t>(key[i]);
  }
  std::array<char, sha256::block_size> pad{};
  for (std::size_t i = 0; i < pad.size(); ++i)
    pad[i] = static_cast<char>(block_key[i] ^ 0x36);
  sha256 inner;
  inner.update(std::string_view(pad.data(), pad.size()));
  inner.update(message);
  const auto inner_digest = inner.finish();

  for (std::size_t i = 0; i < pad.size(); ++i)
    pad[i] = static_cast<char>(block_key[i] ^ 0x5c);
  sha256 outer;
  outer.update(std::string_view(pad.data(), pad.size()));
  outer.update(std::string_view(reinterpret_cast<const char *>(inner_digest.data()), inner_digest.size()));
  return outer.finish();
}

KLING_LAZY_DEF bool KLING_FUNCTION(constant_time_equal)::operator()(std::string_view a,
                                                                    std::string_view b) const noexcept {
  if (a.size() != b.size()) return false;
  unsigned difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return difference == 0;
}

KLING_LAZY_DEF std::string
KLING_FUNCTION(to_hex)::operator()(const std::array<std::uint8_t, 32> &digest) const {
  std::string out;
  out.reserve(digest.size() * 2);
  for (std::uint8_t byte : digest)
    ascii::append_hex(out, byte, 2);
  return out;
}

} // namespace crypto

KLING_NAMESPACE_END

#endif // KLING_CORE_SHA256_IPP
