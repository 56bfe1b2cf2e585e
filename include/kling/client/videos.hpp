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

#include "kling/client/async.hpp"
#include "kling/client/blocking.hpp"
#include "kling/client/downloads.hpp"
#include "kling/client/settings.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/files.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/wait_machine.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

// What every driver does before a create: refuse a request that breaks a
// rule, send seconds as a string (C-5), and give it an external_task_id
// (unless told not to) so that a lost answer can be looked up.
template <class Transport>
result<json> prepare_create(session<Transport> &s, json body, const rules::report &checked) {
  if (s.options().validate_requests() && !checked.valid()) return rules::rejection(checked.violations);
  body = rules::normalized(std::move(body));
  if (s.options().generate_external_task_ids() && body.is_object() && !body.contains("external_task_id")) {
    body["external_task_id"] = s.new_external_task_id();
  }
  return body;
}

template <class Transport>
class videos_resource {
public:
  explicit videos_resource(std::shared_ptr<session<Transport>> s) : session_(std::move(s)) {}

  // Creates a task from a typed request (omni_video, text_to_video,
  // image_to_video, motion_control) and returns it as the gateway accepted
  // it (usually pending). A request that breaks a rule is refused with an
  // invalid_request error listing every violation; nothing is sent. The
  // create is sent exactly once in effect: see protocol/create_machine.hpp.
  template <class Request, class = decltype(Request::route)>
  result<task> create(const Request &request) {
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
    auto machine = get_machine(task_id, provider);
    if (!machine) return session_->scrub(result<task>(std::move(machine).error()));
    return run_blocking(*session_, *machine, cancellation_token{});
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
    protocol::wait_machine machine = wait_machine(handle, settings, clock.now(), clock);
    blocking_hooks hooks;
    if (settings.progress) {
      hooks.after_response = [&] {
        if (machine.last_task()) settings.progress(progress_of(machine, handle, clock.now(), clock));
      };
    }
    auto done = run_blocking(*session_, machine, settings.cancel, hooks);
    if (done && done->external_task_id.empty()) done->external_task_id = handle.external_task_id;
    return done;
  }

  // create, then wait for the result.
  template <class Request>
  result<task> create_and_wait(const Request &request, const wait_settings &settings = {}) {
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
  result<download_result> download(const task &t, const std::string &path,
                                   const download_settings &settings = {}) {
    if (t.status != task_status::completed || t.videos.empty()) {
      return error{errc::invalid_request,
                   "task " + t.id + " has no video to download (status " + to_string(t.status) + ")"};
    }
    if (auto checked = check_download_settings(settings); !checked) return std::move(checked).error();
    std::vector<std::string> warnings;
    if (t.url_expires_at) {
      const auto left = *t.url_expires_at - session_->options().time().wall_now();
      if (left < settings.expiry_warning) {
        warnings.push_back(left.count() <= 0
                               ? "the result URL expired at " + format_iso8601(*t.url_expires_at)
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

  // ---- asynchronous calls --------------------------------------------------------
  // For transports with async_send, and options with a scheduler. Each returns
  // at once; `done` is called exactly once, with the same outcome the blocking
  // call would have had, on the scheduler's executor when it has one.

  template <class Request>
  async_operation create_async(const Request &request, std::function<void(result<task>)> done) {
    auto prepared = prepare_create(*session_, json(request), rules::validate(request));
    if (!prepared) return fail_now<task>(std::move(prepared).error(), std::move(done));
    return run_async<task>(
        session_,
        protocol::create_machine(std::move(*prepared), session_->options().retry(), session_->next_random()),
        cancellation_token{}, std::move(done));
  }

  async_operation get_async(std::string_view task_id, std::string_view provider,
                            std::function<void(result<task>)> done) {
    auto machine = get_machine(task_id, provider);
    if (!machine) return fail_now<task>(std::move(machine).error(), std::move(done));
    return run_async<task>(session_, std::move(*machine), cancellation_token{}, std::move(done));
  }

  async_operation wait_async(const task_handle &handle, wait_settings settings,
                             std::function<void(result<task>)> done) {
    check_async_transport<Transport>();
    const scheduler &clock = session_->options().scheduler();
    if (!clock) return fail_now<task>(async_detail::no_scheduler(), std::move(done));
    auto machine = std::make_shared<protocol::wait_machine>(
        wait_machine(handle, settings, clock.now(), session_->options().time()));
    async_hooks hooks;
    if (settings.progress) {
      auto s = session_;
      hooks.after_response = [machine, handle, settings, s] {
        if (machine->last_task())
          settings.progress(
              progress_of(*machine, handle, s->options().scheduler().now(), s->options().time()));
      };
    }
    const std::string external = handle.external_task_id;
    return run_async<task>(
        session_, machine_ref<protocol::wait_machine>{machine}, settings.cancel,
        [external, done = std::move(done)](result<task> t) {
          if (t && t->external_task_id.empty()) t->external_task_id = external;
          done(std::move(t));
        },
        std::move(hooks));
  }

  async_operation wait_async(std::string_view task_id, wait_settings settings,
                             std::function<void(result<task>)> done) {
    task_handle handle;
    handle.task_id = std::string(task_id);
    return wait_async(handle, std::move(settings), std::move(done));
  }

  // create_async, then wait_async; cancelling the operation cancels whichever runs.
  template <class Request>
  async_operation create_and_wait_async(const Request &request, wait_settings settings,
                                        std::function<void(result<task>)> done) {
    auto chain = std::make_shared<chain_state>();
    auto self = *this;
    auto control = std::make_shared<async_detail::control>();
    control->cancel = [chain] { chain->cancel(); };
    auto finish = [control, done = std::move(done)](result<task> t) mutable {
      control->finished = true;
      done(std::move(t));
    };
    chain->set(create_async(request,
                            [self, settings, chain, finish](result<task> created) mutable {
                              if (!created) return finish(std::move(created));
                              if (chain->cancelled())
                                return finish(error{errc::cancelled, "cancelled by the caller"});
                              if (created->finished()) return finish(check_finished(std::move(*created)));
                              task_handle handle;
                              handle.task_id = created->id;
                              handle.external_task_id = created->external_task_id;
                              handle.provider = created->provider;
                              chain->set(self.wait_async(handle, settings, finish), 2);
                            }),
               1);
    return async_operation(control);
  }

  // Streams url into sink (called on the transport's thread) without the API key.
  async_operation download_to_async(const std::string &url, std::function<bool(std::string_view)> sink,
                                    const download_settings &settings,
                                    std::function<void(result<std::uint64_t>)> done) {
    auto download = download_detail::make_download(*session_, url, 0, settings,
                                                   download_detail::sink_target(std::move(sink)));
    async_hooks hooks;
    hooks.before_send = [download](http_request &request) { download.attach(request); };
    return run_async<std::uint64_t>(session_, download, settings.cancel, std::move(done), std::move(hooks));
  }

private:
  // Lets the async driver hold a machine that progress reports also read.
  template <class Machine>
  struct machine_ref {
    std::shared_ptr<Machine> m;
    protocol::step next() const { return m->next(); }
    void on_response(result<http_response> r, protocol::time_point now) { m->on_response(std::move(r), now); }
    void on_wake(protocol::time_point now) { m->on_wake(now); }
    void stop(error e) { m->stop(std::move(e)); }
    bool done() const { return m->done(); }
    auto take_result() { return m->take_result(); }
  };

  // The current step of create_and_wait_async, for cancellation.
  struct chain_state {
    std::mutex mutex;
    async_operation current;
    int stage = 0; // of `current`: the create (1) or the wait (2)
    bool stopped = false;
    // A stage may report after the next has begun (a create that completes
    // inside the call that started it): only a later stage replaces the current.
    void set(async_operation op, int of_stage) {
      std::lock_guard<std::mutex> lock(mutex);
      if (of_stage < stage) return;
      stage = of_stage;
      current = std::move(op);
      if (stopped) current.cancel();
    }
    void cancel() {
      std::lock_guard<std::mutex> lock(mutex);
      stopped = true;
      current.cancel();
    }
    bool cancelled() {
      std::lock_guard<std::mutex> lock(mutex);
      return stopped;
    }
  };

  template <class T>
  static async_operation fail_now(error e, std::function<void(result<T>)> done) {
    done(std::move(e));
    return async_operation();
  }

  result<task> create_checked(json body, const rules::report &checked) {
    auto prepared = prepare_create(*session_, std::move(body), checked);
    if (!prepared) return session_->scrub(result<task>(std::move(prepared).error()));
    protocol::create_machine machine(std::move(*prepared), session_->options().retry(),
                                     session_->next_random());
    return run_blocking(*session_, machine, cancellation_token{});
  }

  result<protocol::request_machine<task>> get_machine(std::string_view task_id, std::string_view provider) {
    auto request = protocol::get_video(task_id, provider);
    if (!request) return std::move(request).error();
    const std::string id(task_id);
    return protocol::request_machine<task>(
        std::move(*request),
        [id](const http_response &r) {
          return protocol::read_task(r).map([&](task t) {
            if (t.id.empty()) t.id = id; // the unified result shape carries no id
            return t;
          });
        },
        session_->options().retry(), session_->next_random());
  }

  protocol::wait_machine wait_machine(const task_handle &handle, const wait_settings &settings,
                                      protocol::time_point now, const time_source &wall) {
    std::optional<protocol::time_point> first_poll, deadline;
    const auto to_now = [&](timestamp t) { return time_source::wall_to_steady(t, now, wall.wall_now()); };
    if (handle.next_poll_at) first_poll = to_now(*handle.next_poll_at);
    if (handle.deadline) deadline = to_now(*handle.deadline);
    return protocol::wait_machine(
        handle.task_id, handle.provider, settings.options.value_or(session_->options().wait()),
        session_->options().retry(), session_->next_random(), now, first_poll, deadline);
  }

  // The progress report of a wait, with a handle in calendar time.
  static wait_progress progress_of(const protocol::wait_machine &m, const task_handle &handle,
                                   protocol::time_point now, const time_source &wall) {
    wait_progress p;
    p.status = m.last_task() ? m.last_task()->status : task_status::pending;
    p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - m.started());
    p.polls = m.polls();
    p.handle = handle;
    const auto to_wall = [&](protocol::time_point t) {
      return time_source::steady_to_wall(t, now, wall.wall_now());
    };
    if (m.next_poll()) p.handle.next_poll_at = to_wall(*m.next_poll());
    p.handle.deadline = to_wall(m.deadline());
    return p;
  }

  static result<task> check_finished(task t) {
    if (t.status == task_status::completed) return t;
    return error{errc::task_failed,
                 "task " + t.id + " failed" + (t.error_message.empty() ? "" : ": " + t.error_message)};
  }

  static result<download_result> write_inline(const std::string &b64, const std::string &path) {
    auto bytes = base64::decode(b64);
    if (!bytes) return error{errc::parse, "the task's inline video (b64_json): " + bytes.error().message};
    if (auto written = files::write_file(path, *bytes); !written) return std::move(written).error();
    download_result out;
    out.path = path;
    out.bytes = bytes->size();
    return out;
  }

  std::shared_ptr<session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_VIDEOS_HPP
