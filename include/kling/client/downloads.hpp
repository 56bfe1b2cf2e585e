// Blocking downloads of result videos: to a file (written to "<path>.part"
// and renamed into place only when complete, resumed with a Range request
// when a partial file is there, by this call or the next) or to a caller's sink.
//
// Thread safety: one download per call; distinct calls may run concurrently.
#ifndef KLING_CLIENT_DOWNLOADS_HPP
#define KLING_CLIENT_DOWNLOADS_HPP

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kling/client/async.hpp"
#include "kling/client/blocking.hpp"
#include "kling/client/settings.hpp"
#include "kling/core/files.hpp"
#include "kling/protocol/download_machine.hpp"

KLING_NAMESPACE_BEGIN

// Where the bytes go: the driver tells it to start over or continue, then
// hands it pieces. Returns false (with a message) when it cannot go on.
struct download_target {
  std::function<bool(protocol::body_disposition, std::string &problem)> begin;
  std::function<bool(std::string_view, std::string &problem)> write;
};

// A download as one operation for any driver: the download machine and
// where its bytes go, behind one lock (the streaming receivers run on the
// transport's thread while the driver may be elsewhere).
class download_operation {
private:
  struct state {
    KLING_LAZY state(protocol::download_machine m, download_target t, download_settings s);
    std::mutex mutex;
    protocol::download_machine machine;
    download_target target;
    download_settings settings;
    std::string problem;
    protocol::body_disposition disposition = protocol::body_disposition::ignore;
  };
  template <class F>
  auto locked(F f) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return f(*state_);
  }
  std::shared_ptr<state> state_;

public:
  KLING_LAZY download_operation(protocol::download_machine machine, download_target target,
                                download_settings settings);

  // The machine's interface, for the drivers. A request comes with its
  // streaming receivers wired to the machine and the target.
  KLING_LAZY protocol::step next() const;
  KLING_LAZY void on_response(result<http_response> r, protocol::time_point now);
  KLING_LAZY void on_wake(protocol::time_point now);
  KLING_LAZY void stop(error e);
  KLING_LAZY bool done() const;
  // After a failure: whether the bytes written are worth a later call's Range request.
  KLING_LAZY bool worth_resuming() const;
  KLING_LAZY std::uint64_t have_bytes() const;
  KLING_LAZY result<std::uint64_t> take_result();

private:
  // Wires the streaming receivers of each request to the machine and the
  // target. The caller's code (a sink, a progress callback) runs without the
  // lock held, so it may cancel the download; once the machine has decided
  // (done, cancelled), nothing more reaches the target.
  KLING_LAZY void attach(http_request &request) const;
};

namespace download_detail {

KLING_LAZY download_operation make_download(session_core &s, const std::string &url, std::uint64_t have,
                                            const download_settings &settings, download_target target);

// A sink as a body target: pieces go to the sink; starting over is refused
// once bytes have been handed on.
KLING_LAZY download_target sink_target(std::function<bool(std::string_view)> sink);

// What a .part holds the start of: the URL without its query and fragment
// (a link signed anew keeps its path). Written beside the .part, so that
// another video downloaded to the same path never continues it.
KLING_LAZY std::string part_source(const std::string &url);

// Downloads url to path. A "<path>.part" left by an earlier attempt (a
// failed call, a killed process) is resumed. A failure that passes (the
// network, the server for now, cancellation, an expired link) keeps the
// .part for the next call; one that makes its bytes useless removes it (see
// download_machine::worth_resuming). "<path>.part.source" records the URL
// the .part came from, so that a .part of another video is started over.
// path is never left half written.
KLING_LAZY result<download_result> download_file(session_core &s, const std::string &url,
                                                 const std::string &path, const download_settings &settings);

// Downloads url into sink (called with each piece; false stops). An
// interrupted transfer resumes with a Range request; a server that then sends
// the whole video again cannot be followed into a sink, and is an error.
KLING_LAZY result<std::uint64_t> download_to_sink(session_core &s, const std::string &url,
                                                  const std::function<bool(std::string_view)> &sink,
                                                  const download_settings &settings);

// The same, asynchronously: sink is called on the transport's thread; done
// once, where the async driver runs (see run_async).
KLING_LAZY async_operation download_to_sink_async(std::shared_ptr<session_core> s, const std::string &url,
                                                  std::function<bool(std::string_view)> sink,
                                                  const download_settings &settings,
                                                  std::function<void(result<std::uint64_t>)> done);

} // namespace download_detail

// The operation of a download into sink (for the tracker's run(), or a driver of your own).
KLING_FUNCTION_OBJECT sink_download_function {
  download_operation operator()(session_core &s, const std::string &url,
                                std::function<bool(std::string_view)> sink, const download_settings &settings)
      const;
};
inline constexpr KLING_FUNCTION_TYPE(sink_download) sink_download{};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_DOWNLOADS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_DOWNLOADS_IPP)
#define KLING_CLIENT_DOWNLOADS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF download_operation::state::state(protocol::download_machine m, download_target t,
                                                download_settings s)
    : machine(std::move(m)), target(std::move(t)), settings(std::move(s)) {}

KLING_LAZY_DEF download_operation::download_operation(protocol::download_machine machine,
                                                      download_target target, download_settings settings)
    : state_(std::make_shared<state>(std::move(machine), std::move(target), std::move(settings))) {}

KLING_LAZY_DEF protocol::step download_operation::next() const {
  protocol::step next = locked([](state &s) { return s.machine.next(); });
  if (next.kind == protocol::step_kind::send) attach(next.request);
  return next;
}

KLING_LAZY_DEF void download_operation::on_response(result<http_response> r, protocol::time_point now) {
  locked([&](state &s) { s.machine.on_response(std::move(r), now); });
}

KLING_LAZY_DEF void download_operation::on_wake(protocol::time_point now) {
  locked([&](state &s) { s.machine.on_wake(now); });
}

KLING_LAZY_DEF void download_operation::stop(error e) {
  locked([&](state &s) { s.machine.stop(std::move(e)); });
}

KLING_LAZY_DEF bool download_operation::done() const {
  return locked([](state &s) { return s.machine.done(); });
}

KLING_LAZY_DEF bool download_operation::worth_resuming() const {
  return locked([](state &s) { return s.problem.empty() && s.machine.worth_resuming(); });
}

KLING_LAZY_DEF std::uint64_t download_operation::have_bytes() const {
  return locked([](state &s) { return s.machine.have_bytes(); });
}

KLING_LAZY_DEF result<std::uint64_t> download_operation::take_result() {
  return locked([](state &s) {
    // A failure of the target wins over the transport's "stopped by the receiver".
    if (!s.problem.empty()) return result<std::uint64_t>(error{errc::io, s.problem});
    return s.machine.take_result();
  });
}

KLING_LAZY_DEF void download_operation::attach(http_request &request) const {
  auto st = state_;
  request.on_head = [st](const http_response &head) {
    std::lock_guard<std::mutex> lock(st->mutex);
    if (st->machine.done()) return false;
    st->disposition = st->machine.on_head(head);
    switch (st->disposition) {
    case protocol::body_disposition::stop: return false;
    case protocol::body_disposition::ignore:
      return true; // a redirect or an error page: the target is untouched
    case protocol::body_disposition::append:
    case protocol::body_disposition::replace: return st->target.begin(st->disposition, st->problem);
    }
    return false;
  };
  request.on_body = [st](std::string_view piece) {
    {
      std::lock_guard<std::mutex> lock(st->mutex);
      if (st->machine.done() || st->settings.cancel.cancelled()) return false;
      if (st->disposition == protocol::body_disposition::ignore) {
        st->machine.on_ignored_body(piece);
        return true;
      }
    }
    std::string problem;
    const bool written = st->target.write(piece, problem);
    download_progress progress;
    {
      std::lock_guard<std::mutex> lock(st->mutex);
      if (!written) {
        st->problem = std::move(problem);
        return false;
      }
      if (st->machine.done() || !st->machine.on_body(piece.size())) return false;
      progress = download_progress{st->machine.have_bytes(), st->machine.total_bytes()};
    }
    if (st->settings.progress) st->settings.progress(progress);
    return true;
  };
}

namespace download_detail {

KLING_LAZY_DEF download_target sink_target(std::function<bool(std::string_view)> sink) {
  auto delivered = std::make_shared<std::uint64_t>(0);
  download_target target;
  target.begin = [delivered](protocol::body_disposition d, std::string &problem) {
    if (d == protocol::body_disposition::replace && *delivered > 0) {
      problem = "the server sent the whole video again after " + std::to_string(*delivered) +
                " bytes; a sink cannot start over (download to a file instead)";
      return false;
    }
    return true;
  };
  target.write = [delivered, sink = std::move(sink)](std::string_view piece, std::string &problem) {
    if (!sink(piece)) {
      problem = "the sink stopped the download";
      return false;
    }
    *delivered += piece.size();
    return true;
  };
  return target;
}

KLING_LAZY_DEF std::string part_source(const std::string &url) {
  return url.substr(0, url.find_first_of("?#"));
}

} // namespace download_detail

KLING_LAZY_DEF download_operation download_detail::make_download(session_core &s, const std::string &url,
                                                                 std::uint64_t have,
                                                                 const download_settings &settings,
                                                                 download_target target) {
  protocol::download_options options;
  if (settings.max_bytes) options.max_bytes = *settings.max_bytes;
  download_operation download(
      protocol::download_machine(url, have, options, s.options().retry(), s.next_random()), std::move(target),
      settings);
  if (auto checked = check_download_settings(settings); !checked) download.stop(std::move(checked).error());
  return download;
}

KLING_LAZY_DEF download_operation KLING_FUNCTION(sink_download)::operator()(
    session_core &s, const std::string &url, std::function<bool(std::string_view)> sink,
    const download_settings &settings) const {
  return download_detail::make_download(s, url, 0, settings, download_detail::sink_target(std::move(sink)));
}

KLING_LAZY_DEF result<download_result> download_detail::download_file(session_core &s, const std::string &url,
                                                                      const std::string &path,
                                                                      const download_settings &settings) {
  const std::string part = path + ".part";
  const std::string source_file = part + ".source"; // see part_source
  const std::string source = download_detail::part_source(url);
  std::uint64_t have = files::size_of(part).value_or(0);
  if (have > 0) {
    // Another video's bytes: start over. (No record, from a killed process
    // before the record was written: resumed, as before.)
    auto recorded = files::read_file(source_file, 64 * 1024);
    if (recorded && *recorded != source) have = 0;
  }
  files::output_file file;
  download_target target;
  target.begin = [&](protocol::body_disposition d, std::string &problem) {
    if (!file.open(part, d == protocol::body_disposition::append)) {
      problem = "cannot write " + part;
      return false;
    }
    // Best effort: without the record a later call resumes unchecked.
    if (d == protocol::body_disposition::replace) (void)files::write_file(source_file, source);
    return true;
  };
  target.write = [&](std::string_view piece, std::string &problem) {
    if (file.write(piece)) return true;
    problem = "cannot write " + part + " (disk full?)";
    return false;
  };
  auto download = download_detail::make_download(s, url, have, settings, target);
  auto bytes = run_blocking(s, download, settings);
  const bool closed = file.close();
  if (!bytes && closed && download.worth_resuming()) {
    error e = std::move(bytes).error();
    e.message += "; the " + std::to_string(download.have_bytes()) + " bytes received are kept in " + part +
                 " and the next download to " + path + " continues from there";
    return e;
  }
  if (bytes && !closed) bytes = error{errc::io, "cannot finish writing " + part};
  if (bytes) {
    if (auto moved = files::replace(part, path); !moved) bytes = std::move(moved).error();
  }
  files::remove(source_file);
  if (!bytes) {
    files::remove(part);
    return std::move(bytes).error();
  }
  download_result out;
  out.path = path;
  out.bytes = *bytes;
  out.resumed = have > 0;
  return out;
}

KLING_LAZY_DEF result<std::uint64_t>
download_detail::download_to_sink(session_core &s, const std::string &url,
                                  const std::function<bool(std::string_view)> &sink,
                                  const download_settings &settings) {
  auto download = sink_download(s, url, sink, settings);
  return run_blocking(s, download, settings);
}

KLING_LAZY_DEF async_operation download_detail::download_to_sink_async(
    std::shared_ptr<session_core> s, const std::string &url, std::function<bool(std::string_view)> sink,
    const download_settings &settings, std::function<void(result<std::uint64_t>)> done) {
  auto download = sink_download(*s, url, std::move(sink), settings);
  return run_async<std::uint64_t>(std::move(s), std::move(download), settings, std::move(done));
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_DOWNLOADS_IPP
