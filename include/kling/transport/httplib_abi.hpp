// The name of the inline namespace that holds httplib_transport. A header of
// its own, so that <kling/fwd.hpp> can name kling::client without cpp-httplib.
//
// Header-only (the default): every file that uses httplib_transport compiles
// cpp-httplib's classes into it, and cpp-httplib's compile flags
// (CPPHTTPLIB_OPENSSL_SUPPORT, ...) change their layout; the namespace is
// named after those flags, so translation units built with different flags
// fail to link instead of corrupting memory.
//
// With KLING_SEPARATE_COMPILATION: only the file that includes
// <kling/src.hpp> sees cpp-httplib (and its flags); every other file sees a
// class that holds an opaque pointer, whose layout no flag changes. The
// namespace is then one fixed name, the same in every file of the program.
#ifndef KLING_TRANSPORT_HTTPLIB_ABI_HPP
#define KLING_TRANSPORT_HTTPLIB_ABI_HPP

#if defined(KLING_SEPARATE_COMPILATION)
#define KLING_HTTPLIB_ABI_NAMESPACE httplib_compiled
#else
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
#define KLING_HTTPLIB_TLS_TAG _tls
#else
#define KLING_HTTPLIB_TLS_TAG _notls
#endif
#if defined(CPPHTTPLIB_ZLIB_SUPPORT)
#define KLING_HTTPLIB_ZLIB_TAG _zlib
#else
#define KLING_HTTPLIB_ZLIB_TAG
#endif
#if defined(CPPHTTPLIB_BROTLI_SUPPORT)
#define KLING_HTTPLIB_BROTLI_TAG _brotli
#else
#define KLING_HTTPLIB_BROTLI_TAG
#endif
#define KLING_HTTPLIB_CONCAT_(a, b, c, d) a##b##c##d
#define KLING_HTTPLIB_CONCAT(a, b, c, d) KLING_HTTPLIB_CONCAT_(a, b, c, d)
#define KLING_HTTPLIB_ABI_NAMESPACE                                                                          \
  KLING_HTTPLIB_CONCAT(httplib, KLING_HTTPLIB_TLS_TAG, KLING_HTTPLIB_ZLIB_TAG, KLING_HTTPLIB_BROTLI_TAG)
#endif

#endif // KLING_TRANSPORT_HTTPLIB_ABI_HPP
