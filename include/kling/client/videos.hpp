// videos_resource: video generation tasks: create (exactly once), get,
// wait, create_and_wait, download. Obtained from client.videos().
//
//   auto task = client.videos().create_and_wait(request);
//   if (task) client.videos().download(*task, "cat.mp4");
//
// Each call builds one protocol machine and hands it to a driver: the
// blocking calls need a transport with send() and sleep on the options'
// time_source; their _async twins differ only in the driver. Every call
// takes per-call options (call_options, or the wait and download settings
// that extend them): a cancellation token that works in every phase, a
// timeout, headers, and for creates the external_task_id.
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_VIDEOS_HPP
#define KLING_CLIENT_VIDEOS_HPP

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kling/client/async.hpp"
#include "kling/client/blocking.hpp"
#include "kling/client/downloads.hpp"
#include "kling/client/settings.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/files.hpp"
#include "kling/protocol/create_and_wait_machine.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

// What every driver does before a create: refuse a request that breaks a
// rule, send seconds as a string (C-5), and give it an external_task_id
// (the call's, else the request's own, else a generated one unless told
// not to) so that a lost answer can be looked up.
KLING_FUNCTION_OBJECT prepare_create_function {
  result<json> operator()(session_core &s, json body, const rules::report &checked, const call_options &call)
      const;
};
inline constexpr KLING_FUNCTION_TYPE(prepare_create) prepare_create{};

// The wait a saved handle resumes: its calendar times made monotonic.
KLING_FUNCTION_OBJECT follow_function {
  protocol::wait_machine operator()(const task_handle &handle, const protocol::wait_options &wait,
                                    const protocol::retry_policy &policy, std::uint64_t seed,
                                    protocol::time_point now, timestamp wall_now) const;
};
inline constexpr KLING_FUNCTION_TYPE(follow) follow{};

// videos_resource's machines and downloads, with the transport out of sight
// (see client/session.hpp): the builders of every call's machine, and the
// downloads of a task's videos.
KLING_LAZY_CLASS videos_core {
public:
  explicit videos_core(std::shared_ptr<session_core> s) : session_(std::move(s)) {}

  // What create would check, without sending anything.
  rules::report validate(const json &body) const;

  // ---- the machine of each call ---------------------------------------------------
  // What the calls of videos_resource hand to their driver, for any other
  // driver: the tracker's run(), or one of your own. An error is what the
  // call would return unsent. `now` is the time on that driver's clock. Of a
  // call's options, a builder reads only what shapes the machine (a create's
  // external_task_id, a wait's options); give the rest to the driver.
  result<protocol::create_machine> create_operation(const json &body, const call_options &call = {});
  result<protocol::request_machine<task>> get_operation(std::string_view task_id,
                                                        std::string_view provider = {});
  result<protocol::create_and_wait_machine> wait_operation(
      const task_handle &handle, const wait_settings &settings, protocol::time_point now);
  result<protocol::create_and_wait_machine> create_and_wait_operation(
      const json &body, const wait_settings &settings, protocol::time_point now);
  result<download_operation> download_to_operation(const std::string &url,
                                                   std::function<bool(std::string_view)> sink,
                                                   const download_settings &settings = {});

protected:
  // A request serialized once and checked by the rules, made into its machine.
  result<protocol::create_machine> create_checked(json body, const rules::report &checked,
                                                  const call_options &call);
  result<protocol::create_and_wait_machine> create_and_wait_checked(
      json body, const rules::report &checked, const wait_settings &settings, protocol::time_point now);

  // The async driver's clock; without a scheduler the call fails before any time matters.
  protocol::time_point async_now() const;

  // Progress reports of a wait (or of the wait of a create_and_wait), with a
  // handle in calendar time to save.
  driver_hooks<protocol::create_and_wait_machine> wait_hooks(const task_handle &handle,
                                                             const wait_settings &settings) const;

  // The blocking downloads (videos_resource checks that the transport can block).
  result<download_result> download_task(const task &t, const std::string &path,
                                        const download_settings &settings);
  result<std::vector<download_result>> download_task_all(const task &t, const std::string &path,
                                                         const download_settings &settings);
  result<download_result> download_url(const std::string &url, const std::string &path,
                                       const download_settings &settings);
  result<std::uint64_t> download_url_to(const std::string &url,
                                        const std::function<bool(std::string_view)> &sink,
                                        const download_settings &settings);

  std::shared_ptr<session_core> session_;

private:
  result<void> downloadable(const task &t, const download_settings &settings) const;
  result<download_result> download_video(const task &t, std::size_t index, const std::string &path,
                                         const download_settings &settings);
  // "cat.mp4" for the first video, "cat-2.mp4" for the second (an extension
  // is a dot after the last separator).
  static std::string numbered_path(const std::string &path, std::size_t index);
  static result<download_result> write_inline(const std::string &b64, const std::string &path);
};

// The calls of videos_core over a transport, blocking and asynchronous. The
// transport's abilities are checked at compile time: a blocking call over a
// transport without send (or an asynchronous one without async_send) fails
// the build with a message that says so. The core is a base that depends on
// Transport only so that these bodies compile where they are used.
template <class Transport>
class videos_resource : public lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(videos_core), Transport> {
  using core = lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(videos_core), Transport>;

public:
  // result<T>, named through Transport so that the bodies below need what
  // they return complete only where they are used (Clang checks a
  // template's non-dependent return types where it is written). Public, so
  // that a class derived from this one finds the same type.
  template <class T>
  using result = lazy_detail::deferred_t<kling::result<T>, Transport>;

  explicit videos_resource(std::shared_ptr<session<Transport>> s) : core(std::move(s)) {}

  // Creates a task from a typed request (omni_video, text_to_video,
  // image_to_video, motion_control) and returns it as the gateway accepted
  // it (usually pending), with the rules' warnings about the request in
  // task::warnings. A request that breaks a rule is refused with an
  // invalid_request error listing every violation; nothing is sent. The
  // create is sent exactly once in effect: see protocol/create_machine.hpp.
  template <class Request, class = decltype(Request::route)>
  result<task> create(const Request &request, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_), create_operation(request, call), call);
  }

  // The same from a JSON body, routed and checked as the gateway would.
  result<task> create(const json &body, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_), this->create_operation(body, call), call);
  }

  // The task's current state, retrying transient failures. task_id may also
  // be the external_task_id it was created with; provider speeds up lookups
  // of old tasks.
  result<task> get(std::string_view task_id, std::string_view provider = {}, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, "get", this->get_operation(task_id, provider)), call);
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
    return run_blocking(*session_of<Transport>(this->session_),
                        this->wait_operation(handle, settings, this->session_->options().time().now()),
                        settings, this->wait_hooks(handle, settings));
  }

  // create, then wait for the result: one operation, with one deadline
  // (the wait's timeout, counted from the start of the create) and one
  // cancellation (settings.cancel, the create included).
  template <class Request>
  result<task> create_and_wait(const Request &request, const wait_settings &settings = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        create_and_wait_operation(request, settings, this->session_->options().time().now()),
                        settings, this->wait_hooks({}, settings));
  }

  // Downloads a completed task's first video to path (written to
  // "<path>.part", renamed into place when complete; a partial file from an
  // earlier attempt is resumed). Warns when the URL expires soon (P-7). A
  // task with no video (not completed, or completed without one) is not_found.
  result<download_result> download(const task &t, const std::string &path,
                                   const download_settings &settings = {}) {
    check_blocking_transport<Transport>();
    return this->download_task(t, path, settings);
  }

  // Downloads every video of a completed task: the first to path, the n-th
  // (from 2) to path with "-n" before its extension ("cat.mp4", "cat-2.mp4").
  // Stops at the first failure (videos already downloaded stay).
  result<std::vector<download_result>> download_all(const task &t, const std::string &path,
                                                    const download_settings &settings = {}) {
    check_blocking_transport<Transport>();
    return this->download_task_all(t, path, settings);
  }

  // Downloads any URL to path, without the API key.
  result<download_result> download(const std::string &url, const std::string &path,
                                   const download_settings &settings = {}) {
    check_blocking_transport<Transport>();
    return this->download_url(url, path, settings);
  }

  // Streams any URL into sink (called with each piece; false stops).
  result<std::uint64_t> download_to(const std::string &url, const std::function<bool(std::string_view)> &sink,
                                    const download_settings &settings = {}) {
    check_blocking_transport<Transport>();
    return this->download_url_to(url, sink, settings);
  }

  // ---- asynchronous calls --------------------------------------------------------
  // For transports with async_send, and options with a scheduler. Each returns
  // at once; `done` is called exactly once, with the same outcome the blocking
  // call would have had, on the scheduler's executor when it has one.

  template <class Request>
  async_operation create_async(const Request &request, std::function<void(result<task>)> done,
                               const call_options &call = {}) {
    return run_async<task>(session_of<Transport>(this->session_), create_operation(request, call), call,
                           std::move(done));
  }

  async_operation get_async(std::string_view task_id, std::string_view provider,
                            std::function<void(result<task>)> done, const call_options &call = {}) {
    return run_async<task>(session_of<Transport>(this->session_),
                           no_external_task_id(call, "get", this->get_operation(task_id, provider)), call,
                           std::move(done));
  }

  async_operation wait_async(const task_handle &handle, wait_settings settings,
                             std::function<void(result<task>)> done) {
    return run_async<task>(session_of<Transport>(this->session_),
                           this->wait_operation(handle, settings, this->async_now()), settings,
                           std::move(done), this->wait_hooks(handle, settings));
  }

  async_operation wait_async(std::string_view task_id, wait_settings settings,
                             std::function<void(result<task>)> done) {
    task_handle handle;
    handle.task_id = std::string(task_id);
    return wait_async(handle, std::move(settings), std::move(done));
  }

  template <class Request>
  async_operation create_and_wait_async(const Request &request, wait_settings settings,
                                        std::function<void(result<task>)> done) {
    return run_async<task>(session_of<Transport>(this->session_),
                           create_and_wait_operation(request, settings, this->async_now()), settings,
                           std::move(done), this->wait_hooks({}, settings));
  }

  // Streams url into sink (called on the transport's thread) without the API key.
  async_operation download_to_async(const std::string &url, std::function<bool(std::string_view)> sink,
                                    const download_settings &settings,
                                    std::function<void(result<std::uint64_t>)> done) {
    check_async_transport<Transport>();
    return download_detail::download_to_sink_async(session_of<Transport>(this->session_), url,
                                                   std::move(sink), settings, std::move(done));
  }

  // ---- the machine of each call (see videos_core) ----------------------------------
  using core::create_and_wait_operation;
  using core::create_operation;

  template <class Request, class = decltype(Request::route)>
  result<protocol::create_machine> create_operation(const Request &request, const call_options &call = {}) {
    json body = request;
    const rules::report checked = rules::validate(request, body);
    return this->create_checked(std::move(body), checked, call);
  }

  template <class Request, class = decltype(Request::route)>
  result<protocol::create_and_wait_machine>
  create_and_wait_operation(const Request &request, const wait_settings &settings, protocol::time_point now) {
    json body = request;
    const rules::report checked = rules::validate(request, body); // serialized once
    return this->create_and_wait_checked(std::move(body), checked, settings, now);
  }
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_VIDEOS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_VIDEOS_IPP)
#define KLING_CLIENT_VIDEOS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF protocol::wait_machine
KLING_FUNCTION(follow)::operator()(const task_handle &handle, const protocol::wait_options &wait,
                                   const protocol::retry_policy &policy, std::uint64_t seed,
                                   protocol::time_point now, timestamp wall_now) const {
  std::optional<protocol::time_point> first, deadline;
  const auto to_steady = [&](timestamp t) { return time_source::wall_to_steady(t, now, wall_now); };
  if (handle.next_poll_at) first = to_steady(*handle.next_poll_at);
  if (handle.deadline) deadline = to_steady(*handle.deadline);
  return protocol::wait_machine({handle.task_id, handle.external_task_id, handle.provider}, wait, policy,
                                seed, now, first, deadline);
}

KLING_LAZY_DEF result<json> KLING_FUNCTION(prepare_create)::operator()(session_core &s, json body,
                                                                       const rules::report &checked,
                                                                       const call_options &call) const {
  if (s.options().validate_requests() && !checked.valid()) return rules::rejection(checked.violations);
  body = rules::normalized(std::move(body));
  if (!body.is_object()) return body; // validation was turned off; the gateway will answer
  if (!call.external_task_id.empty()) {
    const json *own = find_member(body, "external_task_id");
    if (own && !(own->is_string() && own->get<std::string>() == call.external_task_id)) {
      return error{errc::configuration,
                   "call_options::external_task_id \"" + call.external_task_id +
                       "\" differs from the request's own external_task_id; give one of them"};
    }
    body["external_task_id"] = call.external_task_id;
    // The same rule as for the request's own id (C-7).
    if (auto again = rules::validate(body); s.options().validate_requests() && !again.valid())
      return rules::rejection(again.violations);
  } else if (s.options().generate_external_task_ids() && !body.contains("external_task_id")) {
    body["external_task_id"] = s.new_external_task_id();
  }
  return body;
}

KLING_LAZY_DEF rules::report KLING_LAZY_MEMBER_OF(videos_core)::validate(const json &body) const {
  return rules::validate(body);
}

KLING_LAZY_DEF result<protocol::create_machine>
KLING_LAZY_MEMBER_OF(videos_core)::create_operation(const json &body, const call_options &call) {
  return create_checked(body, rules::validate(body), call);
}

KLING_LAZY_DEF result<protocol::request_machine<task>>
KLING_LAZY_MEMBER_OF(videos_core)::get_operation(std::string_view task_id, std::string_view provider) {
  auto request = protocol::get_video(task_id, provider);
  if (!request) return std::move(request).error();
  const std::string id(task_id);
  return protocol::request_machine<task>(
      std::move(*request), [id](const http_response &r) { return protocol::read_task(r, id); },
      session_->options().retry(), session_->next_random());
}

KLING_LAZY_DEF result<protocol::create_and_wait_machine>
KLING_LAZY_MEMBER_OF(videos_core)::wait_operation(const task_handle &handle, const wait_settings &settings,
                                                  protocol::time_point now) {
  if (auto usable = no_external_task_id(settings, "wait"); !usable) return std::move(usable).error();
  return protocol::create_and_wait_machine(
      follow(handle, settings.options.value_or(session_->options().wait()), session_->options().retry(),
             session_->next_random(), now, session_->options().time().wall_now()));
}

KLING_LAZY_DEF result<protocol::create_and_wait_machine>
KLING_LAZY_MEMBER_OF(videos_core)::create_and_wait_operation(const json &body, const wait_settings &settings,
                                                             protocol::time_point now) {
  return create_and_wait_checked(body, rules::validate(body), settings, now);
}

KLING_LAZY_DEF result<download_operation> KLING_LAZY_MEMBER_OF(videos_core)::download_to_operation(
    const std::string &url, std::function<bool(std::string_view)> sink, const download_settings &settings) {
  return sink_download(*session_, url, std::move(sink), settings);
}

KLING_LAZY_DEF result<protocol::create_machine>
KLING_LAZY_MEMBER_OF(videos_core)::create_checked(json body, const rules::report &checked,
                                                  const call_options &call) {
  auto prepared = prepare_create(*session_, std::move(body), checked, call);
  if (!prepared) return std::move(prepared).error();
  return protocol::create_machine(std::move(*prepared), session_->options().retry(), session_->next_random(),
                                  checked.warnings);
}

KLING_LAZY_DEF result<protocol::create_and_wait_machine>
KLING_LAZY_MEMBER_OF(videos_core)::create_and_wait_checked(json body, const rules::report &checked,
                                                           const wait_settings &settings,
                                                           protocol::time_point now) {
  auto prepared = prepare_create(*session_, std::move(body), checked, settings);
  if (!prepared) return std::move(prepared).error();
  return protocol::create_and_wait_machine(std::move(*prepared), checked.warnings,
                                           settings.options.value_or(session_->options().wait()),
                                           session_->options().retry(), session_->next_random(), now);
}

KLING_LAZY_DEF protocol::time_point KLING_LAZY_MEMBER_OF(videos_core)::async_now() const {
  const scheduler &clock = session_->options().scheduler();
  return clock ? clock.now() : protocol::time_point{};
}

KLING_LAZY_DEF driver_hooks<protocol::create_and_wait_machine>
KLING_LAZY_MEMBER_OF(videos_core)::wait_hooks(const task_handle &handle,
                                              const wait_settings &settings) const {
  driver_hooks<protocol::create_and_wait_machine> hooks;
  if (!settings.progress) return hooks;
  std::weak_ptr<session_core> weak = session_;
  hooks.after_response = [weak, handle, progress = settings.progress](
                             const protocol::create_and_wait_machine &m, protocol::time_point now) {
    auto s = weak.lock();
    const protocol::wait_machine *w = m.waiting();
    if (!s || !w || !w->last_task()) return;
    const time_source &wall = s->options().time(); // calendar time only: now is the driver's clock
    wait_progress p;
    p.status = w->last_task()->status;
    p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - w->started());
    p.polls = w->polls();
    p.handle = handle;
    p.handle.task_id = w->task_id();
    p.handle.external_task_id = w->external_task_id();
    p.handle.provider = w->provider();
    const auto to_wall = [&](protocol::time_point t) {
      return time_source::steady_to_wall(t, now, wall.wall_now());
    };
    if (w->next_poll()) p.handle.next_poll_at = to_wall(*w->next_poll());
    p.handle.deadline = to_wall(w->deadline());
    progress(p);
  };
  return hooks;
}

KLING_LAZY_DEF result<download_result>
KLING_LAZY_MEMBER_OF(videos_core)::download_task(const task &t, const std::string &path,
                                                 const download_settings &settings) {
  if (auto usable = downloadable(t, settings); !usable) return std::move(usable).error();
  return download_video(t, 0, path, settings);
}

KLING_LAZY_DEF result<std::vector<download_result>>
KLING_LAZY_MEMBER_OF(videos_core)::download_task_all(const task &t, const std::string &path,
                                                     const download_settings &settings) {
  if (auto usable = downloadable(t, settings); !usable) return std::move(usable).error();
  std::vector<download_result> out;
  for (std::size_t i = 0; i < t.videos.size(); ++i) {
    auto one = download_video(t, i, numbered_path(path, i), settings);
    if (!one) return std::move(one).error();
    out.push_back(std::move(*one));
  }
  return out;
}

KLING_LAZY_DEF result<download_result>
KLING_LAZY_MEMBER_OF(videos_core)::download_url(const std::string &url, const std::string &path,
                                                const download_settings &settings) {
  return session_->scrub(download_detail::download_file(*session_, url, path, settings));
}

KLING_LAZY_DEF result<std::uint64_t>
KLING_LAZY_MEMBER_OF(videos_core)::download_url_to(const std::string &url,
                                                   const std::function<bool(std::string_view)> &sink,
                                                   const download_settings &settings) {
  return session_->scrub(download_detail::download_to_sink(*session_, url, sink, settings));
}

KLING_LAZY_DEF result<void>
KLING_LAZY_MEMBER_OF(videos_core)::downloadable(const task &t, const download_settings &settings) const {
  if (t.status != task_status::completed || t.videos.empty()) {
    return error{errc::not_found,
                 "task " + t.id + " has no video to download (status " + to_string(t.status) + ")"};
  }
  return check_download_settings(settings);
}

KLING_LAZY_DEF result<download_result>
KLING_LAZY_MEMBER_OF(videos_core)::download_video(const task &t, std::size_t index, const std::string &path,
                                                  const download_settings &settings) {
  std::vector<std::string> warnings;
  if (t.url_expires_at) {
    const auto left = *t.url_expires_at - session_->options().time().wall_now();
    if (left < settings.expiry_warning) {
      warnings.push_back(left.count() <= 0 ? "the result URL expired at " + format_iso8601(*t.url_expires_at)
                                           : "the result URL expires at " +
                                                 format_iso8601(*t.url_expires_at) + "; keep a copy");
    }
  }
  const video &v = t.videos[index];
  result<download_result> out = v.url.empty() && !v.b64_json.empty() ? write_inline(v.b64_json, path)
                                                                     : download_url(v.url, path, settings);
  if (out) out->warnings.insert(out->warnings.begin(), warnings.begin(), warnings.end());
  return out;
}

KLING_LAZY_DEF std::string KLING_LAZY_MEMBER_OF(videos_core)::numbered_path(const std::string &path,
                                                                            std::size_t index) {
  if (index == 0) return path;
  const std::size_t slash = path.find_last_of("/\\");
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1)
    dot = path.size();
  return path.substr(0, dot) + "-" + std::to_string(index + 1) + path.substr(dot);
}

KLING_LAZY_DEF result<download_result>
KLING_LAZY_MEMBER_OF(videos_core)::write_inline(const std::string &b64, const std::string &path) {
  auto bytes = base64::decode(b64);
  if (!bytes) return error{errc::parse, "the task's inline video (b64_json): " + bytes.error().message};
  if (auto written = files::write_file(path, *bytes); !written) return std::move(written).error();
  download_result out;
  out.path = path;
  out.bytes = bytes->size();
  return out;
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_VIDEOS_IPP
