// session<Transport>: what every resource of a client shares: the options,
// the checked base URL and the transport. It completes the relative requests
// of the protocol layer (origin, path prefix, headers, timeout) and keeps
// secrets out of every error that comes back.
//
// Thread safety: const after construction; send is as thread-safe as the
// transport's send (httplib_transport and mock_transport: fully).
#ifndef KLING_CLIENT_SESSION_HPP
#define KLING_CLIENT_SESSION_HPP

#include <string>
#include <utility>

#include "kling/client/options.hpp"
#include "kling/core/redact.hpp"
#include "kling/transport/requirements.hpp"

KLING_NAMESPACE_BEGIN

inline constexpr const char *user_agent = "kling-cpp/" KLING_VERSION_STRING;

template <class Transport> class session {
public:
  session(kling::options opts, Transport transport)
      : options_(std::move(opts)), transport_(std::move(transport)), base_(check_base_url(options_)) {}

  const kling::options &options() const { return options_; }
  Transport &transport() { return transport_; }
  const Transport &transport() const { return transport_; }

  // The full request: origin and path prefix from the base URL, then the
  // default headers, then the user's extra headers.
  result<http_request> prepare(http_request request) const {
    if (!base_) return base_.error();
    if (options_.api_key().empty()) {
      return error{errc::configuration,
                   "no API key: set options::api_key(...) or the KLING_API_KEY environment variable"};
    }
    request.origin = base_->origin();
    request.path = base_->path + request.path;
    request.timeout = options_.request_timeout();
    set_header(request.headers, "Authorization", "Bearer " + options_.api_key());
    set_header(request.headers, "User-Agent", user_agent);
    set_header(request.headers, "Accept", "application/json");
    for (const auto &h : options_.headers()) set_header(request.headers, h.first, h.second);
    return request;
  }

  // Sends one request and reads its answer with read(const http_response&)
  // -> result<T>. A request that could not be built (a broken rule) is
  // returned as it is, unsent. Errors never carry the API key.
  template <class Read> auto call(result<http_request> request, Read read) {
    using R = decltype(read(std::declval<const http_response &>()));
    if (!request) return scrub(R(std::move(request).error()));
    return scrub(send(std::move(*request)).and_then(read));
  }

  // Prepares and sends one request.
  result<http_response> send(http_request request) {
    check_blocking_transport<Transport>();
    auto prepared = prepare(std::move(request));
    if (!prepared) return std::move(prepared).error();
    return transport_.send(*prepared);
  }

  // Removes the API key from an error's texts, should a server or a
  // transport ever echo it.
  template <class T> result<T> scrub(result<T> r) const {
    if (r) return r;
    error &e = r.error();
    e.message = redact(std::move(e.message), options_.api_key());
    e.body_excerpt = redact(std::move(e.body_excerpt), options_.api_key());
    return r;
  }

private:
  static result<url> check_base_url(const kling::options &o) {
    if (o.base_url().empty()) {
      return error{errc::configuration,
                   "no base URL: set options::base_url(...) or the KLING_BASE_URL environment variable"};
    }
    auto parsed = parse_url(o.base_url());
    if (!parsed) return error{errc::configuration, "base URL: " + parsed.error().message};
    if (!parsed->userinfo.empty()) {
      return error{errc::configuration, "base URL must not contain credentials; use options::api_key"};
    }
    if (!parsed->query.empty() || !parsed->fragment.empty()) {
      return error{errc::configuration, "base URL must not have a query or fragment"};
    }
    if (parsed->scheme == "http" && !is_loopback_host(parsed->host) && !o.allow_insecure_http()) {
      return error{errc::configuration,
                   "base URL uses plain http to " + parsed->host +
                       ": the API key would travel unencrypted. Use https, or "
                       "options::allow_insecure_http(true) if you really mean it"};
    }
    while (!parsed->path.empty() && parsed->path.back() == '/') parsed->path.pop_back();
    return parsed;
  }

  kling::options options_;
  Transport transport_;
  result<url> base_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SESSION_HPP
