// download_machine: fetching a result video. Decides each request (resuming
// with a Range header from the bytes already held, following redirects
// without credentials), what to do with each answer's head (append, start
// over, stop), when the size cap is hit, when to retry a dropped transfer,
// and, after a failure, whether the bytes held are worth keeping for a later
// call to resume. Whoever drives it owns the bytes (a file, a buffer, a sink).
//
// Thread safety: one driver at a time.
#ifndef KLING_PROTOCOL_DOWNLOAD_MACHINE_HPP
#define KLING_PROTOCOL_DOWNLOAD_MACHINE_HPP

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "kling/core/boxed.hpp"
#include "kling/core/url.hpp"
#include "kling/protocol/errors.hpp"
#include "kling/protocol/machine.hpp"
#include "kling/protocol/request_machine.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

struct download_options {
  std::uint64_t max_bytes = std::uint64_t{4} << 30; // refuse anything larger (4 GiB)
  int max_redirects = 5;
};

// What the driver does with the body that follows a head.
enum class body_disposition {
  append,  // keep what it holds and add the body (a 206 that continues it)
  replace, // discard what it holds and write the body from the start
  ignore,  // the body is not the video (a redirect, an error page)
  stop,    // stop the transfer: the machine has decided the outcome
};

class download_machine {
public:
  // have_bytes: what the driver already holds from an earlier, interrupted
  // download of the same URL (resumed with a Range request).
  KLING_LAZY download_machine(std::string url, std::uint64_t have_bytes, const download_options &options,
                              const retry_policy &policy, std::uint64_t seed);

  KLING_LAZY step next() const;

  // Call before the body arrives: what to do with it.
  KLING_LAZY body_disposition on_head(const http_response &head);

  // Call for each piece of a body whose disposition was append or replace;
  // false: stop the transfer (the size cap was hit).
  KLING_LAZY bool on_body(std::size_t bytes);
  // For bodies with disposition ignore: the first bytes, for the error's excerpt.
  KLING_LAZY void on_ignored_body(std::string_view piece);

  KLING_LAZY void on_response(result<http_response> answer, time_point now);

  KLING_LAZY void on_wake(time_point);
  KLING_LAZY void stop(error e);

  bool done() const { return outcome_.has_value(); }
  // The size of the complete video.
  KLING_LAZY result<std::uint64_t> take_result();

  // After a failure: whether the bytes held should be kept for a later call
  // to continue with a Range request. Yes when the failure passes (the
  // network, the server for now, a cancelled call, a link that expired and
  // will be asked for again); no when they cannot be the start of this video
  // or can never complete it (the server's size disagrees with them, it
  // keeps sending other parts, the size cap).
  KLING_LAZY bool worth_resuming() const;

  std::uint64_t have_bytes() const { return have_; }
  // The full size when the server told it, for progress reports.
  std::optional<std::uint64_t> total_bytes() const { return total_; }
  const std::string &url() const { return url_; }

private:
  KLING_LAZY void on_complete_answer(const http_response &head, time_point now);

  // Another attempt after a backoff when the failure passes and attempts are left.
  KLING_LAZY void retry_or_fail(error e, time_point now);

  KLING_LAZY void check_url();

  KLING_LAZY body_disposition restart(const http_response &head);

  // Learns the total size from the head; false (and the outcome) when over the cap.
  KLING_LAZY bool check_size(const http_response &head, std::uint64_t offset);

  KLING_LAZY error too_large(std::uint64_t size) const;

  // A Location may be absolute, scheme-relative or relative to the current
  // URL (RFC 3986). One that cannot be resolved is kept as it is, and
  // check_url then ends the download with the reason.
  KLING_LAZY std::string resolve(const std::string &location) const;

  KLING_LAZY static std::optional<std::uint64_t> number(std::optional<std::string_view> text);
  // "bytes 100-199/1000" -> 100; "bytes */1000" -> none.
  KLING_LAZY static std::optional<std::uint64_t> content_range_start(const http_response &head);
  // "bytes 100-199/1000" or "bytes */1000" -> 1000.
  KLING_LAZY static std::optional<std::uint64_t> content_range_total(const http_response &head);

  std::string url_;
  download_options options_;
  retries retries_;
  std::uint64_t have_ = 0;
  std::optional<std::uint64_t> total_;
  http_response head_;
  std::string excerpt_;
  int redirects_ = 0;
  bool from_scratch_ = false;
  bool discard_ = false; // what is held is no use to a later call
  std::optional<time_point> wake_at_;
  outcome_slot<std::uint64_t> outcome_;
};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_DOWNLOAD_MACHINE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_DOWNLOAD_MACHINE_IPP)
#define KLING_PROTOCOL_DOWNLOAD_MACHINE_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

KLING_LAZY_DEF download_machine::download_machine(std::string url, std::uint64_t have_bytes,
                                                  const download_options &options, const retry_policy &policy,
                                                  std::uint64_t seed)
    : url_(std::move(url)), options_(options), retries_(policy, seed), have_(have_bytes) {
  check_url();
}

KLING_LAZY_DEF step download_machine::next() const {
  if (outcome_) return done_step();
  if (wake_at_) return sleep_step(*wake_at_);
  auto parsed = parse_url(url_); // checked when set
  http_request r;
  r.origin = parsed->origin();
  r.path = parsed->path.empty() ? "/" : parsed->path;
  if (!parsed->query.empty()) r.path += "?" + parsed->query; // kept exactly as given (signed CDN URLs)
  if (have_ > 0) r.headers.emplace_back("Range", "bytes=" + std::to_string(have_) + "-");
  return send_step(std::move(r));
}

KLING_LAZY_DEF body_disposition download_machine::on_head(const http_response &head) {
  head_ = head;
  excerpt_.clear();
  if (head.status >= 300 && head.status < 400 && head.status != 304) {
    return body_disposition::ignore;
  }
  if (head.status == 206) {
    const auto start = content_range_start(head);
    if (start && *start == have_)
      return check_size(head, have_) ? body_disposition::append : body_disposition::stop;
    if (start && *start == 0) return restart(head);
    // Not the part asked for (or not said which): ask again for the whole video.
    from_scratch_ = true;
    return body_disposition::ignore;
  }
  if (head.status == 200) return restart(head);
  return body_disposition::ignore; // an error page: kept only as an excerpt
}

KLING_LAZY_DEF bool download_machine::on_body(std::size_t bytes) {
  have_ += bytes;
  if (have_ > options_.max_bytes) {
    discard_ = true;
    outcome_ = result<std::uint64_t>(too_large(have_));
    return false;
  }
  return true;
}

KLING_LAZY_DEF void download_machine::on_ignored_body(std::string_view piece) {
  if (excerpt_.size() < body_excerpt_bytes)
    excerpt_.append(piece.substr(0, body_excerpt_bytes - excerpt_.size()));
}

KLING_LAZY_DEF void download_machine::on_response(result<http_response> answer, time_point now) {
  // Each answer is judged by its own head: one left from an earlier
  // answer (a redirect, an error page) must never stand in for it.
  const http_response head = std::exchange(head_, http_response{});
  if (outcome_) return; // decided while streaming (size cap)
  if (answer && head.status == 0) {
    // Without the head the machine cannot tell a video from an error page.
    outcome_ = result<std::uint64_t>(error{
        errc::configuration, "the transport did not call the request's on_head: a download streams, so a "
                             "transport must pass the answer to http_request::on_head and on_body "
                             "(kling::deliver_body does it for answers received whole); see the README's "
                             "transport checklist"});
    return;
  }
  if (answer) return on_complete_answer(head, now);
  retry_or_fail(std::move(answer).error(), now); // a retry resumes from have_bytes()
}

KLING_LAZY_DEF void download_machine::on_wake(time_point) { wake_at_.reset(); }

KLING_LAZY_DEF void download_machine::stop(error e) { outcome_ = result<std::uint64_t>(std::move(e)); }

KLING_LAZY_DEF result<std::uint64_t> download_machine::take_result() { return outcome_.take(); }

KLING_LAZY_DEF bool download_machine::worth_resuming() const {
  return outcome_ && !*outcome_ && have_ > 0 && !discard_;
}

KLING_LAZY_DEF void download_machine::on_complete_answer(const http_response &head, time_point now) {
  const int status = head.status;
  if (from_scratch_) {
    from_scratch_ = false;
    have_ = 0; // the next request has no Range; its 200 replaces what is held
    error e{errc::http, "the server sent a part other than the one asked for"};
    if (retries_.after_failure(e)) return; // asked again at once, from the start
    discard_ = true;
    outcome_ = result<std::uint64_t>(retries_.give_up(std::move(e)));
    return;
  }
  if (status == 200 || status == 206) {
    if (total_ && have_ < *total_) { // the connection closed early but cleanly
      return retry_or_fail(error{errc::connection, "transfer ended after " + std::to_string(have_) + " of " +
                                                       std::to_string(*total_) + " bytes"},
                           now);
    }
    outcome_ = result<std::uint64_t>(have_);
    return;
  }
  if (status == 416 && have_ > 0) {
    // Nothing left to send: complete if the server's size is what we hold.
    const auto size = content_range_total(head);
    if (size && *size == have_) {
      outcome_ = result<std::uint64_t>(have_);
      return;
    }
    discard_ = true; // what is held is longer than the video: not its start
  }
  if (status >= 300 && status < 400 && status != 304) {
    const auto location = head.header("Location");
    if (!location || ++redirects_ > options_.max_redirects) {
      outcome_ = result<std::uint64_t>(
          error{errc::http, location ? "too many redirects" : "redirect without a Location header"});
      return;
    }
    url_ = resolve(std::string(*location));
    check_url();
    return;
  }
  http_response page = head;
  page.body = excerpt_;
  retry_or_fail(error_from_response(page), now);
}

KLING_LAZY_DEF void download_machine::retry_or_fail(error e, time_point now) {
  const auto delay = retries_.after_failure(e);
  if (delay && is_transient(e)) {
    wake_at_ = now + *delay;
    return;
  }
  outcome_ = result<std::uint64_t>(retries_.give_up(std::move(e)));
}

KLING_LAZY_DEF void download_machine::check_url() {
  auto parsed = parse_url(url_);
  if (!parsed)
    outcome_ = result<std::uint64_t>(error{parsed.error().code, "download URL: " + parsed.error().message});
}

KLING_LAZY_DEF body_disposition download_machine::restart(const http_response &head) {
  have_ = 0;
  return check_size(head, 0) ? body_disposition::replace : body_disposition::stop;
}

KLING_LAZY_DEF bool download_machine::check_size(const http_response &head, std::uint64_t offset) {
  std::optional<std::uint64_t> total = content_range_total(head);
  if (!total) {
    if (auto length = number(head.header("Content-Length"))) total = offset + *length;
  }
  total_ = total;
  if (total && *total > options_.max_bytes) {
    discard_ = true;
    outcome_ = result<std::uint64_t>(too_large(*total));
    return false;
  }
  return true;
}

KLING_LAZY_DEF error download_machine::too_large(std::uint64_t size) const {
  return error{errc::io, "the video is " + std::to_string(size) + " bytes, more than the limit of " +
                             std::to_string(options_.max_bytes) + " bytes"};
}

KLING_LAZY_DEF std::string download_machine::resolve(const std::string &location) const {
  auto base = parse_url(url_);
  if (!base) return location;
  auto resolved = resolve_url(*base, location);
  return resolved ? resolved->text() : location;
}

KLING_LAZY_DEF std::optional<std::uint64_t> download_machine::number(std::optional<std::string_view> text) {
  if (!text || text->empty() || text->size() > 19 ||
      text->find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (char c : *text)
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

KLING_LAZY_DEF std::optional<std::uint64_t> download_machine::content_range_start(const http_response &head) {
  const auto range = head.header("Content-Range");
  if (!range || range->substr(0, 6) != "bytes ") return std::nullopt;
  const auto dash = range->find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  return number(range->substr(6, dash - 6));
}

KLING_LAZY_DEF std::optional<std::uint64_t> download_machine::content_range_total(const http_response &head) {
  const auto range = head.header("Content-Range");
  if (!range) return std::nullopt;
  const auto slash = range->rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return number(range->substr(slash + 1));
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_DOWNLOAD_MACHINE_IPP
