// create_machine: creating a task exactly once. The gateway charges for every
// task it accepts, so a create is never simply sent again:
//
// - a failure that may have created the task (timeout or dropped connection
//   after sending, a 5xx, an answer that is not a task) is followed by a
//   lookup, GET /v1/videos/{external_task_id};
// - an answer that the external_task_id is already used also leads to the lookup;
// - the document promises neither that the gateway refuses a second task with
//   the same external_task_id ("单用户下需保证唯一性" puts that on the user) nor
//   how soon a task can be found by it, so a 404 from the lookup is asked again,
//   with backoff, until retry_policy::lookup_window has passed since the
//   failure; only a 404 at the end of the window sends the create again (same
//   external_task_id, so a gateway that does refuse duplicates refuses a copy);
// - a request that never left (connection refused) or that was refused for
//   now (429 with a retryable code) is sent again after a backoff;
// - everything else ends the operation.
//
// So at most one task is paid for when the gateway refuses duplicates, or
// when a task it created can be found by its external_task_id within the
// window. Without an external_task_id nothing can be looked up: an ambiguous
// failure then ends the operation, since sending again could pay twice.
//
// Thread safety: one driver at a time.
#ifndef KLING_PROTOCOL_CREATE_MACHINE_HPP
#define KLING_PROTOCOL_CREATE_MACHINE_HPP

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/core/boxed.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/responses.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

class create_machine {
public:
  // body: the validated, normalized request; its external_task_id (if any)
  // is the idempotency key. warnings: what its validation found worth
  // knowing, returned with the created task.
  KLING_LAZY create_machine(json body, const retry_policy &policy, std::uint64_t seed,
                            std::vector<violation> warnings = {});

  KLING_LAZY step next() const;

  KLING_LAZY void on_response(result<http_response> answer, time_point now);

  KLING_LAZY void on_wake(time_point);
  // Ends the operation with the driver's error (cancellation). A create may
  // have reached the gateway before it: the error says how to find the task.
  KLING_LAZY void stop(error e);

  bool done() const { return outcome_.has_value(); }
  KLING_LAZY result<task> take_result();
  // How many POSTs were sent: more than one only after the lookup found no
  // task for a whole lookup window (or the create certainly had no effect).
  int creates_sent() const { return creates_; }
  int lookups_sent() const { return lookups_; }
  const std::string &external_task_id() const { return external_id_; }

private:
  KLING_LAZY void on_read(result<task> &&read, time_point now);

  KLING_LAZY void on_create(result<task> &&read, time_point now);

  KLING_LAZY void on_lookup(result<task> &&read, time_point now);

  KLING_LAZY void look_up(error cause, time_point now);

  KLING_LAZY void wake_later(time_point at, bool lookup);

  KLING_LAZY void finish(task &&t);
  KLING_LAZY void fail(error e);

  json body_;
  std::string external_id_;
  std::vector<violation> warnings_;
  retries create_retries_;
  retries lookup_retries_; // transient lookup failures in this window
  std::optional<milliseconds> resend_delay_;
  int creates_ = 0;
  int lookups_ = 0;
  int misses_ = 0; // 404s from the lookup in this window
  time_point lookup_until_{};
  bool looking_up_ = false;
  error cause_;
  std::optional<time_point> wake_at_;
  outcome_slot<task> outcome_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CREATE_MACHINE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_CREATE_MACHINE_IPP)
#define KLING_PROTOCOL_CREATE_MACHINE_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF create_machine::create_machine(json body, const retry_policy &policy, std::uint64_t seed,
                                              std::vector<violation> warnings)
    : body_(std::move(body)), warnings_(std::move(warnings)), create_retries_(policy, seed),
      lookup_retries_(policy, ~seed, 2 * policy.max_attempts) {
  if (const json *id = find_member(body_, "external_task_id"); id && id->is_string())
    external_id_ = id->get<std::string>();
}

KLING_LAZY_DEF step create_machine::next() const {
  if (outcome_) return done_step();
  if (wake_at_) return sleep_step(*wake_at_);
  if (looking_up_) {
    auto lookup = get_video(external_id_);
    return lookup ? send_step(std::move(*lookup)) : done_step();
  }
  return send_step(create_video(body_));
}

KLING_LAZY_DEF void create_machine::on_response(result<http_response> answer, time_point now) {
  if (!answer) return on_read(result<task>(std::move(answer).error()), now);
  result<task> read = read_task(*answer, {}, external_id_);
  if (read && read->id.empty()) {
    // An answer that names no task is no proof of one: as ambiguous as a lost answer.
    error e{errc::parse, "the gateway's answer names no task id"};
    e.http_status = answer->status;
    read = std::move(e);
  }
  on_read(std::move(read), now);
}

KLING_LAZY_DEF void create_machine::on_wake(time_point) { wake_at_.reset(); }

KLING_LAZY_DEF void create_machine::stop(error e) {
  if (!external_id_.empty() && !outcome_) {
    e.message += "; the create may not have been sent, but if it was, the task exists: find it by its "
                 "external_task_id " +
                 external_id_;
  }
  outcome_ = result<task>(std::move(e));
}

KLING_LAZY_DEF result<task> create_machine::take_result() { return outcome_.take(); }

KLING_LAZY_DEF void create_machine::on_read(result<task> &&read, time_point now) {
  if (looking_up_)
    on_lookup(std::move(read), now);
  else
    on_create(std::move(read), now);
}

KLING_LAZY_DEF void create_machine::on_create(result<task> &&read, time_point now) {
  ++creates_;
  if (read) return finish(std::move(*read));
  error e = std::move(read).error();
  // Counted whatever follows; the delay is kept for a create sent again after a lookup.
  resend_delay_ = create_retries_.after_failure(e);
  const bool can_look_up = !external_id_.empty();
  if (is_duplicate_external_id(e) && can_look_up) return look_up(std::move(e), now);
  if (is_ambiguous(e)) {
    if (can_look_up) return look_up(std::move(e), now);
    e.message += "; the task may have been created, and without an external_task_id it cannot be looked up, "
                 "so the create was not sent again";
    return fail(std::move(e));
  }
  if (is_transient(e) && resend_delay_) return wake_later(now + *resend_delay_, false);
  fail(create_retries_.give_up(std::move(e)));
}

KLING_LAZY_DEF void create_machine::on_lookup(result<task> &&read, time_point now) {
  ++lookups_;
  if (read) return finish(std::move(*read)); // it was created: exactly once
  error e = std::move(read).error();
  if (e.code == errc::not_found && now < lookup_until_) {
    // Not found yet: the gateway may still be indexing it. Ask again, at
    // the latest when the window ends (that last answer decides).
    const auto floor = create_retries_.policy().lookup_window / 32; // bounds the lookups per window
    const auto delay = std::max(lookup_retries_.delay(++misses_, e), floor);
    return wake_later(std::min(now + delay, lookup_until_), true);
  }
  if (e.code == errc::not_found) {
    // Still not found when the window ended: not created. Send the create
    // again (same external_task_id) if the cause allows.
    const bool duplicate = is_duplicate_external_id(cause_);
    if (!duplicate && is_transient(cause_) && resend_delay_) return wake_later(now + *resend_delay_, false);
    if (duplicate) cause_.message += "; yet no task with external_task_id " + external_id_ + " can be found";
    return fail(create_retries_.give_up(std::move(cause_)));
  }
  const auto delay = lookup_retries_.after_failure(e);
  if (is_transient(e) && delay) return wake_later(now + *delay, true);
  e.message = "the create failed (" + cause_.message + ") and looking up external_task_id " + external_id_ +
              " failed too: " + e.message + "; the task may exist";
  fail(std::move(e));
}

KLING_LAZY_DEF void create_machine::look_up(error cause, time_point now) {
  cause_ = std::move(cause);
  looking_up_ = true;
  lookup_until_ = now + create_retries_.policy().lookup_window;
  misses_ = 0;
  lookup_retries_.reset();
}

KLING_LAZY_DEF void create_machine::wake_later(time_point at, bool lookup) {
  looking_up_ = lookup;
  wake_at_ = at;
}

KLING_LAZY_DEF void create_machine::finish(task &&t) {
  if (t.external_task_id.empty()) t.external_task_id = external_id_;
  t.warnings = std::move(warnings_);
  outcome_.emplace(std::move(t));
}

KLING_LAZY_DEF void create_machine::fail(error e) { outcome_ = result<task>(std::move(e)); }

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_CREATE_MACHINE_IPP
