// Per-call settings of the long-running calls (waiting, downloading) and the
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
#include <vector>

#include "kling/core/cancel.hpp"
#include "kling/model/task.hpp"
#include "kling/model/task_handle.hpp"
#include "kling/protocol/wait_machine.hpp"

KLING_NAMESPACE_BEGIN

struct wait_progress {
  task_status status = task_status::pending; // as of the last poll
  std::chrono::milliseconds elapsed{0};      // since the wait began
  int polls = 0;
  task_handle handle; // save it to resume this wait after a restart
};

struct wait_settings {
  std::optional<protocol::wait_options> options; // none: the client's options().wait()
  std::function<void(const wait_progress &)> progress;
  cancellation_token cancel;
};

struct download_progress {
  std::uint64_t bytes = 0;            // held so far
  std::optional<std::uint64_t> total; // when the server said
};

struct download_settings {
  std::optional<std::uint64_t> max_bytes; // none: 4 GiB
  std::function<void(const download_progress &)> progress;
  cancellation_token cancel;
  // Warn when the result URL expires within this (P-7).
  std::chrono::hours expiry_warning{72};
};

// A configuration error naming the first setting that cannot work; a
// download started with one ends with it at once.
inline result<void> check_download_settings(const download_settings &d) {
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

struct download_result {
  std::string path; // where the complete video is
  std::uint64_t bytes = 0;
  bool resumed = false; // continued a partial file left by an earlier attempt
  std::vector<std::string> warnings;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SETTINGS_HPP
