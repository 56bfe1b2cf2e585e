// Small text helpers shared by the test suites.
#ifndef KLING_TESTS_SUPPORT_TEXT_HPP
#define KLING_TESTS_SUPPORT_TEXT_HPP

#include <string>
#include <string_view>

namespace kling_test {

inline bool contains(const std::string &text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_TEXT_HPP
