// Version of the library and the namespace macros every header opens with.
#ifndef KLING_VERSION_HPP
#define KLING_VERSION_HPP

#define KLING_VERSION_MAJOR 0
#define KLING_VERSION_MINOR 1
#define KLING_VERSION_PATCH 0
#define KLING_VERSION_STRING "0.1.0"

// Everything lives in an inline namespace named after the version, so two
// copies of different versions in one program fail at link time instead of
// silently mixing layouts (users still write kling::client).
#define KLING_ABI_NAMESPACE abi_v0_1_0

#define KLING_NAMESPACE_BEGIN                                                                                \
  namespace kling {                                                                                          \
  inline namespace KLING_ABI_NAMESPACE {
#define KLING_NAMESPACE_END                                                                                  \
  }                                                                                                          \
  }

// The core builds with -fno-exceptions; nothing in it throws, but code that
// wraps third-party calls which may throw (cpp-httplib) catches only when
// exceptions exist.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define KLING_HAS_EXCEPTIONS 1
#else
#define KLING_HAS_EXCEPTIONS 0
#endif

#endif // KLING_VERSION_HPP
