// Base64 (inline images and videos, webhook secrets) and UTF-8 (prompt
// lengths, excerpts): decoding is strict, so a text that decodes is the one
// encoding of its bytes.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;
using kling_fuzz::require;

KLING_FUZZ_TARGET(base64_fuzz) {
  const std::string_view input = kling_fuzz::bytes(data, size);
  auto size_only = kling::base64::decoded_size(input);
  auto decoded = kling::base64::decode(input);
  check(decoded);
  require(size_only.has_value() == decoded.has_value());
  if (decoded) {
    require(decoded->size() == *size_only);
    require(kling::base64::encode(*decoded) == input);
    auto prefix = kling::base64::decode(input, 7);
    require(prefix && *prefix == decoded->substr(0, 7));
  }
  require(*kling::base64::decode(kling::base64::encode(input)) == input);
  // The portable code gives what the fastest code on this processor gives,
  // faults included, to the character.
  const auto &portable = kling::base64::detail::portable;
  const auto portable_decoded = portable.decode(input);
  require(portable_decoded.has_value() == decoded.has_value());
  require(decoded ? *portable_decoded == *decoded
                  : portable_decoded.error().message == decoded.error().message);
  const auto portable_size = portable.decoded_size(input);
  require(size_only ? portable_size && *portable_size == *size_only
                    : !portable_size && portable_size.error().message == size_only.error().message);
  require(portable.encode(input) == kling::base64::encode(input));

  auto count = kling::utf8::count_code_points(input);
  check(count);
  require(count.has_value() == kling::utf8::is_valid(input));
  const std::string excerpt = kling::utf8::excerpt(input, 64);
  require(kling::utf8::is_valid(excerpt));
  return 0;
}
