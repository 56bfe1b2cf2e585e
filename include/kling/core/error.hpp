// The error value every fallible call returns: what went wrong, where, and
// what the gateway said about it.
//
// Thread safety: a plain value; distinct objects may be used concurrently.
#ifndef KLING_CORE_ERROR_HPP
#define KLING_CORE_ERROR_HPP

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

// The kind of failure. Callers branch on this; the message is for people.
enum class errc {
  unknown,           // no code was set: what a default-constructed error holds
  invalid_request,   // refused before sending: a rule is broken (see violations)
  configuration,     // the options cannot work (bad base URL, plain http to a remote host)
  connection,        // could not connect, or the connection dropped
  timeout,           // no answer in time
  tls,               // TLS handshake or certificate verification failed
  bad_request,       // HTTP 400: the gateway refused the request
  auth,              // HTTP 401 or a provider authentication code
  permission,        // HTTP 403
  not_found,         // HTTP 404
  rate_limited,      // HTTP 429
  server,            // HTTP 5xx
  http,              // any other unexpected HTTP status
  provider,          // an answer that carries a provider error code
  parse,             // an answer that is not what the contract says
  task_failed,       // the task finished with status failed
  cancelled,         // the caller cancelled
  deadline_exceeded, // the overall deadline passed
  io,                // a local file could not be read or written
  malformed_input,   // text or bytes given to a parser (Base64, URL, UTF-8, image, video) are not well formed
  bad_signature,     // a webhook message failed verification (headers, timestamp or signature)
  replay,            // a verified webhook message whose webhook-id was already accepted
};

// Stable lower-case name of an error kind ("rate_limited").
constexpr const char *to_string(errc code) noexcept {
  switch (code) {
  case errc::unknown: return "unknown";
  case errc::invalid_request: return "invalid_request";
  case errc::configuration: return "configuration";
  case errc::connection: return "connection";
  case errc::timeout: return "timeout";
  case errc::tls: return "tls";
  case errc::bad_request: return "bad_request";
  case errc::auth: return "auth";
  case errc::permission: return "permission";
  case errc::not_found: return "not_found";
  case errc::rate_limited: return "rate_limited";
  case errc::server: return "server";
  case errc::http: return "http";
  case errc::provider: return "provider";
  case errc::parse: return "parse";
  case errc::task_failed: return "task_failed";
  case errc::cancelled: return "cancelled";
  case errc::deadline_exceeded: return "deadline_exceeded";
  case errc::io: return "io";
  case errc::malformed_input: return "malformed_input";
  case errc::bad_signature: return "bad_signature";
  case errc::replay: return "replay";
  }
  return "unknown";
}

// One broken rule of the gateway's contract: the rule's ID from RULES.md, a
// JSON pointer to the field ("/video_list/0/refer_type") and a plain message.
struct violation {
  std::string rule;
  std::string field;
  std::string message;
};

KLING_LAZY bool operator==(const violation &a, const violation &b);
KLING_LAZY bool operator!=(const violation &a, const violation &b);

// What the library recognized in a failure beyond its code, so that callers
// and the protocol machines branch on a field, never on message text. Set
// where the answer is parsed; more causes are added as they are recognized.
enum class error_cause {
  none,          // nothing more is known than the code says
  duplicate,     // the gateway's message or code says the request duplicates what it already has
  insecure_http, // the base URL would send the API key over plain http to another machine
};

// Stable lower-case name of a cause ("duplicate").
constexpr const char *to_string(error_cause cause) noexcept {
  switch (cause) {
  case error_cause::none: return "none";
  case error_cause::duplicate: return "duplicate";
  case error_cause::insecure_http: return "insecure_http";
  }
  return "unknown";
}

struct error {
  errc code = errc::unknown;
  error_cause cause = error_cause::none;
  int http_status = 0;               // 0 when no HTTP answer was received
  std::string provider_code;         // the gateway's or provider's own code, as text ("1102")
  std::string message;               // what happened, for people; never holds a secret
  std::string request_id;            // the gateway's request id when it sent one
  std::string body_excerpt;          // the first bytes of an unexpected answer (valid UTF-8)
  std::vector<violation> violations; // for invalid_request: every broken rule
  // False only when the transport knows the request never left this machine
  // (the connection could not be opened). Exactly-once creation relies on it.
  bool request_sent = true;
  // How long the server asked the client to wait (Retry-After), when it did.
  std::optional<std::chrono::milliseconds> retry_after;

  error() = default;
  KLING_DECL error(errc c, std::string msg); // in the definitions part: compiled once
};

// One line for logs: "rate_limited (HTTP 429, provider code 1302): too many
// requests [request_id abc]".
KLING_LAZY std::string to_string(const error &e);

KLING_NAMESPACE_END

#endif // KLING_CORE_ERROR_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_ERROR_IPP)
#define KLING_CORE_ERROR_IPP

KLING_NAMESPACE_BEGIN

KLING_DECL error::error(errc c, std::string msg) : code(c), message(std::move(msg)) {}

KLING_LAZY_DEF bool operator==(const violation &a, const violation &b) {
  return a.rule == b.rule && a.field == b.field && a.message == b.message;
}
KLING_LAZY_DEF bool operator!=(const violation &a, const violation &b) { return !(a == b); }

KLING_LAZY_DEF std::string to_string(const error &e) {
  std::string out = to_string(e.code);
  std::string details;
  if (e.http_status != 0) details += "HTTP " + std::to_string(e.http_status);
  if (!e.provider_code.empty()) {
    if (!details.empty()) details += ", ";
    details += "provider code " + e.provider_code;
  }
  if (e.cause != error_cause::none) {
    if (!details.empty()) details += ", ";
    details += std::string("cause ") + to_string(e.cause);
  }
  if (!details.empty()) out += " (" + details + ")";
  if (!e.message.empty()) out += ": " + e.message;
  if (!e.request_id.empty()) out += " [request_id " + e.request_id + "]";
  for (const auto &v : e.violations)
    out += "\n  [" + v.rule + "] " + v.field + ": " + v.message;
  return out;
}

KLING_NAMESPACE_END

#endif // KLING_CORE_ERROR_IPP
