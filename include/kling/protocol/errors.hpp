// Turning an HTTP answer that is not a success into a typed error (P-5),
// whatever shape its body has: {"error": "..."}, {"error": {"message",
// "code", "type"}}, {"code", "message"}, or no JSON at all (an HTML page).
//
// Thread safety: pure functions.
#ifndef KLING_PROTOCOL_ERRORS_HPP
#define KLING_PROTOCOL_ERRORS_HPP

#include <algorithm>
#include <string>
#include <string_view>

#include "kling/core/ascii.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/utf8.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

// Bytes of an unexpected body kept in error::body_excerpt.
inline constexpr std::size_t body_excerpt_bytes = 512;

constexpr errc errc_for_status(int status) noexcept {
  if (status == 400 || status == 422) return errc::bad_request;
  if (status == 401) return errc::auth;
  if (status == 403) return errc::permission;
  if (status == 404) return errc::not_found;
  if (status == 408) return errc::timeout;
  if (status == 429) return errc::rate_limited;
  if (status >= 500 && status <= 599) return errc::server;
  return errc::http;
}

// Retry-After as a delay: delay-seconds, or an HTTP date measured against
// the answer's own Date header (so the two clocks that matter are the
// server's, and this machine's clock is never read).
KLING_FUNCTION_OBJECT retry_after_function {
  std::optional<std::chrono::milliseconds> operator()(const http_response &response) const;
};
inline constexpr KLING_FUNCTION_TYPE(retry_after) retry_after{};

// The error for an answer with a non-success status.
KLING_FUNCTION_OBJECT error_from_response_function { error operator()(const http_response &response) const; };
inline constexpr KLING_FUNCTION_TYPE(error_from_response) error_from_response{};

// True for the gateway's answer that an external_task_id is already taken:
// 409 Conflict whatever its words, or a 400/422 whose words say duplicate
// (error_cause::duplicate, set by error_from_response).
KLING_FUNCTION_OBJECT is_duplicate_external_id_function { bool operator()(const error &e) const; };
inline constexpr KLING_FUNCTION_TYPE(is_duplicate_external_id) is_duplicate_external_id{};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_ERRORS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_ERRORS_IPP)
#define KLING_PROTOCOL_ERRORS_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

namespace errors_detail {

// A code may be a number (1102) or a string ("invalid_api_key").
KLING_LAZY std::string code_text(const json &code) {
  if (code.is_string()) return code.get<std::string>();
  if (code.is_number_integer()) return std::to_string(code.get<std::int64_t>());
  if (code.is_number_unsigned()) return std::to_string(code.get<std::uint64_t>());
  return {};
}

// Fills message, provider_code and request_id from whichever shape the body has.
KLING_LAZY void read_error_body(const json &body, error &e) {
  if (!body.is_object()) return;
  field_reader r(body);
  if (const json *err = find_member(body, "error")) {
    if (err->is_string()) {
      e.message = err->get<std::string>();
    } else if (err->is_object()) {
      field_reader inner(*err, "/error");
      inner.text("message", e.message);
      if (const json *code = inner.get("code")) e.provider_code = code_text(*code);
      std::string type;
      if (inner.text("type", type) && e.message.empty()) e.message = type;
    }
  }
  if (e.message.empty()) r.text("message", e.message);
  if (e.provider_code.empty()) {
    if (const json *code = r.get("code")) e.provider_code = code_text(*code);
  }
  r.text("request_id", e.request_id);
}

// words: in lower case.
KLING_LAZY bool says(const std::string &text, std::string_view words) {
  return ascii::to_lower(text).find(words) != std::string::npos;
}

// What the gateway's words say beyond the status, read once here so that
// nothing else inspects message text. The document shows no answer for a
// duplicate external_task_id; "duplicate" and "already exist(s)" are a guess
// to revisit against the real gateway.
KLING_LAZY error_cause cause_of(const error &e) {
  for (const std::string *text : {&e.message, &e.provider_code}) {
    if (says(*text, "duplicate") || says(*text, "already exist")) return error_cause::duplicate;
  }
  return error_cause::none;
}

} // namespace errors_detail

KLING_LAZY_DEF std::optional<std::chrono::milliseconds>
KLING_FUNCTION(retry_after)::operator()(const http_response &response) const {
  const auto value = response.header("Retry-After");
  if (!value || value->empty()) return std::nullopt;
  if (value->find_first_not_of("0123456789") == std::string_view::npos) {
    if (value->size() > 9) return std::chrono::hours(24 * 365); // absurd: treated as "very long"
    long long seconds = 0;
    for (char c : *value)
      seconds = seconds * 10 + (c - '0');
    return std::chrono::seconds(seconds);
  }
  const auto until = parse_http_date(*value);
  const auto date = response.header("Date");
  if (!until || !date) return std::nullopt;
  const auto now = parse_http_date(*date);
  if (!now) return std::nullopt;
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*until - *now);
  return delay.count() > 0 ? delay : std::chrono::milliseconds(0);
}

KLING_LAZY_DEF error KLING_FUNCTION(error_from_response)::operator()(const http_response &response) const {
  error e;
  e.code = errc_for_status(response.status);
  e.http_status = response.status;
  e.retry_after = retry_after(response);
  if (auto id = response.header("X-Request-Id")) e.request_id = std::string(*id);
  auto body = parse_json(response.body);
  if (body) errors_detail::read_error_body(*body, e);
  e.cause = errors_detail::cause_of(e);
  if (e.message.empty()) {
    e.message = "HTTP " + std::to_string(response.status);
    if (!body) e.message += " with a body that is not JSON";
  }
  e.body_excerpt = utf8::excerpt(response.body, body_excerpt_bytes);
  return e;
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_duplicate_external_id)::operator()(const error &e) const {
  if (e.http_status == 409) return true;
  return (e.http_status == 400 || e.http_status == 422) && e.cause == error_cause::duplicate;
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_ERRORS_IPP
