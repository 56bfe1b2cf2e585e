// videos_resource: video generation tasks: create (exactly once), get,
// wait, create_and_wait, download. Obtained from client.videos().
//
//   auto task = client.videos().create_and_wait(request);
//   if (task) client.videos().download(*task, "cat.mp4");
//
// The blocking calls need a transport with send(); they sleep on the
// options' time_source and stop early when their cancellation token fires.
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_VIDEOS_HPP
#define KLING_CLIENT_VIDEOS_HPP

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "kling/client/blocking.hpp"
#include "kling/client/downloads.hpp"
#include "kling/client/settings.hpp"
#include "kling/core/base64.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

template <class Transport> class videos_resource {
public:
  explicit videos_resource(std::shared_ptr<session<Transport>> s) : session_(std::move(s)) {}

  // Creates a task from a typed request (omni_video, text_to_video,
  // image_to_video, motion_control) and returns it as the gateway accepted
  // it (usually pending). A request that breaks a rule is refused with an
  // invalid_request error listing every violation; nothing is sent. The
  // create is sent exactly once in effect: see protocol/create_machine.hpp.
  template <class Request, class = decltype(Request::route)> result<task> create(const Request &request) {
    return create_checked(json(request), rules::validate(request));
  }

  // The same from a JSON body, routed and checked as the gateway would.
  result<task> create(const json &body) { return create_checked(body, rules::validate(body)); }

  // What create would check, without sending anything.
  rules::report validate(const json &body) const { return rules::validate(body); }

  // The task's current state, retrying transient failures. task_id may also
  // be the external_task_id it was created with; provider speeds up lookups
  // of old tasks.
  result<task> get(std::string_view task_id, std::string_view provider = {}) {
    auto request = protocol::get_video(task_id, provider);
    if (!request) return session_->scrub(result<task>(std::move(request).error()));
    const std::string id(task_id);
    protocol::request_machine<task> machine(
        std::move(*request),
        [id](const http_response &r) {
          return protocol::read_task(r).map([&](task t) {
            if (t.id.empty()) t.id = id; // the unified result shape carries no id
            return t;
          });
        },
        session_->options().retry(), session_->next_random());
    return run_blocking(*session_, machine, cancellation_token{});
  }

  // Polls until the task completes (the finished task), fails (task_failed
  // with the provider's message), reports an unknown status, or the deadline
  // passes (deadline_exceeded).
  result<task> wait(std::string_view task_id, const wait_settings &settings = {}) {
    task_handle handle;
    handle.task_id = std::string(task_id);
    return wait(handle, settings);
  }

  // Resumes a wait from a saved handle (see wait_progress::handle).
  result<task> wait(const task_handle &handle, const wait_settings &settings = {}) {
    const time_source &clock = session_->options().time();
    const auto now = clock.now();
    std::optional<protocol::time_point> first_poll, deadline;
    if (handle.next_poll_at) first_poll = clock.from_wall(*handle.next_poll_at);
    if (handle.deadline) deadline = clock.from_wall(*handle.deadline);
    protocol::wait_machine machine(handle.task_id, handle.provider, settings.options.value_or(session_->options().wait()),
                                   session_->options().retry(), session_->next_random(), now, first_poll, deadline);
    blocking_hooks hooks;
    if (settings.progress) {
      hooks.after_response = [&] {
        if (!machine.last_task()) return;
        wait_progress p;
        p.status = machine.last_task()->status;
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - machine.started());
        p.polls = machine.polls();
        p.handle = handle;
        if (machine.next_poll()) p.handle.next_poll_at = clock.to_wall(*machine.next_poll());
        p.handle.deadline = clock.to_wall(machine.deadline());
        settings.progress(p);
      };
    }
    auto done = run_blocking(*session_, machine, settings.cancel, hooks);
    if (done && done->external_task_id.empty()) done->external_task_id = handle.external_task_id;
    return done;
  }

  // create, then wait for the result.
  template <class Request> result<task> create_and_wait(const Request &request, const wait_settings &settings = {}) {
    auto created = create(request);
    if (!created) return created;
    if (created->finished()) return check_finished(std::move(*created));
    task_handle handle;
    handle.task_id = created->id;
    handle.external_task_id = created->external_task_id;
    handle.provider = created->provider;
    return wait(handle, settings);
  }

  // Downloads a completed task's first video to path (written to
  // "<path>.part", renamed into place when complete; a partial file from an
  // earlier attempt is resumed). Warns when the URL expires soon (P-7).
  result<download_result> download(const task &t, const std::string &path, const download_settings &settings = {}) {
    if (t.status != task_status::completed || t.videos.empty()) {
      return error{errc::invalid_request, "task " + t.id + " has no video to download (status " +
                                              to_string(t.status) + ")"};
    }
    std::vector<std::string> warnings;
    if (t.url_expires_at) {
      const auto left = *t.url_expires_at - session_->options().time().wall_now();
      if (left < settings.expiry_warning) {
        warnings.push_back(left.count() <= 0 ? "the result URL expired at " + format_iso8601(*t.url_expires_at)
                                             : "the result URL expires at " + format_iso8601(*t.url_expires_at) +
                                                   "; keep a copy");
      }
    }
    const video &v = t.videos.front();
    result<download_result> out = v.url.empty() && !v.b64_json.empty() ? write_inline(v.b64_json, path)
                                                                         : download(v.url, path, settings);
    if (out) out->warnings.insert(out->warnings.begin(), warnings.begin(), warnings.end());
    return out;
  }

  // Downloads any URL to path, without the API key.
  result<download_result> download(const std::string &url, const std::string &path,
                                   const download_settings &settings = {}) {
    return session_->scrub(download_file(*session_, url, path, settings));
  }

  // Streams any URL into sink (called with each piece; false stops).
  result<std::uint64_t> download_to(const std::string &url, const std::function<bool(std::string_view)> &sink,
                                    const download_settings &settings = {}) {
    return session_->scrub(download_to_sink(*session_, url, sink, settings));
  }

private:
  result<task> create_checked(json body, const rules::report &checked) {
    if (session_->options().validate_requests() && !checked.valid()) {
      return session_->scrub(result<task>(rules::rejection(checked.violations)));
    }
    body = rules::normalized(std::move(body));
    if (session_->options().generate_external_task_ids() && body.is_object() && !body.contains("external_task_id")) {
      body["external_task_id"] = session_->new_external_task_id();
    }
    protocol::create_machine machine(std::move(body), session_->options().retry(), session_->next_random());
    return run_blocking(*session_, machine, cancellation_token{});
  }

  static result<task> check_finished(task t) {
    if (t.status == task_status::completed) return t;
    return error{errc::task_failed, "task " + t.id + " failed" + (t.error_message.empty() ? "" : ": " + t.error_message)};
  }

  static result<download_result> write_inline(const std::string &b64, const std::string &path) {
    auto bytes = base64::decode(b64);
    if (!bytes) return error{errc::parse, "the task's inline video (b64_json): " + bytes.error().message};
    download_detail::output_file file;
    const std::string part = path + ".part";
    if (!file.open(part, false) || !file.write(*bytes) || !file.close() || std::rename(part.c_str(), path.c_str()) != 0) {
      std::remove(part.c_str());
      return error{errc::io, "cannot write " + path};
    }
    download_result out;
    out.path = path;
    out.bytes = bytes->size();
    return out;
  }

  std::shared_ptr<session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_VIDEOS_HPP
