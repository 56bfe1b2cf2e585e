// Blocking downloads of result videos: to a file (written to "<path>.part"
// and renamed into place only when complete, resumed with a Range request
// when a partial file is there) or to a caller's sink.
//
// Thread safety: one download per call; distinct calls may run concurrently.
#ifndef KLING_CLIENT_DOWNLOADS_HPP
#define KLING_CLIENT_DOWNLOADS_HPP

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kling/client/blocking.hpp"
#include "kling/client/settings.hpp"
#include "kling/protocol/download_machine.hpp"

KLING_NAMESPACE_BEGIN

namespace download_detail {

// Where the bytes go: the driver tells it to start over or continue, then
// hands it pieces. Returns false (with a message) when it cannot go on.
struct body_target {
  std::function<bool(protocol::body_disposition, std::string &problem)> begin;
  std::function<bool(std::string_view, std::string &problem)> write;
};

template <class Transport>
result<std::uint64_t> run(session<Transport> &s, const std::string &url, std::uint64_t have,
                          const download_settings &settings, const body_target &target) {
  protocol::download_options options;
  if (settings.max_bytes) options.max_bytes = *settings.max_bytes;
  protocol::download_machine machine(url, have, options, s.options().retry(), s.next_random());
  std::string problem; // a failure of the target, which wins over the transport's "stopped"
  protocol::body_disposition disposition = protocol::body_disposition::ignore;
  blocking_hooks hooks;
  hooks.before_send = [&](http_request &request) {
    request.on_head = [&](const http_response &head) {
      disposition = machine.on_head(head);
      if (disposition == protocol::body_disposition::stop) return false;
      return target.begin(disposition, problem);
    };
    request.on_body = [&](std::string_view piece) {
      if (settings.cancel.cancelled()) return false;
      if (disposition == protocol::body_disposition::ignore) {
        machine.on_ignored_body(piece);
        return true;
      }
      if (!target.write(piece, problem) || !machine.on_body(piece.size())) return false;
      if (settings.progress) settings.progress(download_progress{machine.have_bytes(), machine.total_bytes()});
      return true;
    };
  };
  auto outcome = run_blocking(s, machine, settings.cancel, hooks);
  if (!problem.empty()) return error{errc::io, problem};
  return outcome;
}

// A file opened for writing, closed on every path.
class output_file {
public:
  output_file() = default;
  output_file(const output_file &) = delete;
  output_file &operator=(const output_file &) = delete;
  ~output_file() { close(); }

  bool open(const std::string &path, bool append) {
    close();
    file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
    return file_ != nullptr;
  }
  bool write(std::string_view bytes) {
    return file_ && std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
  }
  bool close() {
    if (!file_) return true;
    const bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

private:
  std::FILE *file_ = nullptr;
};

inline std::uint64_t file_size(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) return 0;
  std::uint64_t size = 0;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long end = std::ftell(f);
    size = end > 0 ? static_cast<std::uint64_t>(end) : 0;
  }
  std::fclose(f);
  return size;
}

} // namespace download_detail

// Downloads url to path. A "<path>.part" left by an earlier attempt is
// resumed; on failure it is removed, and path is never left half written.
template <class Transport>
result<download_result> download_file(session<Transport> &s, const std::string &url, const std::string &path,
                                      const download_settings &settings) {
  using download_detail::output_file;
  const std::string part = path + ".part";
  const std::uint64_t have = download_detail::file_size(part);
  output_file file;
  download_detail::body_target target;
  target.begin = [&](protocol::body_disposition d, std::string &problem) {
    if (file.open(part, d == protocol::body_disposition::append)) return true;
    problem = "cannot write " + part;
    return false;
  };
  target.write = [&](std::string_view piece, std::string &problem) {
    if (file.write(piece)) return true;
    problem = "cannot write " + part + " (disk full?)";
    return false;
  };
  auto bytes = download_detail::run(s, url, have, settings, target);
  const bool closed = file.close();
  if (bytes && !closed) bytes = error{errc::io, "cannot finish writing " + part};
  if (bytes && std::rename(part.c_str(), path.c_str()) != 0) {
    bytes = error{errc::io, "cannot move " + part + " to " + path};
  }
  if (!bytes) {
    std::remove(part.c_str());
    return std::move(bytes).error();
  }
  download_result out;
  out.path = path;
  out.bytes = *bytes;
  out.resumed = have > 0;
  return out;
}

// Downloads url into sink (called with each piece; false stops). An
// interrupted transfer resumes with a Range request; a server that then sends
// the whole video again cannot be followed into a sink, and is an error.
template <class Transport>
result<std::uint64_t> download_to_sink(session<Transport> &s, const std::string &url,
                                       const std::function<bool(std::string_view)> &sink,
                                       const download_settings &settings) {
  std::uint64_t delivered = 0;
  download_detail::body_target target;
  target.begin = [&](protocol::body_disposition d, std::string &problem) {
    if (d == protocol::body_disposition::replace && delivered > 0) {
      problem = "the server sent the whole video again after " + std::to_string(delivered) +
                " bytes; a sink cannot start over (download to a file instead)";
      return false;
    }
    return true;
  };
  target.write = [&](std::string_view piece, std::string &problem) {
    if (!sink(piece)) {
      problem = "the sink stopped the download";
      return false;
    }
    delivered += piece.size();
    return true;
  };
  return download_detail::run(s, url, 0, settings, target);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_DOWNLOADS_HPP
