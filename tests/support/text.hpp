// Small text and file helpers shared by the test suites.
#ifndef KLING_TESTS_SUPPORT_TEXT_HPP
#define KLING_TESTS_SUPPORT_TEXT_HPP

#include <kling/core.hpp>

#include <chrono>
#include <filesystem>
#include <random>
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

// A path in the temporary directory that no other test process uses: ctest
// runs the same suite several times at once (the comma-decimal locale run,
// the single-header build, the no-exceptions build), and a shared name would
// let one run read or remove another's file.
inline std::string scratch_path(const std::string &name) {
  static const std::string prefix = [] {
    std::error_code ec;
    std::string dir = std::filesystem::temp_directory_path(ec).u8string();
    if (ec || dir.empty()) dir = ".";
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return dir + "/kling-test-" + std::to_string(now) + "-" + std::to_string(std::random_device{}()) + "-";
  }();
  return prefix + name;
}

inline bool contains(const std::string &text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_TEXT_HPP
