// session<Transport>: what every resource of a client shares: the options,
// the checked base URL, the transport and a source of randomness (retry
// jitter, generated external_task_ids). It completes the relative requests of
// the protocol layer (origin, path prefix, headers, timeout), reports each
// exchange to the observer with secrets redacted, and keeps the API key out
// of every error that comes back.
//
// Thread safety: send and next_random may be called concurrently when the
// transport's send may (httplib_transport and mock_transport: yes).
#ifndef KLING_CLIENT_SESSION_HPP
#define KLING_CLIENT_SESSION_HPP

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <utility>

#include "kling/client/options.hpp"
#include "kling/core/redact.hpp"
#include "kling/transport/requirements.hpp"
#include "kling/transport/streaming.hpp"

KLING_NAMESPACE_BEGIN

inline constexpr const char *user_agent = "kling-cpp/" KLING_VERSION_STRING;

template <class Transport>
class session {
public:
  session(kling::options opts, Transport transport)
      : options_(std::move(opts)), transport_(std::move(transport)), settings_(options_.check()),
        base_(check_base_url(options_)),
        jitter_state_(options_.retry().jitter_seed ? options_.retry().jitter_seed : entropy()),
        id_state_(options_.external_task_id_seed() ? options_.external_task_id_seed() : entropy()) {}

  const kling::options &options() const { return options_; }
  Transport &transport() { return transport_; }
  const Transport &transport() const { return transport_; }

  // The full request to the gateway: origin and path prefix from the base
  // URL, then the default headers, then the user's extra headers. A request
  // that already names its origin (a download) goes there as it is, without
  // credentials: the API key is only ever sent to the gateway.
  // Every call fails with the options' configuration error, if they have one.
  result<http_request> prepare(http_request request) const {
    if (!settings_) return settings_.error();
    request.timeout = options_.request_timeout();
    set_header(request.headers, "User-Agent", user_agent);
    if (!request.origin.empty()) return request;
    if (!base_) return base_.error();
    if (options_.api_key().empty()) {
      return error{errc::configuration,
                   "no API key: set options::api_key(...) or the KLING_API_KEY environment variable"};
    }
    request.origin = base_->origin();
    request.path = base_->path + request.path;
    set_header(request.headers, "Authorization", "Bearer " + options_.api_key());
    set_header(request.headers, "Accept", "application/json");
    for (const auto &h : options_.headers())
      set_header(request.headers, h.first, h.second);
    return request;
  }

  // Caps the answer of a prepared request at options::max_response_bytes
  // (see transport/streaming.hpp); every driver passes the transport's
  // answer through the limit's finish before reading it.
  body_limit limit_body(http_request &prepared) const {
    return body_limit::attach(prepared, options_.max_response_bytes());
  }

  // Prepares and sends one request, and reports the exchange to the observer.
  result<http_response> send(http_request request) {
    check_blocking_transport<Transport>();
    if constexpr (has_send_v<Transport>) {
      auto prepared = prepare(std::move(request));
      if (!prepared) return std::move(prepared).error();
      const body_limit limit = limit_body(*prepared);
      const auto started = options_.time().now();
      auto answer = scrub(limit.finish(transport_.send(*prepared)));
      observe(*prepared, answer, options_.time().now() - started);
      return answer;
    } else {
      return error{errc::configuration, "no blocking send"}; // not reached: the build fails above
    }
  }

  // Sends one request and reads its answer with read(const http_response&)
  // -> result<T>, without retries. A request that could not be built (a
  // broken rule) is returned as it is, unsent.
  template <class Read>
  auto call(result<http_request> request, Read read) {
    using R = decltype(read(std::declval<const http_response &>()));
    if (!request) return scrub(R(std::move(request).error()));
    return scrub(send(std::move(*request)).and_then(read));
  }

  // Reports an exchange made by any driver (blocking or asynchronous).
  // The key is redacted from both sides: a server may echo it in an answer.
  void observe(const http_request &request, const result<http_response> &answer,
               protocol::time_point::duration elapsed) const {
    if (!options_.observer()) return;
    const std::string &key = options_.api_key();
    http_request shown = request;
    shown.origin = redact(std::move(shown.origin), key);
    shown.path = redact(std::move(shown.path), key);
    for (auto &q : shown.query)
      q.second = redact(std::move(q.second), key);
    for (auto &h : shown.headers)
      h.second = redact(std::move(h.second), key);
    shown.body = redact(std::move(shown.body), key);
    result<http_response> answered = scrub(answer);
    if (answered) {
      for (auto &h : answered->headers)
        h.second = redact(std::move(h.second), key);
      answered->body = redact(std::move(answered->body), key);
    }
    options_.observer()(
        exchange_record{shown, answered, std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)});
  }

  // Removes the API key from an error's texts, should a server or a
  // transport ever echo it.
  template <class T>
  result<T> scrub(result<T> r) const {
    if (r) return r;
    error &e = r.error();
    const std::string &key = options_.api_key();
    // Every text of the error: the server chose the request id and the code too.
    for (std::string *text : {&e.message, &e.body_excerpt, &e.request_id, &e.provider_code})
      *text = redact(std::move(*text), key);
    for (auto &v : e.violations) {
      v.field = redact(std::move(v.field), key);
      v.message = redact(std::move(v.message), key);
    }
    return r;
  }

  // Seeds for retry jitter; fixed by retry_policy::jitter_seed, random otherwise.
  std::uint64_t next_random() { return next(jitter_state_); }

  // "kling-cpp-" and 24 hex digits from a generator of their own (random
  // unless options::external_task_id_seed fixes it): unique enough per user
  // that two creates never share one by chance.
  std::string new_external_task_id() {
    // Two statements: the order of function arguments is unspecified, and
    // a fixed seed must give the same id with every compiler.
    const auto high = static_cast<unsigned long long>(next(id_state_));
    const auto low = static_cast<unsigned long long>(next(id_state_) & 0xFFFFFFFFull);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "kling-cpp-%016llx%08llx", high, low);
    return buffer;
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
      return error{errc::configuration, "base URL uses plain http to " + parsed->host +
                                            ": the API key would travel unencrypted. Use https, or "
                                            "options::allow_insecure_http(true) if you really mean it"};
    }
    while (!parsed->path.empty() && parsed->path.back() == '/')
      parsed->path.pop_back();
    return parsed;
  }

  static std::uint64_t entropy() {
    std::random_device device;
    return (std::uint64_t{device()} << 32 | device()) | 1;
  }

  std::uint64_t next(std::uint64_t &state) {
    std::lock_guard<std::mutex> lock(random_mutex_);
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull); // splitmix64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  kling::options options_;
  Transport transport_;
  result<void> settings_;
  result<url> base_;
  std::mutex random_mutex_;
  std::uint64_t jitter_state_;
  std::uint64_t id_state_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SESSION_HPP
