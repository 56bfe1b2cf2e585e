// run_async: the asynchronous driver of the protocol machines. Requests go
// out through the transport's async_send; waits go to the caller's
// scheduler; nothing blocks and no thread is started. Every event of one
// operation (a completion, a timer, a cancellation) is handled one at a
// time, on the scheduler's executor when it has one, else where the event
// arrives: the machine, the observer, progress reports and the final
// callback (called exactly once) all run there. A call's cancellation token
// is checked at every event, and a sleep is taken in slices of at most
// cancel_check_interval while the token can fire.
//
// Thread safety: an async_operation may be cancelled from any thread.
#ifndef KLING_CLIENT_ASYNC_HPP
#define KLING_CLIENT_ASYNC_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "kling/client/blocking.hpp"
#include "kling/client/session.hpp"
#include "kling/core/boxed.hpp"
#include "kling/core/cancel.hpp"

KLING_NAMESPACE_BEGIN

namespace async_detail {
struct control {
  detail::shared_flag finished = detail::shared_flag::make();
  std::function<void()> cancel; // asks the operation to stop
};

KLING_LAZY error no_scheduler();
} // namespace async_detail

// A running asynchronous call.
class async_operation {
public:
  async_operation() = default;
  KLING_LAZY explicit async_operation(std::shared_ptr<async_detail::control> c);

  // Ends the call soon with errc::cancelled (unless it has already finished).
  KLING_LAZY void cancel() const;
  KLING_LAZY bool done() const;

private:
  std::shared_ptr<async_detail::control> control_;
};

// How often an async call that sleeps looks at its cancellation token.
inline constexpr std::chrono::milliseconds cancel_check_interval{250};

namespace async_detail {

template <class Machine, class T>
class runner : public std::enable_shared_from_this<runner<Machine, T>> {
  using session_type = session_core_for<Machine>;

public:
  runner(std::shared_ptr<session_type> s, Machine m, call_options call, driver_hooks<Machine> hooks,
         std::function<void(result<T>)> done)
      : session_(std::move(s)), machine_(std::move(m)), call_(std::move(call)), hooks_(std::move(hooks)),
        done_(std::move(done)), control_(std::make_shared<control>()) {}

  async_operation start() {
    std::weak_ptr<runner> weak = this->shared_from_this();
    control_->cancel = [weak] {
      if (auto self = weak.lock()) self->post(event{event::cancel, {}});
    };
    post(event{event::step, {}});
    return async_operation(control_);
  }

private:
  struct event {
    enum kind_t { step, response, wake, cancel, watch } kind;
    boxed<result<http_response>> answer; // only a response carries one
    std::uint64_t exchange = 0;          // for watch: which request it watches
  };

  const scheduler &clock() const { return session_->options().scheduler(); }

  // Every event goes through here: to the executor if there is one, then into the queue.
  void post(event e) {
    auto self = this->shared_from_this();
    auto deliver = [self, e = std::move(e)]() mutable { self->enqueue(std::move(e)); };
    if (clock().post)
      clock().post(std::move(deliver));
    else
      deliver();
  }

  void enqueue(event e) {
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      queue_.push_back(std::move(e));
      if (pumping_) return; // the thread that is pumping takes it next
      pumping_ = true;
    }
    pump();
  }

  // Takes what has been queued a batch at a time, in order; what handling
  // queues goes after the batch, as it would in a deque.
  void pump() {
    std::vector<event> batch;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        if (queue_.empty()) {
          pumping_ = false;
          return;
        }
        batch.swap(queue_);
      }
      for (event &e : batch)
        handle(std::move(e));
      batch.clear();
    }
  }

  void handle(event e) {
    if (control_->finished.is_set()) return;
    std::unique_lock<std::mutex> lock(machine_mutex_);
    const auto now = clock().now();
    switch (e.kind) {
    case event::response: {
      in_flight_ = false;
      abandon_ = nullptr;
      auto answer = session_->close(*exchange_, std::move(*e.answer));
      exchange_.reset();
      machine_.on_response(std::move(answer), now);
      if (hooks_.after_response) hooks_.after_response(machine_, now);
      break;
    }
    case event::wake: {
      if (--timers_ > 0 || in_flight_) return; // a stale timer (the operation moved on)
      const protocol::step due = machine_.next();
      // A slice of a longer sleep (to look at the token) ends early: sleep on.
      if (!(due.kind == protocol::step_kind::sleep && now < due.wake_at)) machine_.on_wake(now);
      break;
    }
    case event::cancel: machine_.stop(cancelled_by_caller()); break;
    case event::watch:
      if (!in_flight_ || e.exchange != exchanges_) return; // the request it watched has answered
      if (!call_.cancel.cancelled()) {
        lock.unlock();
        watch(e.exchange);
        return;
      }
      break; // stopped below; the done step gives up the request in flight
    case event::step: break;
    }
    if (!machine_.done() && call_.cancel.cancelled()) machine_.stop(cancelled_by_caller());
    if (!machine_.done() && (in_flight_ || timers_ > 0)) return; // still waiting for what was started
    protocol::step next = machine_.next();
    switch (next.kind) {
    case protocol::step_kind::done: {
      auto outcome = session_->scrub(machine_.take_result());
      control_->finished.set();
      // Ended with a request still out (cancelled): the transport may free it
      // now. Exchanged, not moved: a moved-from std::function may keep its
      // target (libc++), and that target may hold this operation alive.
      abandon_request abandon = std::exchange(abandon_, nullptr);
      const bool abandon_it = in_flight_;
      lock.unlock();
      if (abandon && abandon_it) abandon();
      auto done = std::move(done_);
      done(std::move(outcome));
      return;
    }
    case protocol::step_kind::sleep: {
      // Rounded up: a timer that fires a fraction of a millisecond early would only be set again.
      auto delay = std::chrono::ceil<std::chrono::milliseconds>(next.wake_at - now);
      if (call_.cancel.can_be_cancelled()) delay = std::min(delay, cancel_check_interval);
      ++timers_;
      auto self = this->shared_from_this(); // the timer keeps the operation alive while it sleeps
      lock.unlock();
      clock().after(delay.count() > 0 ? delay : std::chrono::milliseconds(0), [self] {
        self->post(event{event::wake, {}});
      });
      return;
    }
    case protocol::step_kind::send: {
      auto opened = session_->open(std::move(next.request), call_);
      if (!opened) {
        machine_.on_response(std::move(opened).error(), now);
        lock.unlock();
        post(event{event::step, {}});
        return;
      }
      in_flight_ = true;
      const std::uint64_t sent = ++exchanges_;
      exchange_ = std::make_shared<typename session_type::exchange>(std::move(*opened));
      auto x = exchange_; // kept until the transport completes, whatever the call does meanwhile
      lock.unlock();
      auto self = this->shared_from_this();
      auto abandon = session_->send_async(*x, [self, x](result<http_response> answer) {
        self->post(event{event::response, std::move(answer)});
      });
      // No other event is handled before this returns (this thread is pumping;
      // a completion that already ran only queued its answer), so the request
      // is still the one in flight.
      lock.lock();
      abandon_ = std::move(abandon);
      lock.unlock();
      if (call_.cancel.can_be_cancelled()) watch(sent);
      return;
    }
    }
  }

  // While a request is out, looks at the call's token every
  // cancel_check_interval: a cancelled call gives up its request at once.
  void watch(std::uint64_t exchange) {
    auto self = this->shared_from_this();
    clock().after(cancel_check_interval, [self, exchange] { self->post(event{event::watch, {}, exchange}); });
  }

  std::shared_ptr<session_type> session_;
  Machine machine_;
  call_options call_;
  driver_hooks<Machine> hooks_;
  std::shared_ptr<typename session_type::exchange> exchange_; // the one in flight
  std::function<void(result<T>)> done_;
  std::shared_ptr<control> control_;
  std::mutex machine_mutex_;
  std::mutex queue_mutex_;
  std::vector<event> queue_; // filled by post, emptied by pump
  bool pumping_ = false;
  bool in_flight_ = false;
  std::uint64_t exchanges_ = 0; // requests sent so far
  abandon_request abandon_;     // gives up the request in flight, when the transport can
  int timers_ = 0;
};

} // namespace async_detail

// Starts machine on the session's async transport and scheduler; done is
// called exactly once with the outcome. Without a scheduler in the options,
// done is called at once with a configuration error.
template <class T, class Machine>
async_operation run_async(std::shared_ptr<session_core> s, Machine machine, call_options call,
                          std::function<void(result<T>)> done, driver_hooks<Machine> hooks = {}) {
  if (!s->options().scheduler()) {
    done(async_detail::no_scheduler());
    return async_operation();
  }
  auto r = std::make_shared<async_detail::runner<Machine, T>>(
      std::move(s), std::move(machine), std::move(call), std::move(hooks), std::move(done));
  return r->start();
}

// A machine that could not be built ends the call at once with its error.
template <class T, class Machine>
async_operation run_async(std::shared_ptr<session_core> s, result<Machine> machine, call_options call,
                          std::function<void(result<T>)> done, driver_hooks<Machine> hooks = {}) {
  if (!machine) {
    done(s->scrub(result<T>(std::move(machine).error())));
    return async_operation();
  }
  return run_async<T>(std::move(s), std::move(*machine), std::move(call), std::move(done), std::move(hooks));
}

// Either of the above over a session that knows its transport: the build
// fails here, with a message that says why, when the transport cannot send
// asynchronously.
template <class T, class Transport, class Machine, class... Hooks>
async_operation run_async(std::shared_ptr<session<Transport>> s, Machine &&machine, call_options call,
                          std::function<void(result<T>)> done, Hooks &&...hooks) {
  check_async_transport<Transport>();
  return run_async<T>(std::shared_ptr<session_core>(std::move(s)), std::forward<Machine>(machine),
                      std::move(call), std::move(done), std::forward<Hooks>(hooks)...);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ASYNC_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_ASYNC_IPP)
#define KLING_CLIENT_ASYNC_IPP

KLING_NAMESPACE_BEGIN

namespace async_detail {

KLING_LAZY_DEF error no_scheduler() {
  return error{errc::configuration,
               "asynchronous calls need a scheduler: options::scheduler(kling::make_scheduler(your_loop))"};
}

} // namespace async_detail

KLING_LAZY_DEF async_operation::async_operation(std::shared_ptr<async_detail::control> c)
    : control_(std::move(c)) {}

KLING_LAZY_DEF void async_operation::cancel() const {
  if (control_ && control_->cancel && !control_->finished.is_set()) control_->cancel();
}

KLING_LAZY_DEF bool async_operation::done() const { return !control_ || control_->finished.is_set(); }

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ASYNC_IPP
