// The two values every transport exchanges: an HTTP request the library built
// and the HTTP response the transport received. Transports know nothing else
// of the gateway.
//
// Thread safety: plain values.
#ifndef KLING_TRANSPORT_HTTP_HPP
#define KLING_TRANSPORT_HTTP_HPP

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/cancel.hpp"
#include "kling/core/url.hpp"

KLING_NAMESPACE_BEGIN

// Header fields in the order they were set; names compare case-insensitively.
using http_headers = std::vector<std::pair<std::string, std::string>>;

// RFC 9110 token characters only: a name that could end the header line
// or start another (CR, LF, NUL, ':', space) is refused before sending.
KLING_FUNCTION_OBJECT is_header_name_function { bool operator()(std::string_view name) const; };
inline constexpr KLING_FUNCTION_TYPE(is_header_name) is_header_name{};

// No CR, LF, NUL or other control character (tab is allowed): a value with
// a line break would smuggle a header or a second request.
KLING_FUNCTION_OBJECT is_header_value_function { bool operator()(std::string_view value) const; };
inline constexpr KLING_FUNCTION_TYPE(is_header_value) is_header_value{};

// The value of the first header named name, if any.
KLING_FUNCTION_OBJECT find_header_function {
  std::optional<std::string_view> operator()(const http_headers &headers, std::string_view name) const;
};
inline constexpr KLING_FUNCTION_TYPE(find_header) find_header{};

// Replaces every header named name with one of the given value.
KLING_FUNCTION_OBJECT set_header_function {
  void operator()(http_headers &headers, std::string name, std::string value) const;
};
inline constexpr KLING_FUNCTION_TYPE(set_header) set_header{};

struct http_response;

struct http_request {
  std::string method = "GET";
  std::string origin; // "https://api.example.com:443": where to connect
  std::string path;   // "/v1/videos/task_1", percent-encoded, without the query
  std::vector<std::pair<std::string, std::string>> query; // decoded names and values
  http_headers headers;
  std::string body;
  // An idle (stall) timeout, not a total one: the exchange fails with
  // errc::timeout when no byte has moved for this long, so a long download
  // that keeps flowing is never cut (httplib_transport: each read and write).
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};

  // Streaming, for downloads and for every answer read whole (its size cap,
  // options::max_response_bytes): when on_body is set the transport hands
  // the answer's body over in pieces instead of collecting it in
  // http_response::body. on_head, set whenever on_body is by the library,
  // sees the status and headers first.
  // Either returning false stops the transfer; send then fails with errc::cancelled.
  std::function<bool(const http_response &head)> on_head;
  std::function<bool(std::string_view piece)> on_body;

  // The blocking call's cancellation (its settings' cancel): a transport
  // that can interrupt an exchange in flight checks it while it waits (a
  // progress callback) and then fails with errc::cancelled. Never cancelled
  // for asynchronous calls: those are given up through abandon_request.
  cancellation_token cancel;

  // "/v1/videos?x=1": what goes on the request line.
  KLING_LAZY std::string target() const;
  // "https://api.example.com:443/v1/videos?x=1": for transports that take a URL.
  KLING_LAZY std::string url() const;
};

struct http_response {
  int status = 0;
  http_headers headers;
  std::string body;

  KLING_LAZY std::optional<std::string_view> header(std::string_view name) const;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_HTTP_HPP

#if KLING_DEFINE_HERE && !defined(KLING_TRANSPORT_HTTP_IPP)
#define KLING_TRANSPORT_HTTP_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF bool KLING_FUNCTION(is_header_name)::operator()(std::string_view name) const {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = ascii::is_alpha(c) || ascii::is_digit(c) ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_header_value)::operator()(std::string_view value) const {
  return !ascii::has_control_character(value, "\t");
}

KLING_LAZY_DEF std::optional<std::string_view>
KLING_FUNCTION(find_header)::operator()(const http_headers &headers, std::string_view name) const {
  for (const auto &h : headers) {
    if (ascii::equals_ignoring_case(h.first, name)) return std::string_view(h.second);
  }
  return std::nullopt;
}

KLING_LAZY_DEF void KLING_FUNCTION(set_header)::operator()(http_headers &headers, std::string name,
                                                           std::string value) const {
  for (auto it = headers.begin(); it != headers.end();) {
    it = ascii::equals_ignoring_case(it->first, name) ? headers.erase(it) : it + 1;
  }
  headers.emplace_back(std::move(name), std::move(value));
}

KLING_LAZY_DEF std::string http_request::target() const {
  return query.empty() ? path : path + "?" + encode_query(query);
}

KLING_LAZY_DEF std::string http_request::url() const { return origin + target(); }

KLING_LAZY_DEF std::optional<std::string_view> http_response::header(std::string_view name) const {
  return find_header(headers, name);
}

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_HTTP_IPP
