// The fake gateway on loopback, started for one test, and client options
// that keep its behaviour but take milliseconds instead of seconds. Shared
// by the suites that talk to it over real sockets (e2e, the curl transports).
#ifndef KLING_TESTS_SUPPORT_LOOPBACK_GATEWAY_HPP
#define KLING_TESTS_SUPPORT_LOOPBACK_GATEWAY_HPP

#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <chrono>
#include <utility>

#include "catch.hpp"

namespace kling_test {

// Fast polls and short backoffs: the same behaviour, in milliseconds.
inline kling::options fast_options(const kling::testing::fake_gateway &gateway) {
  using namespace std::chrono_literals;
  kling::protocol::wait_options wait;
  wait.first_interval = 20ms;
  wait.max_interval = 50ms;
  wait.timeout = 30s;
  kling::protocol::retry_policy retry;
  retry.initial_backoff = 10ms;
  retry.max_backoff = 50ms;
  retry.max_retry_after = 50ms;
  retry.lookup_window = 300ms; // a create that truly failed is sent again soon
  return kling::options{}
      .base_url(gateway.base_url())
      .api_key(gateway.api_key())
      .request_timeout(5s)
      .wait(wait)
      .retry(retry);
}

// A fake gateway that is serving when the test body starts.
struct started_gateway {
  kling::testing::fake_gateway gateway;
  explicit started_gateway(kling::testing::fake_gateway_options o = {}) : gateway(std::move(o)) {
    REQUIRE(gateway.start());
  }
};

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_LOOPBACK_GATEWAY_HPP
