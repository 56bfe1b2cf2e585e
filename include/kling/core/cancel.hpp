// Cancellation: a source the caller keeps and tokens the library watches.
// Cancelling is a flag, checked between steps: a blocking call wakes from its
// sleep within a few milliseconds, an asynchronous one within
// cancel_check_interval, a tracked one at the next tick.
//
//   kling::cancellation_source stop;
//   std::thread([&] { wait_for_user(); stop.cancel(); }).detach();
//   kling::wait_settings w;
//   w.cancel = stop.token();
//   auto done = client.videos().wait(id, w);
//
// Thread safety: cancel() and cancelled() may be called from any thread.
#ifndef KLING_CORE_CANCEL_HPP
#define KLING_CORE_CANCEL_HPP

#include <memory>
#include <utility>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

namespace detail {

// A flag that any thread may set, once, and read; copies share it. Its
// atomic is in the definitions part, so separately compiled users' files do
// not compile <atomic>.
class shared_flag {
public:
  // No flag: never set, and set() does nothing.
  shared_flag() = default;
  KLING_LAZY static shared_flag make(); // a new flag, not set

  KLING_LAZY void set() const;
  KLING_LAZY bool is_set() const;
  bool exists() const noexcept { return state_ != nullptr; }

private:
  struct state;
  std::shared_ptr<state> state_;
};

} // namespace detail

class cancellation_token {
public:
  // A token that is never cancelled.
  cancellation_token() = default;

  bool cancelled() const { return flag_.is_set(); }
  // False for the default token, which nothing can cancel.
  bool can_be_cancelled() const noexcept { return flag_.exists(); }

private:
  friend class cancellation_source;
  explicit cancellation_token(detail::shared_flag flag) : flag_(std::move(flag)) {}
  detail::shared_flag flag_;
};

class cancellation_source {
public:
  cancellation_source();

  void cancel() { flag_.set(); }
  bool cancelled() const { return flag_.is_set(); }
  cancellation_token token() const { return cancellation_token(flag_); }

private:
  detail::shared_flag flag_;
};

KLING_NAMESPACE_END

#endif // KLING_CORE_CANCEL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_CANCEL_IPP)
#define KLING_CORE_CANCEL_IPP

#include <atomic>

KLING_NAMESPACE_BEGIN

namespace detail {

struct shared_flag::state {
  std::atomic<bool> value{false};
};

KLING_LAZY_DEF shared_flag shared_flag::make() {
  shared_flag flag;
  flag.state_ = std::make_shared<state>();
  return flag;
}

KLING_LAZY_DEF void shared_flag::set() const {
  if (state_) state_->value.store(true, std::memory_order_release);
}

KLING_LAZY_DEF bool shared_flag::is_set() const {
  return state_ && state_->value.load(std::memory_order_acquire);
}

} // namespace detail

KLING_DECL cancellation_source::cancellation_source() : flag_(detail::shared_flag::make()) {}

KLING_NAMESPACE_END

#endif // KLING_CORE_CANCEL_IPP
