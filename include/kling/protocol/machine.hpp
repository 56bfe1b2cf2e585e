// The shape every protocol state machine shares. A machine never does I/O and
// never reads a clock: its driver asks what to do next, does it, and feeds
// back what happened and when. The blocking client, the asynchronous client
// and the game-loop tracker are three drivers of the same machines.
//
//   for (;;) {
//     auto step = machine.next();
//     if (step.kind == step_kind::send)  machine.on_response(transport.send(step.request), clock.now());
//     if (step.kind == step_kind::sleep) { sleep_until(step.wake_at); machine.on_wake(clock.now()); }
//     if (step.kind == step_kind::done)  return machine.take_result();
//   }
//
// Thread safety: a machine is used by one driver at a time.
#ifndef KLING_PROTOCOL_MACHINE_HPP
#define KLING_PROTOCOL_MACHINE_HPP

#include <chrono>
#include <utility>

#include "kling/core/boxed.hpp"
#include "kling/core/result.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

// Monotonic time, as the driver's clock reports it (a virtual one in tests).
using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

enum class step_kind {
  send,  // exchange `request`, then call on_response
  sleep, // wait until `wake_at`, then call on_wake
  done,  // take_result() holds the outcome
};

struct step {
  step_kind kind = step_kind::done;
  http_request request; // for send: relative to the base URL unless request.origin is set
  time_point wake_at{}; // for sleep
};

KLING_FUNCTION_OBJECT send_step_function { step operator()(http_request r) const; };
inline constexpr KLING_FUNCTION_TYPE(send_step) send_step{};
KLING_FUNCTION_OBJECT sleep_step_function { step operator()(time_point t) const; };
inline constexpr KLING_FUNCTION_TYPE(sleep_step) sleep_step{};
KLING_FUNCTION_OBJECT done_step_function { step operator()() const; };
inline constexpr KLING_FUNCTION_TYPE(done_step) done_step{};

// Where a machine's outcome waits for take_result: empty (one pointer) until
// the machine settles; taken once, a second take is cancelled ("the outcome
// was already taken") rather than a moved-from value. Settling again (a stop
// after the end) replaces the outcome.
template <class T>
class outcome_slot {
public:
  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return value_.has_value(); }
  // The value it settled on, while it is held (not taken): else null.
  T *value() { return value_ && !taken_ && *value_ ? &**value_ : nullptr; }
  const T *value() const { return value_ && !taken_ && *value_ ? &**value_ : nullptr; }
  // The outcome, while it has not been taken.
  const result<T> &operator*() const { return *value_; }
  result<T> &operator*() { return *value_; }
  const result<T> *operator->() const { return value_.get(); }

  outcome_slot &operator=(result<T> &&settled) {
    value_ = std::move(settled);
    taken_ = false;
    return *this;
  }
  template <class... Args>
  void emplace(Args &&...args) {
    value_.emplace(std::forward<Args>(args)...);
    taken_ = false;
  }

  result<T> take() {
    if (!value_) return error{errc::cancelled, "not finished"};
    if (taken_) return error{errc::cancelled, "the outcome was already taken"};
    taken_ = true;
    return std::move(*value_);
  }

private:
  boxed<result<T>> value_;
  bool taken_ = false;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_MACHINE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_MACHINE_IPP)
#define KLING_PROTOCOL_MACHINE_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF step KLING_FUNCTION(send_step)::operator()(http_request r) const {
  return step{step_kind::send, std::move(r), {}};
}

KLING_LAZY_DEF step KLING_FUNCTION(sleep_step)::operator()(time_point t) const {
  return step{step_kind::sleep, {}, t};
}

KLING_LAZY_DEF step KLING_FUNCTION(done_step)::operator()() const { return step{}; }

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_MACHINE_IPP
