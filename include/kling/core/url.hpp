// Absolute URLs (RFC 3986, the subset HTTP uses): the base URL of the
// gateway, callback URLs (C-6), result URLs to download; and
// percent-encoding of path segments and query values (Q-1).
//
// Thread safety: pure functions.
#ifndef KLING_CORE_URL_HPP
#define KLING_CORE_URL_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

struct url {
  std::string scheme;   // lower case: "https"
  std::string userinfo; // "user:password" before '@', usually empty
  std::string host;     // lower case, without brackets for IPv6
  int port = 0;         // explicit or the scheme's default
  std::string path;     // "/api" (may be empty), still percent-encoded
  std::string query;    // after '?', without it
  std::string fragment; // after '#', without it

  // "https://host:port": what a connection is made to.
  std::string origin() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

namespace url_detail {
inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline error bad_url(std::string_view why, std::string_view text) {
  return error{errc::invalid_request, std::string(why) + ": \"" + std::string(text.substr(0, 200)) + "\""};
}
} // namespace url_detail

// Parses an absolute http or https URL. Other schemes, a missing host, a bad
// port, spaces or control characters are errors.
inline result<url> parse_url(std::string_view text) {
  using namespace url_detail;
  url out;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(text[0])) {
    return bad_url("not an absolute URL (no scheme)", text);
  }
  for (char c : text.substr(0, colon))
    out.scheme += lower(c);
  if (out.scheme != "http" && out.scheme != "https") {
    return bad_url("scheme must be http or https", text);
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return bad_url("URL contains a space or control character", text);
    }
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return bad_url("URL has no host (expected \"//\" after the scheme)", text);
  rest.remove_prefix(2);

  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url("unclosed '[' in the host", text);
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url("unexpected characters after the IPv6 host", text);
      port = after.substr(1);
    }
  } else if (const auto c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (host.empty()) return bad_url("URL has an empty host", text);
  for (char c : host)
    out.host += lower(c);

  out.port = out.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (!is_digit(c) || value > 65535) return bad_url("port is not a number from 1 to 65535", text);
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return bad_url("port is not a number from 1 to 65535", text);
    out.port = value;
  }

  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const auto question = rest.find('?');
  if (question != std::string_view::npos) {
    out.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  out.path = std::string(rest);
  return out;
}

// True for "localhost", 127.0.0.0/8 and ::1: hosts that never leave this machine.
inline bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.substr(0, 4) != "127.") return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (!url_detail::is_digit(c))
      return false;
  }
  return dots == 3;
}

// Percent-encodes everything but RFC 3986's unreserved characters, so the
// result is safe as one path segment or one query value.
inline std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (url_detail::is_alpha(c) || url_detail::is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

// "a=1&b=x%20y" from name/value pairs, in the order given.
inline std::string encode_query(const std::vector<std::pair<std::string, std::string>> &params) {
  std::string out;
  for (const auto &p : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(p.first);
    out += '=';
    out += percent_encode(p.second);
  }
  return out;
}

KLING_NAMESPACE_END

#endif // KLING_CORE_URL_HPP
