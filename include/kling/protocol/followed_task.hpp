// followed_task: what a machine that follows a task knows of it, the task as
// last seen and, once settled, the outcome, kept in one place for the wait
// and create-and-wait machines. A completed task is held once: the outcome
// holds it and seen() points there, until take() moves it out.
//
// Thread safety: one driver at a time, as the machine that holds it.
#ifndef KLING_PROTOCOL_FOLLOWED_TASK_HPP
#define KLING_PROTOCOL_FOLLOWED_TASK_HPP

#include <utility>

#include "kling/core/boxed.hpp"
#include "kling/protocol/machine.hpp"
#include "kling/protocol/responses.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

class followed_task {
public:
  // The task as last seen; null before any, and once take() has moved a
  // completed one out.
  const task *seen() const { return outcome_.value() ? outcome_.value() : seen_.get(); }

  bool done() const { return outcome_.has_value(); }

  // A new sighting of the task. When it has finished, or is in a state no
  // waiting can change, the outcome is settled (outcome_of) and true returned.
  KLING_LAZY bool see(task &&t);

  // Settles on e (a refused start, a failed create or poll, a deadline, a
  // stop), replacing any earlier outcome; a completed task the outcome held
  // stays what seen() reports.
  KLING_LAZY void fail(error e);

  // The outcome, moved out: cancelled before there is one, and once taken.
  KLING_LAZY result<task> take();

private:
  boxed<task> seen_; // boxed: a tracker holds many machines that have not polled yet
  outcome_slot<task> outcome_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_FOLLOWED_TASK_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_FOLLOWED_TASK_IPP)
#define KLING_PROTOCOL_FOLLOWED_TASK_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF bool followed_task::see(task &&t) {
  seen_ = std::move(t);
  if (!seen_->finished() && seen_->status != task_status::unknown) return false;
  outcome_ = outcome_of(seen_); // completed: moved into the outcome, where seen() finds it
  return true;
}

KLING_LAZY_DEF void followed_task::fail(error e) {
  if (task *completed = outcome_.value()) seen_ = std::move(*completed);
  outcome_ = result<task>(std::move(e));
}

KLING_LAZY_DEF result<task> followed_task::take() { return outcome_.take(); }

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_FOLLOWED_TASK_IPP
