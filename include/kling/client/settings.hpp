// Per-call settings: call_options for every call (cancellation, a timeout,
// headers, the external_task_id of a create), and the settings of the
// long-running calls (waiting, downloading), which extend them, with the
// progress they report.
//
//   kling::wait_settings w;
//   w.progress = [](const kling::wait_progress &p) { std::cerr << kling::to_string(p.status) << '\n'; };
//   auto done = client.videos().wait(task_id, w);
//
// Thread safety: plain values; callbacks run on the thread that drives the call.
#ifndef KLING_CLIENT_SETTINGS_HPP
#define KLING_CLIENT_SETTINGS_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kling/core/cancel.hpp"
#include "kling/model/task.hpp"
#include "kling/model/task_handle.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

// A configuration error naming the first header that cannot be sent:
// a name that is not a token, a value with a line break or control character.
KLING_FUNCTION_OBJECT check_headers_function {
  result<void> operator()(const http_headers &headers, std::string_view setting) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_headers) check_headers{};

// What one call may set over the client-wide options. Every call takes it
// (the blocking ones and their async twins); wait_settings and
// download_settings extend it.
struct call_options {
  // Ends the call with errc::cancelled in any phase: while a request is out
  // (when the transport can interrupt it), while sleeping before a retry or
  // a poll, during the create of create_and_wait.
  cancellation_token cancel;
  // Each request's idle timeout; none: options::request_timeout. (Not the
  // overall deadline of a wait: that is wait_settings::options->timeout.)
  std::optional<std::chrono::milliseconds> request_timeout;
  // Sent with every request of this call to the gateway, after (and over)
  // the client's options::header; never to a download's host.
  http_headers headers;
  // Creates only: the idempotency key to send (none: the request's own, or
  // a generated one). Refused when the request names a different one.
  std::string external_task_id;
};

// A configuration error naming the first per-call setting that cannot work.
KLING_FUNCTION_OBJECT check_call_options_function { result<void> operator()(const call_options &c) const; };
inline constexpr KLING_FUNCTION_TYPE(check_call_options) check_call_options{};

// A configuration error for a per-call setting that the call cannot use.
KLING_LAZY result<void> no_external_task_id(const call_options &call, const char *operation);

// The machine of a call that has no use for an external_task_id, or the
// error for the one the call was given.
template <class Machine>
result<Machine> no_external_task_id(const call_options &call, const char *operation,
                                    result<Machine> machine) {
  if (auto usable = no_external_task_id(call, operation); !usable) return std::move(usable).error();
  return machine;
}

struct wait_progress {
  task_status status = task_status::pending; // as of the last poll
  std::chrono::milliseconds elapsed{0};      // since the wait began
  int polls = 0;
  task_handle handle; // save it to resume this wait after a restart
};

// Progress runs on the thread that drives the call: the caller's for a
// blocking call, the scheduler's executor for an async one, inside tick()
// for the tracker.
struct wait_settings : call_options {
  std::optional<protocol::wait_options> options; // none: the client's options().wait()
  std::function<void(const wait_progress &)> progress;
};

struct download_progress {
  std::uint64_t bytes = 0;            // held so far
  std::optional<std::uint64_t> total; // when the server said
};

// Download progress (and a sink) runs where the bytes arrive: on the
// caller's thread for a blocking call, on the transport's thread for an
// async one (a callback per piece must not wait for a trip through the executor).
struct download_settings : call_options {
  std::optional<std::uint64_t> max_bytes; // none: 4 GiB
  std::function<void(const download_progress &)> progress;
  // Warn when the result URL expires within this (P-7).
  std::chrono::hours expiry_warning{72};
};

// A configuration error naming the first setting that cannot work; a
// download started with one ends with it at once.
KLING_FUNCTION_OBJECT check_download_settings_function {
  result<void> operator()(const download_settings &d) const;
};
inline constexpr KLING_FUNCTION_TYPE(check_download_settings) check_download_settings{};

struct download_result {
  std::string path; // where the complete video is
  std::uint64_t bytes = 0;
  bool resumed = false; // continued a partial file left by an earlier attempt
  std::vector<std::string> warnings;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SETTINGS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_SETTINGS_IPP)
#define KLING_CLIENT_SETTINGS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF result<void> KLING_FUNCTION(check_headers)::operator()(const http_headers &headers,
                                                                      std::string_view setting) const {
  using protocol::setting_checks::bad_setting;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto &h = headers[i];
    if (!is_header_name(h.first)) {
      return bad_setting(setting, "#" + std::to_string(i + 1) +
                                      ": the name must be token characters (no space, ':', line break or "
                                      "control character)");
    }
    if (!is_header_value(h.second)) {
      return bad_setting(setting, "\"" + h.first +
                                      "\": the value contains a line break, NUL or other control character");
    }
  }
  return {};
}

KLING_LAZY_DEF result<void> KLING_FUNCTION(check_call_options)::operator()(const call_options &c) const {
  if (c.request_timeout) {
    if (auto checked = protocol::setting_checks::check_duration("call_options::request_timeout",
                                                                *c.request_timeout, false);
        !checked)
      return checked;
  }
  return check_headers(c.headers, "call_options::headers");
}

KLING_LAZY_DEF result<void> no_external_task_id(const call_options &call, const char *operation) {
  if (call.external_task_id.empty()) return {};
  return error{errc::configuration,
               std::string("call_options::external_task_id applies to creates only, not to ") + operation};
}

KLING_LAZY_DEF result<void>
KLING_FUNCTION(check_download_settings)::operator()(const download_settings &d) const {
  if (auto checked = check_call_options(d).and_then([&] { return no_external_task_id(d, "a download"); });
      !checked)
    return checked;
  if (!d.headers.empty()) {
    // The user's headers are the gateway's business; a CDN link is signed by its URL.
    return protocol::setting_checks::bad_setting(
        "call_options::headers", "are never sent to a download's host; set none for a download");
  }
  if (d.max_bytes && *d.max_bytes == 0) {
    return protocol::setting_checks::bad_setting("download_settings::max_bytes", "must be positive");
  }
  // Bounded: it is compared with clock durations, which a huge value would
  // overflow. Compared in hours: hours::max() itself does not fit in milliseconds.
  if (d.expiry_warning.count() < 0 ||
      d.expiry_warning > std::chrono::duration_cast<std::chrono::hours>(protocol::setting_checks::longest)) {
    return protocol::setting_checks::bad_setting("download_settings::expiry_warning",
                                                 "must be from 0 to 366 days");
  }
  return {};
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SETTINGS_IPP
