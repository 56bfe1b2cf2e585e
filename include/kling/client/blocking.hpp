// run_blocking: the blocking driver of the protocol machines. It sends each
// request through the session, sleeps on the session's time source, and
// stops the machine when the token is cancelled.
//
// Thread safety: drives one machine on the calling thread.
#ifndef KLING_CLIENT_BLOCKING_HPP
#define KLING_CLIENT_BLOCKING_HPP

#include <utility>

#include "kling/client/session.hpp"
#include "kling/core/cancel.hpp"

KLING_NAMESPACE_BEGIN

// Optional hooks around each exchange: adjust the request (streaming
// receivers of a download), react to the answer (progress reports).
struct blocking_hooks {
  std::function<void(http_request &)> before_send;
  std::function<void()> after_response;
};

template <class Transport, class Machine>
auto run_blocking(session<Transport> &s, Machine &machine, const cancellation_token &cancel,
                  const blocking_hooks &hooks = {}) {
  const time_source &clock = s.options().time();
  const auto stop_if_cancelled = [&] {
    if (!cancel.cancelled()) return false;
    machine.stop(error{errc::cancelled, "cancelled by the caller"});
    return true;
  };
  for (;;) {
    if (!machine.done() && stop_if_cancelled()) break;
    protocol::step next = machine.next();
    if (next.kind == protocol::step_kind::done) break;
    if (next.kind == protocol::step_kind::sleep) {
      clock.sleep_until(next.wake_at, cancel);
      if (!stop_if_cancelled()) machine.on_wake(clock.now());
      continue;
    }
    next.request.cancel = cancel;
    if (hooks.before_send) hooks.before_send(next.request);
    auto answer = s.send(std::move(next.request));
    machine.on_response(std::move(answer), clock.now());
    if (hooks.after_response) hooks.after_response();
  }
  return s.scrub(machine.take_result());
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BLOCKING_HPP
