// manual_scheduler: a scheduler whose time moves only when the test says so.
// Delayed functions run from run_due(), in order of their due time, on the
// caller's thread; posted ones run from run_due() too, before timers.
//
//   kling::testing::manual_scheduler loop;
//   auto options = kling::options{}...scheduler(kling::make_scheduler(loop));
//   client.videos().wait_async("t1", {}, [&](kling::result<kling::task> t) { ... });
//   loop.run_until_idle();          // runs every step, moving time as needed
//
// Thread safety: after and post may be called from any thread; run_due and
// advance from one thread.
#ifndef KLING_TESTING_MANUAL_SCHEDULER_HPP
#define KLING_TESTING_MANUAL_SCHEDULER_HPP

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "kling/client/scheduler.hpp"

KLING_NAMESPACE_BEGIN

namespace testing {

class manual_scheduler {
public:
  protocol::time_point now() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    timers_.emplace(now_ + delay, std::move(fn));
  }
  void post(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back(std::move(fn));
  }

  // Runs what is posted and every timer due by now; returns how many ran.
  std::size_t run_due() {
    std::size_t ran = 0;
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!posted_.empty()) {
          fn = std::move(posted_.front());
          posted_.pop_front();
        } else if (!timers_.empty() && timers_.begin()->first <= now_) {
          fn = std::move(timers_.begin()->second);
          timers_.erase(timers_.begin());
        } else {
          return ran;
        }
      }
      fn();
      ++ran;
    }
  }

  void advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += by;
  }

  // Runs everything, jumping time to each next timer, until nothing is left
  // (or `limit` steps ran: a guard against work that never ends).
  std::size_t run_until_idle(std::size_t limit = 100000) {
    std::size_t ran = 0;
    while (ran < limit) {
      ran += run_due();
      std::lock_guard<std::mutex> lock(mutex_);
      if (!posted_.empty()) continue;
      if (timers_.empty()) break;
      if (timers_.begin()->first > now_) now_ = timers_.begin()->first;
    }
    return ran;
  }

  std::size_t pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return posted_.size() + timers_.size();
  }

private:
  mutable std::mutex mutex_;
  protocol::time_point now_{};
  std::multimap<protocol::time_point, std::function<void()>> timers_;
  std::deque<std::function<void()>> posted_;
};

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_MANUAL_SCHEDULER_HPP
