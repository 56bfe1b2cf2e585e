// time_source: where the blocking client gets the time and how it sleeps.
// The real clocks by default; tests give a virtual clock whose sleep only
// moves time forward, so waits of minutes run in microseconds.
//
// Thread safety: the default is; a custom one is what its functions are.
#ifndef KLING_CLIENT_TIME_SOURCE_HPP
#define KLING_CLIENT_TIME_SOURCE_HPP

#include <algorithm>
#include <chrono>
#include <functional>

#include "kling/core/cancel.hpp"
#include "kling/core/time.hpp"
#include "kling/protocol/machine.hpp"

KLING_NAMESPACE_BEGIN

struct time_source {
  // Monotonic time for scheduling polls, retries and deadlines.
  std::function<protocol::time_point()> now;
  // Calendar time for saved handles and URL expiry.
  std::function<timestamp()> wall_now;
  // Returns at `until` or soon after the token is cancelled.
  std::function<void(protocol::time_point until, const cancellation_token &)> sleep_until;

  KLING_LAZY static time_source system();

  // Calendar time to monotonic time (resumed handles) and back (saved
  // handles), given both clocks' "now". Distances are capped at 100 years,
  // so a hostile saved time cannot overflow the clock's representation.
  KLING_LAZY static protocol::time_point wall_to_steady(timestamp t, protocol::time_point now,
                                                        timestamp wall_now);
  KLING_LAZY static timestamp steady_to_wall(protocol::time_point t, protocol::time_point now,
                                             timestamp wall_now);

private:
  KLING_LAZY static std::chrono::microseconds capped(std::chrono::microseconds d);
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_TIME_SOURCE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_TIME_SOURCE_IPP)
#define KLING_CLIENT_TIME_SOURCE_IPP

#include <thread>

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF time_source time_source::system() {
  time_source t;
  t.now = [] { return protocol::clock::now(); };
  t.wall_now = [] {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  };
  t.sleep_until = [](protocol::time_point until, const cancellation_token &token) {
    // In short slices, so a cancellation is noticed quickly.
    constexpr auto slice = std::chrono::milliseconds(20);
    for (auto now = protocol::clock::now(); now < until && !token.cancelled(); now = protocol::clock::now()) {
      std::this_thread::sleep_for(std::min<protocol::clock::duration>(slice, until - now));
    }
  };
  return t;
}

KLING_LAZY_DEF protocol::time_point time_source::wall_to_steady(timestamp t, protocol::time_point now,
                                                                timestamp wall_now) {
  return now + std::chrono::duration_cast<protocol::clock::duration>(capped(t - wall_now));
}

KLING_LAZY_DEF timestamp time_source::steady_to_wall(protocol::time_point t, protocol::time_point now,
                                                     timestamp wall_now) {
  return wall_now + capped(std::chrono::duration_cast<std::chrono::microseconds>(t - now));
}

KLING_LAZY_DEF std::chrono::microseconds time_source::capped(std::chrono::microseconds d) {
  constexpr std::chrono::microseconds limit = std::chrono::hours(24 * 365 * 100);
  return d > limit ? limit : d < -limit ? -limit : d;
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_TIME_SOURCE_IPP
