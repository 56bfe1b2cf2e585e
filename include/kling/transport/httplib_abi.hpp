// The name of the inline namespace that holds httplib_transport, made from
// cpp-httplib's compile flags (CPPHTTPLIB_OPENSSL_SUPPORT, ...), which change
// the layout of its classes: translation units built with different flags
// then fail to link instead of corrupting memory. A header of its own, so
// that <kling/fwd.hpp> can name kling::client without cpp-httplib.
#ifndef KLING_TRANSPORT_HTTPLIB_ABI_HPP
#define KLING_TRANSPORT_HTTPLIB_ABI_HPP

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

#endif // KLING_TRANSPORT_HTTPLIB_ABI_HPP
