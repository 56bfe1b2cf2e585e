// virtual_clock: time that moves only when told to. Give its time_source to
// a client and blocking waits of minutes run at once: sleeping just moves
// the clock forward. Tests read how much time a call "took".
//
//   kling::testing::virtual_clock clock;
//   kling::basic_client<kling::testing::mock_transport> fake{kling::options{}...time(clock.source())};
//   auto done = fake.videos().wait("task_1");     // returns immediately
//   CHECK(clock.elapsed() >= std::chrono::seconds(3));
//
// Thread safety: all members may be called concurrently; copies share one time.
#ifndef KLING_TESTING_VIRTUAL_CLOCK_HPP
#define KLING_TESTING_VIRTUAL_CLOCK_HPP

#include <chrono>
#include <memory>
#include <mutex>

#include "kling/client/time_source.hpp"

KLING_NAMESPACE_BEGIN

namespace testing {

class virtual_clock {
public:
  // Starts at a fixed, arbitrary instant: 2025-01-13T10:00:00Z on the calendar.
  virtual_clock() : state_(std::make_shared<state>()) {}

  protocol::time_point now() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->steady;
  }
  timestamp wall_now() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->wall;
  }
  // Time moved since the clock was made.
  std::chrono::milliseconds elapsed() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return std::chrono::duration_cast<std::chrono::milliseconds>(state_->steady - protocol::time_point{});
  }

  void advance(std::chrono::microseconds by) {
    if (by.count() <= 0) return;
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->steady += by;
    state_->wall += by;
  }
  void advance_to(protocol::time_point t) {
    advance(std::chrono::duration_cast<std::chrono::microseconds>(t - now()));
  }

  // A time_source whose sleep moves this clock to the wake-up time.
  time_source source() const {
    time_source t;
    auto self = *this;
    t.now = [self] { return self.now(); };
    t.wall_now = [self] { return self.wall_now(); };
    t.sleep_until = [self](protocol::time_point until, const cancellation_token &) mutable {
      self.advance_to(until);
    };
    return t;
  }

private:
  struct state {
    std::mutex mutex;
    protocol::time_point steady{};
    timestamp wall{std::chrono::seconds(1736762400)};
  };
  std::shared_ptr<state> state_;
};

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_VIRTUAL_CLOCK_HPP
