// create_and_wait_machine: creating a task exactly once (create_machine),
// then following it until it finishes (wait_machine), as one operation with
// one deadline: wait_options::timeout counts from the start of the create.
// A create still retrying at the deadline ends with deadline_exceeded; the
// error names the task's external_task_id, since the task may exist.
//
// It also follows a task that already exists (a saved handle): then it only waits.
//
// Thread safety: one driver at a time.
#ifndef KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_HPP
#define KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/core/boxed.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/followed_task.hpp"
#include "kling/protocol/wait_machine.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

class create_and_wait_machine {
public:
  // Creates body (validated and normalized; see create_machine), then waits.
  KLING_LAZY create_and_wait_machine(json body, std::vector<violation> warnings, const wait_options &wait,
                                     const retry_policy &policy, std::uint64_t seed, time_point now);

  // Only waits: for a task created earlier.
  KLING_LAZY explicit create_and_wait_machine(wait_machine waiting);

  KLING_LAZY step next() const;

  KLING_LAZY void on_response(result<http_response> answer, time_point now);

  KLING_LAZY void on_wake(time_point now);

  KLING_LAZY void stop(error e);
  KLING_LAZY bool done() const;
  // The outcome, once: a second call is cancelled ("the outcome was already taken").
  KLING_LAZY result<task> take_result();

  // Still creating: no task id is known yet.
  KLING_LAZY bool creating() const;
  // The task as last seen (created, or its last poll), for progress reports;
  // a copy of last_seen() with the create's warnings.
  KLING_LAZY std::optional<task> last_task() const;
  // The same task where the machine holds it, without the create's warnings
  // (a poll's answer does not carry them): null until there is one, and
  // once take_result has moved a completed one out.
  KLING_LAZY const task *last_seen() const;
  // The wait, once the task exists (for progress reports and saved handles).
  KLING_LAZY const wait_machine *waiting() const;
  // The external_task_id of the create (empty when only waiting).
  KLING_LAZY std::string external_task_id() const;
  time_point deadline() const { return deadline_; }

private:
  KLING_LAZY void created(time_point now);

  KLING_LAZY void expire();

  wait_options wait_options_;
  retry_policy policy_;
  std::uint64_t seed_;
  time_point deadline_;
  // Boxed: a tracker holds many machines, most of them only waiting.
  boxed<create_machine> creating_;
  boxed<wait_machine> waiting_;
  std::vector<violation> warnings_;
  // The task as created (emptied when take_result moves out a newer one),
  // and the outcome when the operation ended without the wait: bad settings,
  // a failed or expired create, a create answered with a finished task, a stop.
  followed_task followed_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_IPP)
#define KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF create_and_wait_machine::create_and_wait_machine(json body, std::vector<violation> warnings,
                                                                const wait_options &wait,
                                                                const retry_policy &policy,
                                                                std::uint64_t seed, time_point now)
    : wait_options_(wait), policy_(policy), seed_(seed), deadline_(now) {
  creating_.emplace(std::move(body), policy, seed, std::move(warnings));
  // Checked before the deadline is computed: a huge timeout must not overflow the clock.
  if (auto checked = check_wait_options(wait).and_then([&] { return check_retry_policy(policy); });
      !checked) {
    followed_.fail(std::move(checked).error());
    return;
  }
  deadline_ = now + wait.timeout;
}

KLING_LAZY_DEF create_and_wait_machine::create_and_wait_machine(wait_machine waiting)
    : seed_(0), deadline_(waiting.deadline()), waiting_(std::move(waiting)) {}

KLING_LAZY_DEF step create_and_wait_machine::next() const {
  if (followed_.done()) return done_step();
  if (waiting_) return waiting_->next();
  step s = creating_->next();
  // A create that would sleep past the deadline wakes at the deadline, to end there.
  if (s.kind == step_kind::sleep && s.wake_at > deadline_) s.wake_at = deadline_;
  return s;
}

KLING_LAZY_DEF void create_and_wait_machine::on_response(result<http_response> answer, time_point now) {
  if (waiting_) return waiting_->on_response(std::move(answer), now);
  creating_->on_response(std::move(answer), now);
  if (creating_->done()) return created(now);
}

KLING_LAZY_DEF void create_and_wait_machine::on_wake(time_point now) {
  if (waiting_) return waiting_->on_wake(now);
  if (now >= deadline_) return expire();
  creating_->on_wake(now);
}

KLING_LAZY_DEF void create_and_wait_machine::stop(error e) {
  if (creating()) {
    creating_->stop(std::move(e)); // it says how to find a task its create may have made
    e = creating_->take_result().error();
  }
  followed_.fail(std::move(e));
}

KLING_LAZY_DEF bool create_and_wait_machine::done() const {
  return followed_.done() || (waiting_ && waiting_->done());
}

KLING_LAZY_DEF result<task> create_and_wait_machine::take_result() {
  const bool waited = waiting_ && !followed_.done();
  result<task> outcome =
      waited ? waiting_->take_result() : followed_.take(); // one result: its move is elided
  if (waited && outcome) {
    outcome->warnings = warnings_; // a poll's answer does not carry the create's
    followed_ = followed_task();   // and the task moved out is newer than the one created
  }
  return outcome;
}

KLING_LAZY_DEF bool create_and_wait_machine::creating() const { return !waiting_ && !followed_.done(); }

KLING_LAZY_DEF std::optional<task> create_and_wait_machine::last_task() const {
  std::optional<task> copy;
  if (const task *seen = last_seen()) {
    copy = *seen;
    copy->warnings = warnings_;
  }
  return copy;
}

KLING_LAZY_DEF const task *create_and_wait_machine::last_seen() const {
  if (waiting_ && waiting_->last_task()) return waiting_->last_task();
  return followed_.seen();
}

KLING_LAZY_DEF const wait_machine *create_and_wait_machine::waiting() const {
  return waiting_ ? &*waiting_ : nullptr;
}

KLING_LAZY_DEF std::string create_and_wait_machine::external_task_id() const {
  if (creating_) return creating_->external_task_id();
  return waiting_ ? waiting_->external_task_id() : std::string();
}

KLING_LAZY_DEF void create_and_wait_machine::created(time_point now) {
  result<task> made = creating_->take_result();
  if (!made) return followed_.fail(std::move(made).error());
  warnings_ = made->warnings;
  if (followed_.see(std::move(*made))) return; // finished: nothing to wait for
  const task &t = *followed_.seen();
  waiting_.emplace(task_ref{t.id, t.external_task_id, t.provider}, wait_options_, policy_,
                   seed_ ^ 0xA5A5A5A5A5A5A5A5ull, now, std::nullopt, deadline_);
}

KLING_LAZY_DEF void create_and_wait_machine::expire() {
  error e{errc::deadline_exceeded, "the create was still being retried when the deadline passed"};
  const std::string &id = creating_->external_task_id();
  if (!id.empty()) e.message += "; the task may exist: look it up by its external_task_id " + id;
  followed_.fail(std::move(e));
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CREATE_AND_WAIT_MACHINE_IPP
