// request_machine<T>: one request sent until it gives a definite answer:
// transient failures are retried with backoff, everything else ends it. The
// answer is read into result<T> by a reader. A request that is not idempotent
// (creating or deleting an element) is sent again only when it certainly had
// no effect: it never left, or the gateway refused it for now (429).
//
// Thread safety: one driver at a time.
#ifndef KLING_PROTOCOL_REQUEST_MACHINE_HPP
#define KLING_PROTOCOL_REQUEST_MACHINE_HPP

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "kling/core/boxed.hpp"
#include "kling/core/result.hpp"
#include "kling/protocol/machine.hpp"
#include "kling/protocol/retry.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

template <class T>
class request_machine {
public:
  using reader = std::function<result<T>(const http_response &)>;

  request_machine(http_request request, reader read, const retry_policy &policy, std::uint64_t seed,
                  bool idempotent = true)
      : request_(std::move(request)), read_(std::move(read)), retries_(policy, seed),
        idempotent_(idempotent) {}

  step next() const {
    if (outcome_) return done_step();
    if (wake_at_) return sleep_step(*wake_at_);
    return send_step(request_);
  }

  void on_response(result<http_response> answer, time_point now) {
    result<T> read = answer ? read_(*answer) : result<T>(std::move(answer).error());
    if (read) {
      outcome_ = std::move(read);
      return;
    }
    error e = std::move(read).error();
    const auto delay = retries_.after_failure(e);
    if (!delay || !worth_retrying(e)) {
      outcome_ = result<T>(retries_.give_up(std::move(e)));
      return;
    }
    wake_at_ = now + *delay;
  }

  void on_wake(time_point) { wake_at_.reset(); }

  // Ends the operation with an error of the driver's (cancellation).
  void stop(error e) { outcome_ = result<T>(std::move(e)); }

  bool done() const { return outcome_.has_value(); }
  result<T> take_result() { return outcome_.take(); }

private:
  bool worth_retrying(const error &e) const {
    if (!is_transient(e)) return false;
    return idempotent_ || !e.request_sent || e.code == errc::rate_limited;
  }

  http_request request_;
  reader read_;
  retries retries_;
  bool idempotent_;
  std::optional<time_point> wake_at_;
  outcome_slot<T> outcome_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_REQUEST_MACHINE_HPP
