// The one way tests include Catch2: v3's split headers when present, else v2's single header.
#ifndef KLING_TESTS_SUPPORT_CATCH_HPP
#define KLING_TESTS_SUPPORT_CATCH_HPP

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif // KLING_TESTS_SUPPORT_CATCH_HPP
