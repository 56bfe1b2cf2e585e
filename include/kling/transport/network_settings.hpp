// How a network transport connects: timeouts, certificate authorities,
// proxy. Plain settings that any transport may honour; httplib_transport
// honours all of them. TLS certificate verification is always on: there is
// deliberately no switch to turn it off (point ca_file at your own CA instead).
//
// Thread safety: a plain value.
#ifndef KLING_TRANSPORT_NETWORK_SETTINGS_HPP
#define KLING_TRANSPORT_NETWORK_SETTINGS_HPP

#include <chrono>
#include <cstddef>
#include <string>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

struct proxy_settings {
  std::string host; // empty: no proxy
  int port = 0;
  std::string username; // basic auth, when both are set
  std::string password;
};

struct network_settings {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::string ca_file; // PEM bundle to trust instead of the system's
  std::string ca_path; // directory of hashed PEM certificates
  proxy_settings proxy;
  bool keep_alive = true;
  // Idle connections kept per origin; one connection carries one request at
  // a time, so concurrent callers each get their own.
  std::size_t max_idle_connections = 4;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_NETWORK_SETTINGS_HPP
