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

#include <atomic>
#include <memory>
#include <utility>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

class cancellation_token {
public:
  // A token that is never cancelled.
  cancellation_token() = default;
  bool cancelled() const { return flag_ && flag_->load(std::memory_order_acquire); }
  // False for the default token, which nothing can cancel.
  bool can_be_cancelled() const { return flag_ != nullptr; }

private:
  friend class cancellation_source;
  explicit cancellation_token(std::shared_ptr<const std::atomic<bool>> flag) : flag_(std::move(flag)) {}
  std::shared_ptr<const std::atomic<bool>> flag_;
};

class cancellation_source {
public:
  cancellation_source();
  void cancel() { flag_->store(true, std::memory_order_release); }
  bool cancelled() const { return flag_->load(std::memory_order_acquire); }
  cancellation_token token() const { return cancellation_token(flag_); }

private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

KLING_NAMESPACE_END

#endif // KLING_CORE_CANCEL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_CANCEL_IPP)
#define KLING_CORE_CANCEL_IPP

KLING_NAMESPACE_BEGIN

KLING_DECL cancellation_source::cancellation_source() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

KLING_NAMESPACE_END

#endif // KLING_CORE_CANCEL_IPP
