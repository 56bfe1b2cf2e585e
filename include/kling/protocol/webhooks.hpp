// Verifying Standard Webhooks signatures (https://www.standardwebhooks.com/):
// a receiver checks that a callback came from the holder of the shared secret
// and is recent, before trusting its body.
//
//   webhook-id:        msg_2mQ...              (unique per message)
//   webhook-timestamp: 1700000000              (Unix seconds)
//   webhook-signature: v1,<base64> v1,<base64> (several while a secret rotates)
//
// Each v1 signature is Base64(HMAC-SHA256(secret, id "." timestamp "." body)).
// The secret is written "whsec_<base64>"; one without the prefix is used as
// raw bytes.
//
// verify() checks one message; verify_once() also refuses a message whose
// webhook-id was already accepted (replay_store.hpp). A message that fails
// is errc::bad_signature, a replay errc::replay, and a secret that cannot
// verify anything (empty, bad Base64) errc::configuration.
//
// Thread safety: verify and sign are pure functions (no clock reads: the
// caller passes the time); verify_once is as safe as its replay_store.
#ifndef KLING_PROTOCOL_WEBHOOKS_HPP
#define KLING_PROTOCOL_WEBHOOKS_HPP

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "kling/core/base64.hpp"
#include "kling/core/result.hpp"
#include "kling/core/sha256.hpp"
#include "kling/core/utf8.hpp"
#include "kling/protocol/replay_store.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

namespace webhooks {

struct verify_options {
  // How far webhook-timestamp may be from now, either way: limits how long a
  // captured message can be replayed, and allows for clock skew.
  std::chrono::seconds tolerance{300};
};

namespace detail {

constexpr std::string_view secret_prefix = "whsec_";

// |a - b| for a >= b, exact for any two int64 values.
constexpr std::uint64_t distance(std::int64_t a, std::int64_t b) noexcept {
  return static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b);
}

// The message's headers, all three present.
struct message_headers {
  std::string_view id, timestamp, signature;
};

// a + b, held at the int64 limits instead of overflowing.
constexpr std::int64_t saturated_sum(std::int64_t a, std::int64_t b) noexcept {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

} // namespace detail

// Verifies a webhook message's signature (the Standard Webhooks scheme).
KLING_FUNCTION_OBJECT verify_function {
  // Checks one message. webhook_* are the header values; now_unix_seconds is the
  // receiver's current time. Fails with errc::bad_signature and a message that
  // names the problem (never the secret or the expected signature), or
  // errc::configuration when the secret is empty or not Base64 after whsec_.
  result<void> operator()(std::string_view secret, std::string_view webhook_id,
                          std::string_view webhook_timestamp, std::string_view webhook_signature,
                          std::string_view body, std::int64_t now_unix_seconds,
                          const verify_options &options = {}) const;

  // The same, reading webhook-id, webhook-timestamp and webhook-signature from a
  // header list (names compared case-insensitively).
  result<void> operator()(std::string_view secret, const http_headers &headers, std::string_view body,
                          std::int64_t now_unix_seconds, const verify_options &options = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(verify) verify{};

// verify(), then records the message's webhook-id in replays: a message whose
// id was accepted before, within the tolerance window, fails with
// errc::replay. The id is kept until the message's timestamp plus the
// tolerance, after which a copy fails verify() as too old anyway; the sender's
// retry of a message (same id, new timestamp) is a replay until then too.
KLING_FUNCTION_OBJECT verify_once_function {
  result<void> operator()(std::string_view secret, const http_headers &headers, std::string_view body,
                          std::int64_t now_unix_seconds, replay_store &replays = default_replay_store(),
                          const verify_options &options = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(verify_once) verify_once{};

// The webhook-signature value "v1,<base64>" for a message: for senders and
// tests. Returns an empty string when verify() would reject the secret (empty,
// or not Base64 after whsec_) or the empty webhook id, since no signature
// made with them could verify.
KLING_FUNCTION_OBJECT sign_function {
  std::string operator()(std::string_view secret, std::string_view webhook_id, std::int64_t timestamp,
                         std::string_view body) const;
};
inline constexpr KLING_FUNCTION_TYPE(sign) sign{};

} // namespace webhooks

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_WEBHOOKS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_WEBHOOKS_IPP)
#define KLING_PROTOCOL_WEBHOOKS_IPP

KLING_NAMESPACE_BEGIN

namespace webhooks {

namespace detail {

KLING_LAZY error unverified(std::string message) { return error{errc::bad_signature, std::move(message)}; }

KLING_LAZY error unusable_secret(std::string message) {
  return error{errc::configuration, std::move(message)};
}

// The key bytes of a secret. Messages never quote the secret.
KLING_LAZY result<std::string> secret_key(std::string_view secret) {
  if (secret.substr(0, secret_prefix.size()) != secret_prefix) {
    if (secret.empty()) {
      return unusable_secret("the webhook secret is empty: nothing can be verified with it (to accept "
                             "callbacks without a signature, call receive_unverified_callback)");
    }
    return std::string(secret);
  }
  auto key = base64::decode(secret.substr(secret_prefix.size()));
  if (!key) {
    // base64's message gives only a length or a position, never the text.
    return unusable_secret("the webhook secret is not valid Base64 after whsec_ (" + key.error().message +
                           ")");
  }
  if (key->empty()) return unusable_secret("the webhook secret is empty after whsec_");
  return std::move(*key);
}

KLING_LAZY std::string signature_of(std::string_view key, std::string_view id, std::string_view timestamp,
                                    std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  const auto mac = crypto::hmac_sha256(key, content);
  return base64::encode(std::string_view(reinterpret_cast<const char *>(mac.data()), mac.size()));
}

// "1700000000" (an optional '-', then digits) to seconds; nothing else.
KLING_LAZY result<std::int64_t> parse_timestamp(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty()) return unverified("webhook-timestamp is not an integer number of seconds");
  // Magnitudes up to 2^63 (the most negative value) fit in an unsigned 64-bit number.
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  std::uint64_t magnitude = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return unverified("webhook-timestamp is not an integer number of seconds");
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return unverified("webhook-timestamp is out of range");
    magnitude = magnitude * 10 + digit;
  }
  if (!negative) return static_cast<std::int64_t>(magnitude);
  // -(2^63) cannot be negated as a signed number; go through -(m - 1) - 1.
  return magnitude == 0 ? std::int64_t{0} : -static_cast<std::int64_t>(magnitude - 1) - 1;
}

KLING_LAZY result<void> check_age(std::int64_t timestamp, std::int64_t now, std::chrono::seconds tolerance) {
  const std::uint64_t allowed = tolerance.count() > 0 ? static_cast<std::uint64_t>(tolerance.count()) : 0;
  const bool past = timestamp <= now;
  const std::uint64_t off = past ? distance(now, timestamp) : distance(timestamp, now);
  if (off <= allowed) return {};
  return unverified(std::string("webhook-timestamp is ") + (past ? "too old: " : "in the future: ") +
                    std::to_string(off) + (past ? " s in the past, " : " s ahead of now, ") +
                    std::to_string(off - allowed) + " s beyond the " + std::to_string(allowed) +
                    " s tolerance");
}

// verify() once the secret is known to be usable; the message's timestamp in seconds.
KLING_LAZY result<std::int64_t> verify_with_key(std::string_view key, std::string_view webhook_id,
                                                std::string_view webhook_timestamp,
                                                std::string_view webhook_signature, std::string_view body,
                                                std::int64_t now, std::chrono::seconds tolerance) {
  if (webhook_id.empty()) return unverified("empty webhook-id header");
  if (webhook_timestamp.empty()) return unverified("empty webhook-timestamp header");
  if (webhook_signature.empty()) return unverified("empty webhook-signature header");

  auto timestamp = parse_timestamp(webhook_timestamp);
  if (!timestamp) return std::move(timestamp).error();
  if (auto age = check_age(*timestamp, now, tolerance); !age) return std::move(age).error();

  // Signed over the timestamp as sent, so the bytes checked are the bytes signed.
  const std::string expected = signature_of(key, webhook_id, webhook_timestamp, body);
  bool any_v1 = false;
  bool matched = false;
  std::string_view rest = webhook_signature;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    const std::size_t comma = entry.find(',');
    // Other versions (v1a: asymmetric signatures, future ones) are not ours to check.
    if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") continue;
    any_v1 = true;
    if (crypto::constant_time_equal(entry.substr(comma + 1), expected)) matched = true;
  }
  if (!any_v1) return unverified("webhook-signature holds no v1 signature");
  if (!matched) return unverified("no v1 signature in webhook-signature matches the message");
  return *timestamp;
}

KLING_LAZY result<message_headers> find_message_headers(const http_headers &headers) {
  const auto id = find_header(headers, "webhook-id");
  if (!id) return unverified("missing webhook-id header");
  const auto timestamp = find_header(headers, "webhook-timestamp");
  if (!timestamp) return unverified("missing webhook-timestamp header");
  const auto signature = find_header(headers, "webhook-signature");
  if (!signature) return unverified("missing webhook-signature header");
  return message_headers{*id, *timestamp, *signature};
}

} // namespace detail

KLING_LAZY_DEF result<void>
KLING_FUNCTION(verify)::operator()(std::string_view secret, std::string_view webhook_id,
                                   std::string_view webhook_timestamp, std::string_view webhook_signature,
                                   std::string_view body, std::int64_t now_unix_seconds,
                                   const verify_options &options) const {
  // The secret first: when it is wrong, every message fails, whatever it holds.
  const auto key = detail::secret_key(secret);
  if (!key) return key.error();
  auto verified = detail::verify_with_key(*key, webhook_id, webhook_timestamp, webhook_signature, body,
                                          now_unix_seconds, options.tolerance);
  if (!verified) return std::move(verified).error();
  return {};
}

KLING_LAZY_DEF result<void> KLING_FUNCTION(verify)::operator()(std::string_view secret,
                                                               const http_headers &headers,
                                                               std::string_view body,
                                                               std::int64_t now_unix_seconds,
                                                               const verify_options &options) const {
  const auto key = detail::secret_key(secret);
  if (!key) return key.error();
  const auto message = detail::find_message_headers(headers);
  if (!message) return message.error();
  auto verified = detail::verify_with_key(*key, message->id, message->timestamp, message->signature, body,
                                          now_unix_seconds, options.tolerance);
  if (!verified) return std::move(verified).error();
  return {};
}

KLING_LAZY_DEF result<void>
KLING_FUNCTION(verify_once)::operator()(std::string_view secret, const http_headers &headers,
                                        std::string_view body, std::int64_t now_unix_seconds,
                                        replay_store &replays, const verify_options &options) const {
  const auto key = detail::secret_key(secret);
  if (!key) return key.error();
  const auto message = detail::find_message_headers(headers);
  if (!message) return message.error();
  const auto timestamp = detail::verify_with_key(*key, message->id, message->timestamp, message->signature,
                                                 body, now_unix_seconds, options.tolerance);
  if (!timestamp) return timestamp.error();
  const std::int64_t tolerance = options.tolerance.count() > 0 ? options.tolerance.count() : 0;
  if (!replays.remember(message->id, now_unix_seconds, detail::saturated_sum(*timestamp, tolerance))) {
    // The id only: it is the sender's, and says which message came again.
    return error{errc::replay, "webhook-id \"" + utf8::excerpt(message->id, 100) +
                                   "\" was already accepted: the message is a replay"};
  }
  return {};
}

KLING_LAZY_DEF std::string KLING_FUNCTION(sign)::operator()(std::string_view secret,
                                                            std::string_view webhook_id,
                                                            std::int64_t timestamp,
                                                            std::string_view body) const {
  auto key = detail::secret_key(secret);
  if (!key || webhook_id.empty()) return std::string();
  return "v1," + detail::signature_of(*key, webhook_id, std::to_string(timestamp), body);
}

} // namespace webhooks

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_WEBHOOKS_IPP
