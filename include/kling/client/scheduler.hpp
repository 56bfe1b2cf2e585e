// scheduler: how asynchronous calls wait. The library never starts a thread
// of its own; it asks the caller's scheduler to run a function later
// (after), tells the time by it (now), and, when an executor is given
// (post), brings every step and callback back to the caller's thread
// (an engine's game thread) whatever thread the transport completes on.
//
//   struct my_loop {                                     // any type with these members
//     kling::protocol::time_point now();
//     void after(std::chrono::milliseconds delay, std::function<void()> fn);
//     void post(std::function<void()> fn);               // optional
//   };
//   my_loop loop;
//   auto options = kling::options{}...scheduler(kling::make_scheduler(loop));
//
// Thread safety: after and post may be called from any thread; the
// functions they are given must then run on the scheduler's thread(s).
#ifndef KLING_CLIENT_SCHEDULER_HPP
#define KLING_CLIENT_SCHEDULER_HPP

#include <chrono>
#include <functional>
#include <type_traits>
#include <utility>

#include "kling/protocol/machine.hpp"

KLING_NAMESPACE_BEGIN

struct scheduler {
  std::function<protocol::time_point()> now;
  std::function<void(std::chrono::milliseconds delay, std::function<void()> fn)> after;
  std::function<void(std::function<void()> fn)> post; // empty: steps run where completions arrive

  explicit operator bool() const;
};

template <class S, class = void>
struct has_scheduler_now : std::false_type {};
template <class S>
struct has_scheduler_now<S, std::void_t<decltype(std::declval<S &>().now())>>
    : std::is_convertible<decltype(std::declval<S &>().now()), protocol::time_point> {};

template <class S, class = void>
struct has_scheduler_after : std::false_type {};
template <class S>
struct has_scheduler_after<
    S, std::void_t<decltype(std::declval<S &>().after(std::declval<std::chrono::milliseconds>(),
                                                      std::declval<std::function<void()>>()))>>
    : std::true_type {};

template <class S, class = void>
struct has_scheduler_post : std::false_type {};
template <class S>
struct has_scheduler_post<
    S, std::void_t<decltype(std::declval<S &>().post(std::declval<std::function<void()>>()))>>
    : std::true_type {};

// Adapts any type with now() and after(delay, fn) (and optionally post(fn)).
// The object must outlive every client that uses the result.
template <class S>
scheduler make_scheduler(S &s) {
  static_assert(has_scheduler_now<S>::value,
                "kling: a scheduler needs a member `kling::protocol::time_point now()` (a monotonic clock, "
                "std::chrono::steady_clock::time_point)");
  static_assert(has_scheduler_after<S>::value,
                "kling: a scheduler needs a member `void after(std::chrono::milliseconds delay, "
                "std::function<void()> fn)` that runs fn once the delay has passed");
  scheduler out;
  out.now = [&s] { return s.now(); };
  out.after = [&s](std::chrono::milliseconds d, std::function<void()> fn) { s.after(d, std::move(fn)); };
  if constexpr (has_scheduler_post<S>::value)
    out.post = [&s](std::function<void()> fn) { s.post(std::move(fn)); };
  return out;
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SCHEDULER_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_SCHEDULER_IPP)
#define KLING_CLIENT_SCHEDULER_IPP

KLING_NAMESPACE_BEGIN

KLING_DECL scheduler::operator bool() const { return now && after; }

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SCHEDULER_IPP
