// run_blocking: the blocking driver of the protocol machines. It takes each
// exchange step through the session, sleeps on the session's time source,
// and stops the machine when the call's token is cancelled.
//
// Thread safety: drives one machine on the calling thread.
#ifndef KLING_CLIENT_BLOCKING_HPP
#define KLING_CLIENT_BLOCKING_HPP

#include <functional>
#include <utility>

#include "kling/client/session.hpp"
#include "kling/core/cancel.hpp"

KLING_NAMESPACE_BEGIN

// What a resource may add to any driver: a reaction to each answer
// (progress reports, read from the machine), run where the driver handles
// the machine, with the time on the driver's clock.
template <class Machine>
struct driver_hooks {
  std::function<void(const Machine &, protocol::time_point now)> after_response;
};

KLING_FUNCTION_OBJECT cancelled_by_caller_function { error operator()() const; };
inline constexpr KLING_FUNCTION_TYPE(cancelled_by_caller) cancelled_by_caller{};

// What a machine's call gives: result<T>. (Named, not deduced: a call from
// a lazy body, header-only, then needs only this declaration where it is
// written, not the driver's body.)
template <class Machine>
using machine_result_t = decltype(std::declval<Machine &>().take_result());

// session_core, named so that a driver's body compiles where it is used.
template <class Machine>
using session_core_for = lazy_detail::deferred_t<session_core, Machine>;

template <class Machine>
machine_result_t<Machine> run_blocking(session_core_for<Machine> &s, Machine &machine,
                                       const call_options &call, const driver_hooks<Machine> &hooks = {}) {
  const time_source &clock = s.options().time();
  const auto stop_if_cancelled = [&] {
    if (!call.cancel.cancelled()) return false;
    machine.stop(cancelled_by_caller());
    return true;
  };
  for (;;) {
    if (!machine.done() && stop_if_cancelled()) break;
    protocol::step next = machine.next();
    if (next.kind == protocol::step_kind::done) break;
    if (next.kind == protocol::step_kind::sleep) {
      clock.sleep_until(next.wake_at, call.cancel);
      if (!stop_if_cancelled()) machine.on_wake(clock.now());
      continue;
    }
    auto answer = s.send(std::move(next.request), call);
    const protocol::time_point now = clock.now();
    machine.on_response(std::move(answer), now);
    if (hooks.after_response) hooks.after_response(machine, now);
  }
  return s.scrub(machine.take_result());
}

// A machine that could not be built (a broken rule, a bad setting) ends the
// call with its error, unsent.
template <class Machine>
machine_result_t<Machine> run_blocking(session_core_for<Machine> &s, result<Machine> machine,
                                       const call_options &call, const driver_hooks<Machine> &hooks = {}) {
  if (!machine) return s.scrub(machine_result_t<Machine>(std::move(machine).error()));
  return run_blocking(s, *machine, call, hooks);
}

// Either of the above over a session that knows its transport: the build
// fails here, with a message that says why, when the transport cannot block.
template <class Transport, class Machine, class... Hooks>
auto run_blocking(session<Transport> &s, Machine &&machine, const call_options &call, const Hooks &...hooks) {
  check_blocking_transport<Transport>();
  return run_blocking(static_cast<session_core &>(s), std::forward<Machine>(machine), call, hooks...);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BLOCKING_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_BLOCKING_IPP)
#define KLING_CLIENT_BLOCKING_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF error KLING_FUNCTION(cancelled_by_caller)::operator()() const {
  return error{errc::cancelled, "cancelled by the caller"};
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BLOCKING_IPP
