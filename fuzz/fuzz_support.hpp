// What every harness shares: a broken promise aborts (the fuzzer reports it
// as a crash), and an error must say what went wrong.
//
// KLING_FUZZ_TARGET(name) { ... } is a harness's entry point. Built alone,
// a harness file is a libFuzzer program of its own:
//   clang++ -std=c++17 -g -O1 -fno-exceptions -fsanitize=fuzzer,address,undefined -Iinclude \
//       fuzz/url_fuzz.cpp -o url_fuzz
// fuzz/CMakeLists.txt builds them all into one program instead (compiling
// the library once, not once per harness), which runs the harness named by
// the environment variable KLING_FUZZ_TARGET.
#ifndef KLING_FUZZ_SUPPORT_HPP
#define KLING_FUZZ_SUPPORT_HPP

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kling/core/result.hpp"

#ifdef KLING_FUZZ_ONE_PROGRAM
#define KLING_FUZZ_TARGET(name) int name(const std::uint8_t *data, std::size_t size)
#else
#define KLING_FUZZ_TARGET(name)                                                                              \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
#endif

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
