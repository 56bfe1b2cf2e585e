// Which failures are worth another attempt, and how long to wait first:
// exponential backoff with full jitter, capped, obeying Retry-After.
//
// Retried: connection errors, timeouts, HTTP 408, 429 with a retryable
// provider code (1302 rate limit, 1303 concurrency) or none, 500/502/503/504,
// provider codes 5000/5001/5002, and answers that are not what the contract
// says (an HTML page from a proxy). Never retried: 400/401/403/404, 429 with
// 1100/1101/1102/1103/1304 (account, arrears, resource pack, permission, IP),
// authentication (1000-1004), bad parameters (1200/1201), content policy
// (1300/1301), TLS and configuration errors, refused requests.
//
// Thread safety: retry_policy is a plain value; backoff is one per operation.
#ifndef KLING_PROTOCOL_RETRY_HPP
#define KLING_PROTOCOL_RETRY_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kling/core/error.hpp"
#include "kling/core/random.hpp"
#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

using milliseconds = std::chrono::milliseconds;

struct retry_policy {
  int max_attempts = 5; // per request, the first included
  milliseconds initial_backoff = std::chrono::seconds(1);
  milliseconds max_backoff = std::chrono::seconds(30);
  milliseconds max_retry_after = std::chrono::seconds(120); // Retry-After is obeyed up to this
  std::uint64_t jitter_seed = 0;                            // 0: the client picks a random seed
  // After a create failed ambiguously, how long a lookup by external_task_id
  // that answers 404 is asked again before the create is posted again. The
  // gateway's document neither refuses a duplicate external_task_id nor says
  // how soon a task can be found by it, so a 404 right after the failure
  // proves nothing; only a 404 at the end of this window lets the create go
  // out again. 0: the first 404 is believed (a gateway known to refuse duplicates).
  milliseconds lookup_window = std::chrono::seconds(30);

  KLING_LAZY static retry_policy none();
};

// The longest lookup_window accepted: beyond an hour a create that truly
// failed would be held back for longer than any wait for a video.
inline constexpr milliseconds max_lookup_window = std::chrono::hours(1);

// Checking settings when they are used, so that a bad one is a
// configuration error that names it, never an overflowing time computation.
namespace setting_checks {
// The longest any interval or timeout may be: far beyond any real need,
// and far from the limits of a time_point in milliseconds.
inline constexpr milliseconds longest = std::chrono::hours(24 * 366);

KLING_LAZY error bad_setting(std::string_view name, std::string_view what);

// zero_ok: whether 0 means something ("no wait").
KLING_LAZY result<void> check_duration(std::string_view name, milliseconds value, bool zero_ok);
} // namespace setting_checks

// A configuration error naming the first setting of p that cannot work.
KLING_FUNCTION_OBJECT check_retry_policy_function { result<void> operator()(const retry_policy &p) const; };
inline constexpr KLING_FUNCTION_TYPE(check_retry_policy) check_retry_policy{};

constexpr bool is_transient_provider_code(std::string_view code) {
  return code == "1302" || code == "1303" || code == "5000" || code == "5001" || code == "5002";
}

// Provider codes that no waiting fixes, whatever HTTP status carries them:
// authentication (1000-1004), the account (1100-1103), bad parameters
// (1200/1201), content policy (1300/1301), IP not allowed (1304).
constexpr bool is_permanent_provider_code(std::string_view code) {
  return code == "1000" || code == "1001" || code == "1002" || code == "1003" || code == "1004" ||
         code == "1100" || code == "1101" || code == "1102" || code == "1103" || code == "1200" ||
         code == "1201" || code == "1300" || code == "1301" || code == "1304";
}

// True when the same request may succeed if sent again later.
KLING_FUNCTION_OBJECT is_transient_function { bool operator()(const error &e) const; };
inline constexpr KLING_FUNCTION_TYPE(is_transient) is_transient{};

// True when a failed create may nevertheless have created the task: the
// request may have reached the gateway and no definite answer came back.
KLING_FUNCTION_OBJECT is_ambiguous_function { bool operator()(const error &e) const; };
inline constexpr KLING_FUNCTION_TYPE(is_ambiguous) is_ambiguous{};

// Full-jitter exponential backoff (a random delay in [0, min(cap, base * 2^n)]),
// with a small deterministic generator so tests can fix the seed.
class backoff {
public:
  KLING_LAZY explicit backoff(const retry_policy &policy, std::uint64_t seed);

  // The delay before retry number `retry` (1 for the first retry); a
  // Retry-After from the server wins, up to the policy's limit.
  KLING_LAZY milliseconds delay(int retry, const error &cause);

  const retry_policy &policy() const { return policy_; }

private:
  retry_policy policy_;
  splitmix64 random_;
};

// The retry bookkeeping every machine uses: failures of one kind of request
// counted against a limit, and the backoff before the next attempt. Which
// failures are worth another attempt is the machine's decision.
class retries {
public:
  // limit: attempts allowed in all (the first included); 0 means the policy's max_attempts.
  KLING_LAZY retries(const retry_policy &policy, std::uint64_t seed, int limit = 0);

  // Counts a failed attempt. The delay before the next one, or nothing when
  // the limit is reached (then give_up(cause) is the final error).
  KLING_LAZY std::optional<milliseconds> after_failure(const error &cause);

  // The final error: how often the request was tried is added to it.
  KLING_LAZY error give_up(error e) const;

  // A success (or a new phase) starts the count again.
  KLING_LAZY void reset();

  int failures() const { return failures_; }
  const retry_policy &policy() const { return backoff_.policy(); }
  // A delay for the n-th wait of an unlimited kind (a lookup that finds nothing yet).
  KLING_LAZY milliseconds delay(int n, const error &cause);

private:
  backoff backoff_;
  int limit_;
  int failures_ = 0;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_RETRY_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_RETRY_IPP)
#define KLING_PROTOCOL_RETRY_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF retry_policy retry_policy::none() {
  retry_policy p;
  p.max_attempts = 1;
  return p;
}

namespace setting_checks {

KLING_LAZY_DEF error bad_setting(std::string_view name, std::string_view what) {
  return error{errc::configuration, std::string(name) + " " + std::string(what)};
}

KLING_LAZY_DEF result<void> check_duration(std::string_view name, milliseconds value, bool zero_ok) {
  if (value.count() < 0 || (!zero_ok && value.count() == 0)) {
    return bad_setting(name, zero_ok ? "must not be negative, got " + std::to_string(value.count()) + " ms"
                                     : "must be positive, got " + std::to_string(value.count()) + " ms");
  }
  if (value > longest) return bad_setting(name, "must be at most 366 days");
  return {};
}

} // namespace setting_checks

KLING_LAZY_DEF result<void> KLING_FUNCTION(check_retry_policy)::operator()(const retry_policy &p) const {
  using setting_checks::check_duration;
  if (p.max_attempts < 1 || p.max_attempts > 1000) {
    return setting_checks::bad_setting("retry_policy::max_attempts",
                                       "must be from 1 to 1000, got " + std::to_string(p.max_attempts));
  }
  return check_duration("retry_policy::initial_backoff", p.initial_backoff, true)
      .and_then([&] { return check_duration("retry_policy::max_backoff", p.max_backoff, true); })
      .and_then([&] { return check_duration("retry_policy::max_retry_after", p.max_retry_after, true); })
      .and_then([&]() -> result<void> {
        if (p.lookup_window.count() < 0 || p.lookup_window > max_lookup_window) {
          return setting_checks::bad_setting("retry_policy::lookup_window",
                                             "must be from 0 to 1 hour, got " +
                                                 std::to_string(p.lookup_window.count()) + " ms");
        }
        return {};
      });
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_transient)::operator()(const error &e) const {
  if (is_permanent_provider_code(e.provider_code)) return false;
  switch (e.code) {
  case errc::connection:
  case errc::timeout: return true;
  case errc::rate_limited: return true; // 1302, 1303, or a 429 with no code (a proxy's limit)
  case errc::server:
    return e.http_status == 500 || e.http_status == 502 || e.http_status == 503 || e.http_status == 504;
  case errc::provider: return is_transient_provider_code(e.provider_code);
  case errc::parse: return e.http_status != 0; // an answer arrived, but not the contract's: a proxy page
  default: return false;
  }
}

KLING_LAZY_DEF bool KLING_FUNCTION(is_ambiguous)::operator()(const error &e) const {
  if (!e.request_sent || is_permanent_provider_code(e.provider_code)) return false; // a definite refusal
  switch (e.code) {
  case errc::connection:
  case errc::timeout:
  case errc::parse: return true;
  case errc::server: return true; // any 5xx: the gateway may have created it before failing
  default: return false;
  }
}

KLING_LAZY_DEF backoff::backoff(const retry_policy &policy, std::uint64_t seed)
    : policy_(policy), random_(seed ? seed : 0x9E3779B97F4A7C15ull) {}

KLING_LAZY_DEF milliseconds backoff::delay(int retry, const error &cause) {
  if (cause.retry_after) return std::min(*cause.retry_after, policy_.max_retry_after);
  const int shift = std::min(retry - 1, 20);
  const auto ceiling = std::min<std::int64_t>(policy_.max_backoff.count(),
                                              policy_.initial_backoff.count() * (std::int64_t{1} << shift));
  if (ceiling <= 0) return milliseconds(0);
  return milliseconds(static_cast<std::int64_t>(random_.up_to(static_cast<std::uint64_t>(ceiling))));
}

KLING_LAZY_DEF retries::retries(const retry_policy &policy, std::uint64_t seed, int limit)
    : backoff_(policy, seed), limit_(limit > 0 ? limit : policy.max_attempts) {}

KLING_LAZY_DEF std::optional<milliseconds> retries::after_failure(const error &cause) {
  ++failures_;
  if (failures_ >= limit_) return std::nullopt;
  return backoff_.delay(failures_, cause);
}

KLING_LAZY_DEF error retries::give_up(error e) const {
  if (failures_ > 1) e.message += " (gave up after " + std::to_string(failures_) + " attempts)";
  return e;
}

KLING_LAZY_DEF void retries::reset() { failures_ = 0; }

KLING_LAZY_DEF milliseconds retries::delay(int n, const error &cause) { return backoff_.delay(n, cause); }

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_RETRY_IPP
