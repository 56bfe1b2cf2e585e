// run_async: the asynchronous driver of the protocol machines. Requests go
// out through the transport's async_send; waits go to the caller's
// scheduler; nothing blocks and no thread is started. Every event of one
// operation (a completion, a timer, a cancellation) is handled one at a
// time, on the scheduler's executor when it has one, else where the event
// arrives; the final callback is called exactly once.
//
// Thread safety: an async_operation may be cancelled from any thread.
#ifndef KLING_CLIENT_ASYNC_HPP
#define KLING_CLIENT_ASYNC_HPP

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "kling/client/session.hpp"
#include "kling/core/cancel.hpp"

KLING_NAMESPACE_BEGIN

namespace async_detail {
struct control {
  std::atomic<bool> finished{false};
  std::function<void()> cancel; // asks the operation to stop
};

inline error no_scheduler() {
  return error{errc::configuration,
               "asynchronous calls need a scheduler: options::scheduler(kling::make_scheduler(your_loop))"};
}
} // namespace async_detail

// A running asynchronous call.
class async_operation {
public:
  async_operation() = default;
  explicit async_operation(std::shared_ptr<async_detail::control> c) : control_(std::move(c)) {}

  // Ends the call soon with errc::cancelled (unless it has already finished).
  void cancel() const {
    if (control_ && control_->cancel && !control_->finished) control_->cancel();
  }
  bool done() const { return !control_ || control_->finished; }

private:
  std::shared_ptr<async_detail::control> control_;
};

// Hooks around each exchange, as for the blocking driver; they run with the
// operation's lock held, on whatever thread handles the event.
struct async_hooks {
  std::function<void(http_request &)> before_send;
  std::function<void()> after_response;
};

namespace async_detail {

template <class Transport, class Machine, class T>
class runner : public std::enable_shared_from_this<runner<Transport, Machine, T>> {
public:
  runner(std::shared_ptr<session<Transport>> s, Machine m, cancellation_token token, async_hooks hooks,
         std::function<void(result<T>)> done)
      : session_(std::move(s)), machine_(std::move(m)), token_(std::move(token)), hooks_(std::move(hooks)),
        done_(std::move(done)), control_(std::make_shared<control>()) {}

  async_operation start() {
    std::weak_ptr<runner> weak = this->shared_from_this();
    control_->cancel = [weak] {
      if (auto self = weak.lock()) self->post(event{event::cancel, {}});
    };
    post(event{event::step, {}});
    return async_operation(control_);
  }

  // Machine access for streaming receivers (downloads), which run on the transport's thread.
  template <class F>
  auto with_machine(F f) {
    std::lock_guard<std::mutex> lock(machine_mutex_);
    return f(machine_);
  }

private:
  struct event {
    enum kind_t { step, response, wake, cancel } kind;
    std::optional<result<http_response>> answer;
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

  void pump() {
    for (;;) {
      event e;
      {
        std::lock_guard<std::mutex> lock(queue_mutex_);
        if (queue_.empty()) {
          pumping_ = false;
          return;
        }
        e = std::move(queue_.front());
        queue_.pop_front();
      }
      handle(std::move(e));
    }
  }

  void handle(event e) {
    if (control_->finished) return;
    std::unique_lock<std::mutex> lock(machine_mutex_);
    const auto now = clock().now();
    switch (e.kind) {
    case event::response:
      in_flight_ = false;
      abandon_ = nullptr;
      machine_.on_response(std::move(*e.answer), now);
      if (hooks_.after_response) hooks_.after_response();
      break;
    case event::wake:
      if (--timers_ > 0 || in_flight_) return; // a stale timer (the operation moved on)
      machine_.on_wake(now);
      break;
    case event::cancel: machine_.stop(error{errc::cancelled, "cancelled by the caller"}); break;
    case event::step: break;
    }
    if (!machine_.done() && token_.cancelled())
      machine_.stop(error{errc::cancelled, "cancelled by the caller"});
    if (!machine_.done() && (in_flight_ || timers_ > 0)) return; // still waiting for what was started
    protocol::step next = machine_.next();
    switch (next.kind) {
    case protocol::step_kind::done: {
      auto outcome = session_->scrub(machine_.take_result());
      control_->finished = true;
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
      const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(next.wake_at - now);
      ++timers_;
      auto self = this->shared_from_this(); // the timer keeps the operation alive while it sleeps
      lock.unlock();
      clock().after(delay.count() > 0 ? delay : std::chrono::milliseconds(0), [self] {
        self->post(event{event::wake, {}});
      });
      return;
    }
    case protocol::step_kind::send: {
      if (hooks_.before_send) hooks_.before_send(next.request);
      auto prepared = session_->prepare(std::move(next.request));
      if (!prepared) {
        machine_.on_response(std::move(prepared).error(), now);
        lock.unlock();
        post(event{event::step, {}});
        return;
      }
      in_flight_ = true;
      lock.unlock();
      auto self = this->shared_from_this();
      const body_limit limit = session_->limit_body(*prepared);
      auto request = std::make_shared<http_request>(std::move(*prepared));
      auto abandon = kling::start_exchange(
          session_->transport(), *request, [self, request, limit, now](result<http_response> answer) {
            answer = limit.finish(std::move(answer));
            self->session_->observe(*request, answer, self->clock().now() - now);
            self->post(event{event::response, self->session_->scrub(std::move(answer))});
          });
      // No other event is handled before this returns (this thread is pumping;
      // a completion that already ran only queued its answer), so the request
      // is still the one in flight.
      lock.lock();
      abandon_ = std::move(abandon);
      return;
    }
    }
  }

  std::shared_ptr<session<Transport>> session_;
  Machine machine_;
  cancellation_token token_;
  async_hooks hooks_;
  std::function<void(result<T>)> done_;
  std::shared_ptr<control> control_;
  std::mutex machine_mutex_;
  std::mutex queue_mutex_;
  std::deque<event> queue_;
  bool pumping_ = false;
  bool in_flight_ = false;
  abandon_request abandon_; // gives up the request in flight, when the transport can
  int timers_ = 0;
};

} // namespace async_detail

// Starts machine on the session's async transport and scheduler; done is
// called exactly once with the outcome. Without a scheduler in the options,
// done is called at once with a configuration error.
template <class T, class Transport, class Machine>
async_operation run_async(std::shared_ptr<session<Transport>> s, Machine machine, cancellation_token token,
                          std::function<void(result<T>)> done, async_hooks hooks = {}) {
  check_async_transport<Transport>();
  if (!s->options().scheduler()) {
    done(async_detail::no_scheduler());
    return async_operation();
  }
  auto r = std::make_shared<async_detail::runner<Transport, Machine, T>>(
      std::move(s), std::move(machine), std::move(token), std::move(hooks), std::move(done));
  return r->start();
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ASYNC_HPP
