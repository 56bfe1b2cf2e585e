// The compiled part of kling-cpp, for programs built with
// KLING_SEPARATE_COMPILATION: the CMake target kling::compiled and meson's
// kling_compiled_dep build this file (with cpp-httplib's compile flags) into a
// static library. Programs that build kling-cpp themselves include
// <kling/src.hpp> in one file of their own instead.
//
// The umbrella first, as a user's file may include it before <kling/src.hpp>:
// every build proves that the order does not lose a definition.
#include <kling/kling.hpp>
#include <kling/src.hpp>
