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

#include "kling/core/ascii.hpp"
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
  KLING_LAZY std::string origin() const;

  // The URL as text, without the fragment (which never goes to a server).
  KLING_LAZY std::string text() const;
};

// Parses an absolute http or https URL. Other schemes, a missing host, a bad
// port, spaces or control characters are errors.
KLING_FUNCTION_OBJECT parse_url_function { result<url> operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_url) parse_url{};

// The same URL's parts as written (scheme and host not lower-cased), viewing
// text: what parse_url checks and copies, for callers that only check.
struct url_parts {
  std::string_view scheme, userinfo, host, path, query, fragment;
  int port = 0;
};
KLING_FUNCTION_OBJECT split_url_function { result<url_parts> operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(split_url) split_url{};

// Resolves a reference (a redirect's Location) against base, as RFC 3986
// section 5.2 does: absolute ("https://cdn/x"), scheme-relative ("//cdn/x"),
// absolute-path ("/x") and relative ("x", "../x", "?q") forms. The result is
// checked like any URL: http or https, a host, no spaces or control characters.
KLING_FUNCTION_OBJECT resolve_url_function {
  result<url> operator()(const url &base, std::string_view reference) const;
};
inline constexpr KLING_FUNCTION_TYPE(resolve_url) resolve_url{};

// True for "localhost", 127.0.0.0/8 and ::1: hosts that never leave this machine.
KLING_FUNCTION_OBJECT is_loopback_host_function { bool operator()(std::string_view host) const; };
inline constexpr KLING_FUNCTION_TYPE(is_loopback_host) is_loopback_host{};

// Percent-encodes everything but RFC 3986's unreserved characters, so the
// result is safe as one path segment or one query value.
KLING_FUNCTION_OBJECT percent_encode_function { std::string operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(percent_encode) percent_encode{};

// "a=1&b=x%20y" from name/value pairs, in the order given.
KLING_FUNCTION_OBJECT encode_query_function {
  std::string operator()(const std::vector<std::pair<std::string, std::string>> &params) const;
};
inline constexpr KLING_FUNCTION_TYPE(encode_query) encode_query{};

KLING_NAMESPACE_END

#endif // KLING_CORE_URL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_URL_IPP)
#define KLING_CORE_URL_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF std::string url::origin() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

KLING_LAZY_DEF std::string url::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = scheme + "://";
  if (!userinfo.empty()) out += userinfo + "@";
  out += ipv6 ? "[" + host + "]" : host;
  if (port != (scheme == "https" ? 443 : 80)) out += ":" + std::to_string(port);
  out += path.empty() ? "/" : path;
  if (!query.empty()) out += "?" + query;
  return out;
}

namespace url_detail {
// A URL holds no space or control character (RFC 3986): either could end the
// request line it is sent on.
constexpr bool has_space_or_control(std::string_view text) noexcept {
  return text.find(' ') != std::string_view::npos || ascii::has_control_character(text);
}

KLING_LAZY error bad_url(std::string_view why, std::string_view text) {
  return error{errc::malformed_input, std::string(why) + ": \"" + std::string(text.substr(0, 200)) + "\""};
}

// RFC 3986 5.2.4: "/a/b/../c/./d" -> "/a/c/d"; never climbs above the root.
KLING_LAZY std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const auto next = in.find('/', 1);
      out.append(in.substr(0, next));
      in = next == std::string_view::npos ? std::string_view{} : in.substr(next);
    }
  }
  return out;
}

KLING_LAZY bool has_scheme(std::string_view text) {
  if (text.empty() || !ascii::is_alpha(text[0])) return false;
  for (char c : text) {
    if (c == ':') return true;
    if (!ascii::is_alpha(c) && !ascii::is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}
} // namespace url_detail

KLING_LAZY_DEF result<url_parts> KLING_FUNCTION(split_url)::operator()(std::string_view text) const {
  using namespace url_detail;
  url_parts out;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !ascii::is_alpha(text[0])) {
    return bad_url("not an absolute URL (no scheme)", text);
  }
  out.scheme = text.substr(0, colon);
  if (!ascii::equals_ignoring_case(out.scheme, "http") && !ascii::equals_ignoring_case(out.scheme, "https")) {
    return bad_url("scheme must be http or https", text);
  }
  if (has_space_or_control(text)) return bad_url("URL contains a space or control character", text);
  std::string_view rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return bad_url("URL has no host (expected \"//\" after the scheme)", text);
  rest.remove_prefix(2);

  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  out.host = authority;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url("unclosed '[' in the host", text);
    out.host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url("unexpected characters after the IPv6 host", text);
      port = after.substr(1);
    }
  } else if (const auto c = authority.rfind(':'); c != std::string_view::npos) {
    out.host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (out.host.empty()) return bad_url("URL has an empty host", text);
  const bool bracketed = out.host.data() != authority.data();
  for (char c : out.host) {
    // In brackets an IPv6 address; otherwise a name or IPv4 address, which
    // cannot hold the characters that delimit a host (it could not be written back).
    const bool ok = bracketed ? ascii::is_hex_digit(c) || c == ':' || c == '.'
                              : c != ':' && c != '[' && c != ']' && c != '\\';
    if (!ok)
      return bad_url(
          bracketed ? "not an IPv6 address in '[' ']'" : "host has a character not allowed in a host", text);
  }

  out.port = out.scheme.size() == 5 ? 443 : 80; // "https" or "http"
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (!ascii::is_digit(c) || value > 65535) return bad_url("port is not a number from 1 to 65535", text);
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return bad_url("port is not a number from 1 to 65535", text);
    out.port = value;
  }

  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    out.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  const auto question = rest.find('?');
  if (question != std::string_view::npos) {
    out.query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  out.path = rest;
  return out;
}

KLING_LAZY_DEF result<url> KLING_FUNCTION(parse_url)::operator()(std::string_view text) const {
  auto parts = split_url(text);
  if (!parts) return std::move(parts).error();
  url out;
  out.scheme = ascii::to_lower(parts->scheme);
  out.userinfo = std::string(parts->userinfo);
  out.host = ascii::to_lower(parts->host);
  out.port = parts->port;
  out.path = std::string(parts->path);
  out.query = std::string(parts->query);
  out.fragment = std::string(parts->fragment);
  return out;
}

KLING_LAZY_DEF result<url> KLING_FUNCTION(resolve_url)::operator()(const url &base,
                                                                   std::string_view reference) const {
  using namespace url_detail;
  if (has_scheme(reference)) return parse_url(reference);
  if (reference.substr(0, 2) == "//") return parse_url(base.scheme + ":" + std::string(reference));
  if (has_space_or_control(reference)) return bad_url("URL contains a space or control character", reference);
  url out = base;
  out.fragment.clear();
  std::string_view rest = reference;
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const auto question = rest.find('?');
  const std::string_view path = rest.substr(0, question);
  if (question != std::string_view::npos) out.query = std::string(rest.substr(question + 1));
  if (path.empty()) return out; // same path; a new query if one was given
  out.query = question == std::string_view::npos ? std::string() : out.query;
  if (path.front() == '/') {
    out.path = remove_dot_segments(path);
  } else {
    const auto slash = base.path.rfind('/');
    const std::string merged =
        (slash == std::string::npos ? std::string("/") : base.path.substr(0, slash + 1)) + std::string(path);
    out.path = remove_dot_segments(merged);
  }
  return out;
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_loopback_host)::operator()(std::string_view host) const {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.substr(0, 4) != "127.") return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (!ascii::is_digit(c))
      return false;
  }
  return dots == 3;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(percent_encode)::operator()(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (ascii::is_alpha(c) || ascii::is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      ascii::append_hex(out, u, 2, ascii::hex_case::upper);
    }
  }
  return out;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(encode_query)::operator()(
    const std::vector<std::pair<std::string, std::string>> &params) const {
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

#endif // KLING_CORE_URL_IPP
