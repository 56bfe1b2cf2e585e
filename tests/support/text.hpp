// Small text and file helpers shared by the test suites.
#ifndef KLING_TESTS_SUPPORT_TEXT_HPP
#define KLING_TESTS_SUPPORT_TEXT_HPP

#include <kling/core.hpp>

#include <string>
#include <string_view>

namespace kling_test {

// A file's bytes, or "" when it cannot be read (the test then fails on what it expected).
inline std::string read_text(const std::string &path) {
  return kling::media::read_file(path, std::uint64_t{1} << 30).value_or(std::string());
}

// A file under tests/fixtures, by its relative path.
inline std::string fixture_text(const std::string &relative) {
  return read_text(std::string(KLING_TEST_FIXTURES) + "/" + relative);
}

// Whether a file can be opened for reading (an empty file counts).
inline bool file_exists(const std::string &path) {
  return kling::media::read_file(path, std::uint64_t{1} << 30).has_value();
}

inline bool contains(const std::string &text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_TEXT_HPP
