// wait_machine: following a task until it finishes. Polls GET /v1/videos/{id}
// first after 3 s (the gateway asks for 3-5 s between polls), then at
// intervals growing gently to a cap, until the task completes, fails, reports
// a status this client does not know, or the overall deadline passes. A poll
// that fails transiently is retried with backoff inside the same deadline.
//
// Thread safety: one driver at a time.
#ifndef KLING_PROTOCOL_WAIT_MACHINE_HPP
#define KLING_PROTOCOL_WAIT_MACHINE_HPP

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "kling/protocol/followed_task.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/responses.hpp"
#include "kling/rules/queries.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

struct wait_options {
  milliseconds first_interval = std::chrono::seconds(3);
  double interval_growth = 1.25;                        // each interval is this much longer than the last ...
  milliseconds max_interval = std::chrono::seconds(10); // ... up to this
  milliseconds timeout = std::chrono::minutes(15);      // overall, from the start of the wait
};

// A configuration error naming the first setting of w that cannot work.
KLING_FUNCTION_OBJECT check_wait_options_function { result<void> operator()(const wait_options &w) const; };
inline constexpr KLING_FUNCTION_TYPE(check_wait_options) check_wait_options{};

// The task a wait follows: its id (or the external_task_id it was created
// with), and what else is known of it; answers that leave these out are completed from them.
struct task_ref {
  std::string task_id;
  std::string external_task_id;
  std::string provider; // speeds up lookups of old tasks
};

class wait_machine {
public:
  // Starts waiting at `now`: the first poll is due after first_interval, or at
  // `first_poll` when resuming a saved wait. `deadline` defaults to now + timeout.
  KLING_LAZY wait_machine(task_ref of, const wait_options &options, const retry_policy &policy,
                          std::uint64_t seed, time_point now,
                          std::optional<time_point> first_poll = std::nullopt,
                          std::optional<time_point> deadline = std::nullopt);

  KLING_LAZY step next() const;

  KLING_LAZY void on_wake(time_point);

  KLING_LAZY void on_response(result<http_response> answer, time_point now);

  // Ends the wait with the driver's error (cancellation).
  KLING_LAZY void stop(error e);

  bool done() const { return followed_.done(); }
  // The outcome, once: a second call is cancelled ("the outcome was already taken").
  KLING_LAZY result<task> take_result();

  // For progress reports and saved handles. The task as last seen, or null
  // before the first answer and once take_result has moved a completed one out.
  const task *last_task() const { return followed_.seen(); }
  int polls() const { return polls_; }
  time_point started() const { return started_; }
  time_point deadline() const { return deadline_; }
  std::optional<time_point> next_poll() const { return wake_at_; }
  const std::string &task_id() const { return task_id_; }
  const std::string &provider() const { return provider_; }
  const std::string &external_task_id() const { return external_id_; }

private:
  KLING_LAZY void on_failed_poll(error e, time_point now);

  KLING_LAZY void schedule(time_point t);

  KLING_LAZY void expire(time_point now);

  std::string task_id_;
  std::string external_id_;
  std::string provider_;
  wait_options options_;
  retries retries_;
  time_point started_;
  time_point deadline_;
  milliseconds interval_;
  int polls_ = 0;
  std::optional<time_point> wake_at_;
  followed_task followed_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_WAIT_MACHINE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_WAIT_MACHINE_IPP)
#define KLING_PROTOCOL_WAIT_MACHINE_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF result<void> KLING_FUNCTION(check_wait_options)::operator()(const wait_options &w) const {
  using setting_checks::check_duration;
  // NaN fails both comparisons; growth past 10 is no longer "gently".
  if (!(w.interval_growth >= 1.0 && w.interval_growth <= 10.0)) {
    return setting_checks::bad_setting("wait_options::interval_growth", "must be a number from 1 to 10");
  }
  // Intervals of zero would poll the gateway without pause.
  return check_duration("wait_options::first_interval", w.first_interval, false)
      .and_then([&] { return check_duration("wait_options::max_interval", w.max_interval, false); })
      .and_then([&] { return check_duration("wait_options::timeout", w.timeout, false); });
}

KLING_LAZY_DEF wait_machine::wait_machine(task_ref of, const wait_options &options,
                                          const retry_policy &policy, std::uint64_t seed, time_point now,
                                          std::optional<time_point> first_poll,
                                          std::optional<time_point> deadline)
    : task_id_(std::move(of.task_id)), external_id_(std::move(of.external_task_id)),
      provider_(std::move(of.provider)), options_(options), retries_(policy, seed), started_(now),
      deadline_(now), interval_(options.first_interval) {
  // Bad settings and a bad id are refused at once, not after the first wait.
  auto checked = check_wait_options(options).and_then([&] { return check_retry_policy(policy); });
  if (!checked) {
    followed_.fail(std::move(checked).error());
    return;
  }
  deadline_ = deadline ? *deadline : now + options.timeout;
  wake_at_ = std::min(first_poll ? *first_poll : now + options.first_interval, deadline_);
  // an id or provider get_video would refuse is refused now, as get_video refuses it.
  if (auto violations = rules::check_task_query(task_id_, provider_); !violations.empty())
    followed_.fail(rules::rejection(std::move(violations)));
}

KLING_LAZY_DEF step wait_machine::next() const {
  if (followed_.done()) return done_step();
  if (wake_at_) return sleep_step(*wake_at_);
  return send_step(std::move(get_video(task_id_, provider_).value())); // checked when constructed
}

KLING_LAZY_DEF void wait_machine::on_wake(time_point) { wake_at_.reset(); }

KLING_LAZY_DEF void wait_machine::on_response(result<http_response> answer, time_point now) {
  ++polls_;
  result<task> read =
      answer ? read_task(*answer, task_id_, external_id_) : result<task>(std::move(answer).error());
  if (!read) return on_failed_poll(std::move(read).error(), now);
  retries_.reset();
  if (followed_.see(std::move(*read))) return;
  if (now >= deadline_) return expire(now);
  schedule(now + interval_);
  // In floating point, compared before converting: the product may not fit in milliseconds.
  const double grown = static_cast<double>(interval_.count()) * options_.interval_growth;
  interval_ = grown >= static_cast<double>(options_.max_interval.count())
                  ? options_.max_interval
                  : milliseconds(static_cast<milliseconds::rep>(grown));
}

KLING_LAZY_DEF void wait_machine::stop(error e) { followed_.fail(std::move(e)); }

KLING_LAZY_DEF result<task> wait_machine::take_result() { return followed_.take(); }

KLING_LAZY_DEF void wait_machine::on_failed_poll(error e, time_point now) {
  const auto delay = retries_.after_failure(e);
  if (!delay || !is_transient(e)) return followed_.fail(retries_.give_up(std::move(e)));
  if (now >= deadline_) return expire(now);
  schedule(now + *delay);
}

KLING_LAZY_DEF void wait_machine::schedule(time_point t) { wake_at_ = std::min(t, deadline_); }

KLING_LAZY_DEF void wait_machine::expire(time_point now) {
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
  const task *seen = followed_.seen();
  followed_.fail(error{errc::deadline_exceeded,
                       "task " + task_id_ + " is still " +
                           (seen ? std::string(to_string(seen->status)) : std::string("not reported")) +
                           " after waiting " + std::to_string(waited) + " s"});
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_WAIT_MACHINE_IPP
