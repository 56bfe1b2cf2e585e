// options: everything a client needs to reach the gateway, as plain setters
// with sensible defaults.
//
//   kling::client client{kling::options{}.base_url(url).api_key(key)};
//
// The API key is kept here and put only into the Authorization header; the
// library never prints it.
//
// Thread safety: a plain value.
#ifndef KLING_CLIENT_OPTIONS_HPP
#define KLING_CLIENT_OPTIONS_HPP

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>

#include "kling/client/scheduler.hpp"
#include "kling/client/settings.hpp"
#include "kling/client/time_source.hpp"
#include "kling/core/boxed.hpp"
#include "kling/core/result.hpp"
#include "kling/protocol/retry.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/transport/http.hpp"
#include "kling/transport/network_settings.hpp"

KLING_NAMESPACE_BEGIN

// One HTTP exchange as it happened, for logs (`kling --verbose`): the
// request with its Authorization header already redacted.
struct exchange_record {
  const http_request &request;
  const result<http_response> &response;
  std::chrono::milliseconds elapsed;
};

class options {
public:
  // "https://gateway.example.com" or with a path prefix "https://example.com/kling".
  KLING_LAZY options &base_url(std::string url);
  const std::string &base_url() const { return base_url_; }

  KLING_LAZY options &api_key(std::string key);
  const std::string &api_key() const { return api_key_; }

  // Per HTTP request (default 60 s); waiting for a task has its own deadline.
  KLING_LAZY options &request_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds request_timeout() const { return request_timeout_; }

  KLING_LAZY options &connect_timeout(std::chrono::milliseconds timeout);

  // Sent with every request; set last, so it may replace a default header.
  KLING_LAZY options &header(std::string name, std::string value);
  const http_headers &headers() const { return headers_; }

  // The largest answer read whole (every answer but a download's, which has
  // download_settings::max_bytes): a larger one is an error of kind parse,
  // and the transfer stops when the limit is reached. Default 32 MiB.
  KLING_LAZY options &max_response_bytes(std::uint64_t bytes);
  std::uint64_t max_response_bytes() const { return max_response_bytes_; }

  // Plain http is refused for hosts other than loopback unless allowed here:
  // the API key would cross the network in clear text.
  KLING_LAZY options &allow_insecure_http(bool allow);
  bool allow_insecure_http() const { return allow_insecure_http_; }

  KLING_LAZY options &ca_file(std::string path);
  KLING_LAZY options &ca_path(std::string directory);
  KLING_LAZY options &proxy(std::string host, int port, std::string username = {}, std::string password = {});
  KLING_LAZY options &network(network_settings settings);
  const network_settings &network() const { return network_; }

  // Requests are checked against the gateway's rules before sending (on by
  // default). Turn off only to send what this version of the library does
  // not know is now allowed; the gateway then judges alone.
  KLING_LAZY options &validate_requests(bool on);
  bool validate_requests() const { return validate_requests_; }

  // Which failures are retried and how long to wait (see protocol/retry.hpp).
  KLING_LAZY options &retry(protocol::retry_policy policy);
  const protocol::retry_policy &retry() const { return retry_; }

  // How waits poll by default: 3 s first, growing to 10 s, for 15 minutes.
  KLING_LAZY options &wait(protocol::wait_options w);
  const protocol::wait_options &wait() const { return wait_; }

  // A create without external_task_id gets a generated one, so that a create
  // whose answer was lost can be looked up instead of paid for twice. Turn
  // off to send requests exactly as given (ambiguous failures then end the call).
  KLING_LAZY options &generate_external_task_ids(bool on);
  bool generate_external_task_ids() const { return generate_ids_; }

  // For recorded tests only: generated external_task_ids repeat from run to
  // run, so a replayed create matches its cassette. Never in production: two
  // clients with one seed would send the same id, and the gateway would take
  // the second create for the first. 0 (the default): random ids.
  KLING_LAZY options &external_task_id_seed(std::uint64_t seed);
  std::uint64_t external_task_id_seed() const { return id_seed_; }

  // The clocks and sleep of blocking calls; tests pass a virtual clock.
  // Unless set, time_source::system().
  KLING_LAZY options &time(time_source t);
  KLING_LAZY const time_source &time() const;

  // How asynchronous calls wait (see client/scheduler.hpp); they need one.
  KLING_LAZY options &scheduler(kling::scheduler s);
  const kling::scheduler &scheduler() const { return scheduler_; }

  // Called after every HTTP exchange, the key redacted, where the call's
  // driver runs: the caller's thread for a blocking call, the scheduler's
  // executor for an async one (where its events are handled), inside tick()
  // for the tracker.
  KLING_LAZY options &observe(std::function<void(const exchange_record &)> observer);
  const std::function<void(const exchange_record &)> &observer() const { return observer_; }

  // Base URL and key from KLING_BASE_URL and KLING_API_KEY, when set.
  KLING_LAZY static options from_environment();

  // A configuration error naming the first setting that cannot work (a
  // negative or zero timeout, a NaN interval growth, a key with a line
  // break...). Setters store what they are given; a client checks its
  // options when built, and every call it makes returns this error.
  KLING_LAZY result<void> check() const;

private:
  std::string base_url_;
  std::string api_key_;
  std::chrono::milliseconds request_timeout_{std::chrono::seconds(60)};
  http_headers headers_;
  std::uint64_t max_response_bytes_ = std::uint64_t{32} << 20;
  bool allow_insecure_http_ = false;
  bool validate_requests_ = true;
  bool generate_ids_ = true;
  std::uint64_t id_seed_ = 0;
  network_settings network_;
  protocol::retry_policy retry_;
  protocol::wait_options wait_;
  // Empty for the system's clocks: a default member initializer calling
  // time_source::system() would compile its body in every file.
  boxed<time_source> time_;
  kling::scheduler scheduler_;
  std::function<void(const exchange_record &)> observer_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_OPTIONS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_OPTIONS_IPP)
#define KLING_CLIENT_OPTIONS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF options &options::base_url(std::string url) {
  base_url_ = std::move(url);
  return *this;
}

KLING_LAZY_DEF options &options::api_key(std::string key) {
  api_key_ = std::move(key);
  return *this;
}

KLING_LAZY_DEF options &options::request_timeout(std::chrono::milliseconds timeout) {
  request_timeout_ = timeout;
  return *this;
}

KLING_LAZY_DEF options &options::connect_timeout(std::chrono::milliseconds timeout) {
  network_.connect_timeout = timeout;
  return *this;
}

KLING_LAZY_DEF options &options::header(std::string name, std::string value) {
  set_header(headers_, std::move(name), std::move(value));
  return *this;
}

KLING_LAZY_DEF options &options::max_response_bytes(std::uint64_t bytes) {
  max_response_bytes_ = bytes;
  return *this;
}

KLING_LAZY_DEF options &options::allow_insecure_http(bool allow) {
  allow_insecure_http_ = allow;
  return *this;
}

KLING_LAZY_DEF options &options::ca_file(std::string path) {
  network_.ca_file = std::move(path);
  return *this;
}

KLING_LAZY_DEF options &options::ca_path(std::string directory) {
  network_.ca_path = std::move(directory);
  return *this;
}

KLING_LAZY_DEF options &options::proxy(std::string host, int port, std::string username,
                                       std::string password) {
  network_.proxy = proxy_settings{std::move(host), port, std::move(username), std::move(password)};
  return *this;
}

KLING_LAZY_DEF options &options::network(network_settings settings) {
  network_ = std::move(settings);
  return *this;
}

KLING_LAZY_DEF options &options::validate_requests(bool on) {
  validate_requests_ = on;
  return *this;
}

KLING_LAZY_DEF options &options::retry(protocol::retry_policy policy) {
  retry_ = policy;
  return *this;
}

KLING_LAZY_DEF options &options::wait(protocol::wait_options w) {
  wait_ = w;
  return *this;
}

KLING_LAZY_DEF options &options::generate_external_task_ids(bool on) {
  generate_ids_ = on;
  return *this;
}

KLING_LAZY_DEF options &options::external_task_id_seed(std::uint64_t seed) {
  id_seed_ = seed;
  return *this;
}

KLING_LAZY_DEF options &options::time(time_source t) {
  time_ = std::move(t);
  return *this;
}

KLING_LAZY_DEF const time_source &options::time() const {
  if (time_) return *time_;
  static const time_source system = time_source::system();
  return system;
}

KLING_LAZY_DEF options &options::scheduler(kling::scheduler s) {
  scheduler_ = std::move(s);
  return *this;
}

KLING_LAZY_DEF options &options::observe(std::function<void(const exchange_record &)> observer) {
  observer_ = std::move(observer);
  return *this;
}

KLING_LAZY_DEF options options::from_environment() {
  options o;
  if (const char *url = std::getenv("KLING_BASE_URL")) o.base_url(url);
  if (const char *key = std::getenv("KLING_API_KEY")) o.api_key(key);
  return o;
}

KLING_LAZY_DEF result<void> options::check() const {
  using protocol::setting_checks::bad_setting;
  using protocol::setting_checks::check_duration;
  if (!is_header_value(api_key_)) {
    return bad_setting("options::api_key", "contains a line break, NUL or other control character");
  }
  if (auto checked = check_headers(headers_, "options::header"); !checked) return checked;
  if (max_response_bytes_ == 0) return bad_setting("options::max_response_bytes", "must be positive");
  return check_duration("options::request_timeout", request_timeout_, false)
      .and_then([&] { return check_duration("options::connect_timeout", network_.connect_timeout, false); })
      .and_then([&] { return protocol::check_retry_policy(retry_); })
      .and_then([&] { return protocol::check_wait_options(wait_); });
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_OPTIONS_IPP
