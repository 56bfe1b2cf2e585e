// What every harness shares: a broken promise aborts (the fuzzer reports it
// as a crash), and an error must say what went wrong.
#ifndef KLING_FUZZ_SUPPORT_HPP
#define KLING_FUZZ_SUPPORT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kling/core/result.hpp"

namespace kling_fuzz {

inline void require(bool ok) {
  if (!ok) std::abort();
}

template <class T>
void check(const kling::result<T> &r) {
  if (!r) require(!r.error().message.empty());
}

inline std::string_view bytes(const std::uint8_t *data, std::size_t size) {
  return {reinterpret_cast<const char *>(data), size};
}

// The next line of rest (without its '\n'); rest keeps what follows.
inline std::string_view next_line(std::string_view &rest) {
  const std::size_t newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

} // namespace kling_fuzz

#endif // KLING_FUZZ_SUPPORT_HPP
