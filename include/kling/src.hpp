// The compiled part of kling-cpp, for programs built with
// KLING_SEPARATE_COMPILATION: include this header in exactly one source file
// of the program (the CMake target kling::compiled and meson's
// kling_compiled_dep provide that file). It defines every function the
// headers declare, the cpp-httplib transport included, so it is the one file
// compiled with cpp-httplib's flags; define KLING_SRC_WITHOUT_HTTPLIB to
// leave the transport out (engines that bring their own HTTP stack).
#ifndef KLING_SRC_HPP
#define KLING_SRC_HPP

#if !defined(KLING_SEPARATE_COMPILATION)
#error "<kling/src.hpp> is for programs built with KLING_SEPARATE_COMPILATION; header-only programs need no source file"
#endif

#undef KLING_DEFINE_HERE
#define KLING_DEFINE_HERE 1

#if defined(KLING_SRC_WITHOUT_HTTPLIB)
#include "kling/core.hpp"
#else
#include "kling/kling.hpp"
#endif

#endif // KLING_SRC_HPP
