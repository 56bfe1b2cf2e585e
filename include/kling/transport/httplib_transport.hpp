// httplib_transport: the default, blocking transport, on cpp-httplib.
//
// Keeps idle keep-alive connections per origin and hands each concurrent
// request its own (one httplib::Client serializes its requests). TLS
// certificates are always verified; ca_file/ca_path and a proxy come from
// network_settings. Redirects are not followed here: a redirect to another
// host must not carry the Authorization header, so the caller decides.
//
// Debian's libcpp-httplib is a compiled library whose compile flags
// (CPPHTTPLIB_OPENSSL_SUPPORT, ...) change the layout of httplib's classes;
// take them from pkg-config (the kling::httplib CMake target does). The class
// below holds only a pointer to its state, which is defined with the code
// that uses cpp-httplib: with KLING_SEPARATE_COMPILATION, only the file that
// includes <kling/src.hpp> includes <httplib.h> and needs those flags (see
// httplib_abi.hpp for how files built with different flags are kept apart).
//
// Thread safety: send may be called concurrently; copies share the pool.
// Performance: one TCP (and TLS) handshake per origin and concurrent caller,
// then connections are reused while the server keeps them open; a
// connection is configured once, when it is made, and an origin is parsed
// once, the first time a request names it.
#ifndef KLING_TRANSPORT_HTTPLIB_TRANSPORT_HPP
#define KLING_TRANSPORT_HTTPLIB_TRANSPORT_HPP

#include <memory>

#include "kling/transport/httplib_abi.hpp"
#include "kling/transport/requirements.hpp"

KLING_NAMESPACE_BEGIN
inline namespace KLING_HTTPLIB_ABI_NAMESPACE {

class httplib_transport {
public:
  httplib_transport();
  KLING_LAZY explicit httplib_transport(network_settings settings);

  KLING_LAZY result<http_response> send(const http_request &request);
  // The same, moving the request's headers and body into cpp-httplib's
  // request instead of copying them (a local image's Base64 may be megabytes).
  KLING_LAZY result<http_response> send(http_request &&request);

  KLING_LAZY const network_settings &settings() const;

private:
  struct shared_state; // the settings and the pool of connections, defined with the code

  std::shared_ptr<shared_state> shared_;
};

} // namespace KLING_HTTPLIB_ABI_NAMESPACE
KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_HTTPLIB_TRANSPORT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_TRANSPORT_HTTPLIB_TRANSPORT_IPP)
#define KLING_TRANSPORT_HTTPLIB_TRANSPORT_IPP

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

KLING_NAMESPACE_BEGIN
inline namespace KLING_HTTPLIB_ABI_NAMESPACE {

struct httplib_transport::shared_state {
  using connection = std::unique_ptr<httplib::Client>;

  // The idle connections to one origin.
  struct pool {
    std::vector<connection> idle;
  };
  using pools = std::map<std::string, pool>; // by origin, "https://host:443"

  explicit shared_state(network_settings s) : settings(std::move(s)) {}

  // given: the same request when the caller gave it up (its headers and body are moved), else null.
  KLING_LAZY result<http_response> send(const http_request &request, http_request *given);
  KLING_LAZY result<http_response> send_on(pools::iterator to, const http_request &request,
                                           http_request *given);
  KLING_LAZY result<pools::iterator> pool_for(const std::string &spelled);
  KLING_LAZY connection acquire(pools::iterator to);
  KLING_LAZY void release(pools::iterator to, connection client);
  KLING_LAZY connection connect(const std::string &origin) const;
  KLING_LAZY static http_response head_of(const httplib::Response &answer);
  KLING_LAZY static error failure(httplib::Error code, std::chrono::steady_clock::duration elapsed,
                                  std::chrono::milliseconds timeout, const std::string &origin);

  const network_settings settings;
  std::mutex mutex;
  pools by_origin;
  // Each origin as requests spell it ("https://api.example.com"), parsed
  // once: a keep-alive sequence of requests parses and builds no URL.
  std::map<std::string, pools::iterator, std::less<>> by_spelling;
};

KLING_DECL httplib_transport::httplib_transport() : httplib_transport(network_settings{}) {}

KLING_LAZY_DEF httplib_transport::httplib_transport(network_settings settings)
    : shared_(std::make_shared<shared_state>(std::move(settings))) {}

KLING_LAZY_DEF const network_settings &httplib_transport::settings() const { return shared_->settings; }

KLING_LAZY_DEF result<http_response> httplib_transport::send(const http_request &request) {
  return shared_->send(request, nullptr);
}

KLING_LAZY_DEF result<http_response> httplib_transport::send(http_request &&request) {
  return shared_->send(request, &request);
}

KLING_LAZY_DEF result<http_response> httplib_transport::shared_state::send(const http_request &request,
                                                                           http_request *given) {
  auto to = pool_for(request.origin);
  if (!to) return std::move(to).error();
#if KLING_HAS_EXCEPTIONS
  try {
    return send_on(*to, request, given);
  } catch (const std::exception &e) {
    return error{errc::connection, std::string("cpp-httplib failed: ") + e.what()};
  } catch (...) {
    return error{errc::connection, "cpp-httplib failed with an unknown exception"};
  }
#else
  return send_on(*to, request, given);
#endif
}

// Only the first request to an origin parses it (bad origins are refused
// every time, and are not remembered).
KLING_LAZY_DEF result<httplib_transport::shared_state::pools::iterator>
httplib_transport::shared_state::pool_for(const std::string &spelled) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto known = by_spelling.find(spelled);
    if (known != by_spelling.end()) return known->second;
  }
  auto origin = parse_url(spelled);
  if (!origin) return error{errc::configuration, "bad origin for the request: " + origin.error().message};
#if !defined(CPPHTTPLIB_OPENSSL_SUPPORT)
  if (origin->scheme == "https") {
    return error{errc::tls, "cpp-httplib was built without TLS support (CPPHTTPLIB_OPENSSL_SUPPORT); "
                            "cannot reach " +
                                origin->origin()};
  }
#endif
  std::lock_guard<std::mutex> lock(mutex);
  const auto to = by_origin.try_emplace(origin->origin()).first;
  by_spelling.emplace(spelled, to);
  return to;
}

KLING_LAZY_DEF result<http_response> httplib_transport::shared_state::send_on(pools::iterator to,
                                                                              const http_request &request,
                                                                              http_request *given) {
  const std::string &origin = to->first;
  connection client = acquire(to);
  if (!client->is_valid()) return error{errc::configuration, "cpp-httplib cannot use origin " + origin};
  client->set_read_timeout(request.timeout);
  client->set_write_timeout(request.timeout);

  httplib::Request out;
  out.method = request.method;
  out.path = request.target();
  if (given) {
    for (auto &h : given->headers)
      out.headers.emplace(std::move(h.first), std::move(h.second));
    out.body = std::move(given->body);
  } else {
    for (const auto &h : request.headers)
      out.headers.emplace(h.first, h.second);
    out.body = request.body;
  }

  // A blocking call's cancellation, seen between pieces of the answer's body.
  out.progress = [&](std::uint64_t, std::uint64_t) { return !request.cancel.cancelled(); };

  http_response head; // for streaming requests: status and headers before the body
  if (request.on_body) {
    out.response_handler = [&](const httplib::Response &r) {
      head = head_of(r);
      return !request.on_head || request.on_head(head);
    };
    out.content_receiver = [&](const char *data, std::size_t length, std::uint64_t, std::uint64_t) {
      return request.on_body(std::string_view(data, length));
    };
  }

  const auto started = std::chrono::steady_clock::now();
  // The overload that fills a Response of ours: send(const Request &) copies
  // the request first.
  httplib::Response answer;
  httplib::Error failed = httplib::Error::Success;
  if (!client->send(out, answer, failed)) {
    return failure(failed, std::chrono::steady_clock::now() - started, request.timeout, origin);
  }
  // A streamed answer's status and headers were read into head already.
  http_response response = request.on_body ? std::move(head) : head_of(answer);
  response.body = std::move(answer.body);
  release(to, std::move(client));
  return response;
}

KLING_LAZY_DEF http_response httplib_transport::shared_state::head_of(const httplib::Response &answer) {
  http_response head;
  head.status = answer.status;
  head.headers.reserve(answer.headers.size());
  for (const auto &h : answer.headers)
    head.headers.emplace_back(h.first, h.second);
  return head;
}

KLING_LAZY_DEF httplib_transport::shared_state::connection
httplib_transport::shared_state::acquire(pools::iterator to) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto &list = to->second.idle;
    if (!list.empty()) {
      connection c = std::move(list.back());
      list.pop_back();
      return c;
    }
  }
  return connect(to->first);
}

KLING_LAZY_DEF void httplib_transport::shared_state::release(pools::iterator to, connection client) {
  if (!settings.keep_alive) return;
  std::lock_guard<std::mutex> lock(mutex);
  auto &list = to->second.idle;
  if (list.size() < settings.max_idle_connections) list.push_back(std::move(client));
}

// Everything but the timeouts, which are per request, is set once here.
KLING_LAZY_DEF httplib_transport::shared_state::connection
httplib_transport::shared_state::connect(const std::string &origin) const {
  auto client = std::make_unique<httplib::Client>(origin);
  const network_settings &s = settings;
  client->set_keep_alive(s.keep_alive);
  client->set_tcp_nodelay(true); // a request's headers and body go out at once, not after a delayed ACK
  client->set_follow_location(false);
  client->set_url_encode(false); // paths arrive percent-encoded already
  client->set_connection_timeout(s.connect_timeout);
  if (!s.proxy.host.empty()) {
    client->set_proxy(s.proxy.host, s.proxy.port);
    if (!s.proxy.username.empty()) client->set_proxy_basic_auth(s.proxy.username, s.proxy.password);
  }
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
  client->enable_server_certificate_verification(true);
  if (!s.ca_file.empty() || !s.ca_path.empty()) client->set_ca_cert_path(s.ca_file, s.ca_path);
#endif
  return client;
}

KLING_LAZY_DEF error httplib_transport::shared_state::failure(httplib::Error code,
                                                              std::chrono::steady_clock::duration elapsed,
                                                              std::chrono::milliseconds timeout,
                                                              const std::string &origin) {
  const std::string where = " (" + origin + ")";
  switch (code) {
  case httplib::Error::Connection:
  case httplib::Error::BindIPAddress: {
    error e{errc::connection, "could not connect" + where};
    e.request_sent = false;
    return e;
  }
  case httplib::Error::ConnectionTimeout: {
    error e{errc::timeout, "timed out while connecting" + where};
    e.request_sent = false;
    return e;
  }
  case httplib::Error::SSLConnection:
  case httplib::Error::SSLLoadingCerts:
  case httplib::Error::SSLServerVerification: {
    error e{errc::tls, "TLS failed (" + httplib::to_string(code) + ")" + where};
    e.request_sent = false;
    return e;
  }
  case httplib::Error::Read:
    // cpp-httplib reports a read timeout and a closed connection alike;
    // the time spent tells them apart.
    if (elapsed + std::chrono::milliseconds(50) >= timeout) {
      return error{errc::timeout, "no answer within " + std::to_string(timeout.count()) + " ms" + where};
    }
    return error{errc::connection, "connection closed before the answer was complete" + where};
  case httplib::Error::Write: return error{errc::connection, "connection closed while sending" + where};
  case httplib::Error::Canceled: return error{errc::cancelled, "transfer stopped by the receiver" + where};
  case httplib::Error::Compression: return error{errc::parse, "could not decompress the answer" + where};
  default: return error{errc::connection, "HTTP exchange failed (" + httplib::to_string(code) + ")" + where};
  }
}

} // namespace KLING_HTTPLIB_ABI_NAMESPACE
KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_HTTPLIB_TRANSPORT_IPP
