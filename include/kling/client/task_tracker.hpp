// task_tracker: many tasks followed from one tick(now) call per frame, for
// game loops. Polls go out through the transport's async_send only when each
// task is due; completions, whatever thread they arrive on, are taken in at
// the next tick; every callback runs inside tick(), on the caller's thread.
// Creates wait in a submission queue with a limit on how many are in flight,
// which shrinks and pauses when the provider reports its concurrency limit
// (1303) and grows back as creates succeed.
//
//   kling::basic_task_tracker<my_engine_transport> tracker{client};
//   tracker.submit(request, {.progress = show, .done = play, .failed = report});
//   tracker.track(saved_handle, callbacks);       // resume after a restart
//   // every frame:
//   tracker.tick(std::chrono::steady_clock::now());
//
// Thread safety: tick, submit, track, cancel and handles from one thread
// (the game thread); transport completions may arrive on any thread.
#ifndef KLING_CLIENT_TASK_TRACKER_HPP
#define KLING_CLIENT_TASK_TRACKER_HPP

#include <algorithm>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/client/basic_client.hpp"
#include "kling/protocol/create_machine.hpp"
#include "kling/protocol/wait_machine.hpp"

KLING_NAMESPACE_BEGIN

struct tracker_callbacks {
  std::function<void(const task &)> progress; // created, and on every change of status
  std::function<void(const task &)> done;     // completed
  std::function<void(const error &)> failed;  // refused, failed, unknown status, deadline, cancelled
};

struct tracker_settings {
  int max_creates_in_flight = 2;
  std::optional<protocol::wait_options> wait; // none: the client's options().wait()
  // After a concurrency error (1303), hold new creates this long, doubling up to the cap.
  std::chrono::milliseconds concurrency_backoff{std::chrono::seconds(2)};
  std::chrono::milliseconds max_concurrency_backoff{std::chrono::seconds(60)};
};

template <class Transport>
class basic_task_tracker {
  static_assert(has_async_send_v<Transport>,
                "kling: task_tracker sends through `async_send`; this transport has none (see "
                "kling/transport/requirements.hpp)");

public:
  using id = std::uint64_t;

  explicit basic_task_tracker(const basic_client<Transport> &client, tracker_settings settings = {})
      : session_(client.session()), settings_(settings), limit_(std::max(1, settings_.max_creates_in_flight)),
        inbox_(std::make_shared<inbox>()) {}

  // Requests still out are abandoned (when the transport can); their answers go nowhere.
  ~basic_task_tracker() {
    for (auto &it : items_)
      give_up_request(it);
  }
  // The source of a move may only be destroyed.
  basic_task_tracker(basic_task_tracker &&) = default;
  basic_task_tracker(const basic_task_tracker &) = delete; // one owner per task and its callbacks
  basic_task_tracker &operator=(const basic_task_tracker &) = delete;
  basic_task_tracker &operator=(basic_task_tracker &&) = delete;

  // Queues a create; the task is followed once created. A request that breaks
  // a rule fails at the next tick, without being sent.
  template <class Request, class = decltype(Request::route)>
  id submit(const Request &request, tracker_callbacks cb) {
    return enqueue(json(request), rules::validate(request), std::move(cb));
  }
  id submit(const json &body, tracker_callbacks cb) {
    return enqueue(body, rules::validate(body), std::move(cb));
  }

  // Follows an existing task (a saved handle resumes where it left off; its
  // times are converted with the wall clock given).
  id track(const task_handle &handle, tracker_callbacks cb, protocol::time_point now, timestamp wall_now) {
    item it = new_item(std::move(cb));
    it.external_id = handle.external_task_id;
    std::optional<protocol::time_point> first, deadline;
    const auto to_steady = [&](timestamp t) { return time_source::wall_to_steady(t, now, wall_now); };
    if (handle.next_poll_at) first = to_steady(*handle.next_poll_at);
    if (handle.deadline) deadline = to_steady(*handle.deadline);
    it.waiting.emplace(handle.task_id, handle.provider, wait_options(), session_->options().retry(),
                       session_->next_random(), now, first, deadline);
    items_.push_back(std::move(it));
    return items_.back().key;
  }

  // Stops following (or creating) a task: its request in flight, if any, is
  // abandoned at once (when the transport can), and its failed callback gets
  // errc::cancelled at the next tick.
  void cancel(id key) {
    take_completions(); // an answer already in is not abandoned
    for (auto &it : items_) {
      if (it.key != key) continue;
      it.cancelled = true;
      give_up_request(it);
    }
  }

  // Call once per frame: takes in completions, sends what is due, runs callbacks.
  void tick(protocol::time_point now) {
    take_completions();
    for (auto it = items_.begin(); it != items_.end();) {
      it = advance(*it, now) ? items_.erase(it) : std::next(it);
    }
    start_queued_creates(now);
  }

  // Tasks being created or followed.
  std::size_t active() const { return items_.size(); }
  int creates_in_flight() const { return creating_; }
  int create_limit() const { return limit_; }

  // Handles of the followed tasks, to save; times in calendar time. A create
  // in flight is saved under its external_task_id (the gateway finds a task
  // by it); creates still queued were never sent and are not saved.
  std::vector<task_handle> handles(protocol::time_point now, timestamp wall_now) const {
    std::vector<task_handle> out;
    const auto to_wall = [&](protocol::time_point t) {
      return time_source::steady_to_wall(t, now, wall_now);
    };
    for (const auto &it : items_) {
      if (it.creating && !it.external_id.empty()) {
        // Created or not, the gateway knows it by its external id: resuming looks it up.
        task_handle h;
        h.task_id = it.external_id;
        h.external_task_id = it.external_id;
        out.push_back(std::move(h));
        continue;
      }
      if (!it.waiting) continue;
      task_handle h;
      h.task_id = it.waiting->task_id();
      h.provider = it.waiting->provider();
      h.external_task_id = it.external_id;
      if (it.waiting->next_poll()) h.next_poll_at = to_wall(*it.waiting->next_poll());
      h.deadline = to_wall(it.waiting->deadline());
      out.push_back(std::move(h));
    }
    return out;
  }

private:
  struct inbox { // filled by the transport's threads, emptied by tick
    std::mutex mutex;
    std::vector<std::pair<id, result<http_response>>> answers;
  };

  struct item {
    id key = 0;
    tracker_callbacks cb;
    json request;                 // for queued creates
    std::optional<error> refused; // a create that breaks rules
    std::optional<protocol::create_machine> creating;
    std::optional<protocol::wait_machine> waiting;
    std::optional<result<http_response>> answer; // taken from the inbox
    std::string external_id;
    bool queued = false;
    bool in_flight = false;
    abandon_request abandon; // for the request in flight, when the transport offers one
    bool cancelled = false;
    std::optional<task_status> reported;
  };

  // Gives up the item's request if it is still out; its answer, if it comes,
  // finds no item at the next tick and is dropped.
  static void give_up_request(item &it) {
    if (!it.in_flight || it.answer || !it.abandon) return;
    auto give_up = std::exchange(it.abandon, nullptr);
    give_up();
  }

  protocol::wait_options wait_options() const { return settings_.wait.value_or(session_->options().wait()); }

  item new_item(tracker_callbacks cb) {
    item it;
    it.key = ++last_key_;
    it.cb = std::move(cb);
    return it;
  }

  id enqueue(json body, const rules::report &checked, tracker_callbacks cb) {
    item it = new_item(std::move(cb));
    auto prepared = prepare_create(*session_, std::move(body), checked);
    if (!prepared) {
      it.refused = std::move(prepared).error();
    } else {
      if (const json *ext = find_member(*prepared, "external_task_id"); ext && ext->is_string()) {
        it.external_id = ext->get<std::string>();
      }
      it.request = std::move(*prepared);
      it.queued = true;
    }
    items_.push_back(std::move(it));
    return items_.back().key;
  }

  void take_completions() {
    std::vector<std::pair<id, result<http_response>>> answers;
    {
      std::lock_guard<std::mutex> lock(inbox_->mutex);
      answers.swap(inbox_->answers);
    }
    for (auto &a : answers) {
      for (auto &it : items_) {
        if (it.key == a.first) it.answer = std::move(a.second);
      }
    }
  }

  void start_queued_creates(protocol::time_point now) {
    for (auto &it : items_) {
      if (!it.queued || creating_ >= limit_ || now < hold_until_) continue;
      it.queued = false;
      it.creating.emplace(std::move(it.request), session_->options().retry(), session_->next_random());
      ++creating_;
      send_if_due(it, now);
    }
  }

  // Advances one item; true when it is finished and can be dropped.
  bool advance(item &it, protocol::time_point now) {
    if (it.cancelled) return finish(it, error{errc::cancelled, "cancelled by the caller"});
    if (it.refused) return finish(it, *it.refused);
    if (it.queued) return false;
    if (it.answer) {
      it.in_flight = false;
      it.abandon = nullptr;
      if (it.creating) note_concurrency(*it.answer, now);
      result<http_response> answer = session_->scrub(std::move(*it.answer));
      it.answer.reset();
      if (it.creating)
        it.creating->on_response(std::move(answer), now);
      else
        it.waiting->on_response(std::move(answer), now);
    }
    if (it.creating && it.creating->done()) {
      --creating_;
      auto created = session_->scrub(it.creating->take_result());
      it.creating.reset();
      if (!created) return finish(it, std::move(created).error());
      if (now >= hold_until_) { // grow back only once the pause after a 1303 is over
        limit_ = std::min(std::max(1, settings_.max_creates_in_flight), limit_ + 1);
        backoff_ = settings_.concurrency_backoff;
      }
      report(it, *created);
      if (created->finished()) return finish(it, std::move(*created));
      it.waiting.emplace(created->id, created->provider, wait_options(), session_->options().retry(),
                         session_->next_random(), now);
    }
    if (it.waiting && it.waiting->done()) {
      auto t = session_->scrub(it.waiting->take_result());
      if (t) report(it, *t);
      return t ? finish(it, std::move(*t)) : finish(it, std::move(t).error());
    }
    if (it.waiting && it.waiting->last_task()) report(it, *it.waiting->last_task());
    send_if_due(it, now);
    return false;
  }

  void send_if_due(item &it, protocol::time_point now) {
    if (it.in_flight) return;
    for (;;) {
      protocol::step next = it.creating ? it.creating->next() : it.waiting->next();
      if (next.kind == protocol::step_kind::sleep) {
        if (now < next.wake_at) return;
        if (it.creating)
          it.creating->on_wake(now);
        else
          it.waiting->on_wake(now);
        continue;
      }
      if (next.kind != protocol::step_kind::send) return;
      auto prepared = session_->prepare(std::move(next.request));
      if (!prepared) {
        std::lock_guard<std::mutex> lock(inbox_->mutex);
        inbox_->answers.emplace_back(it.key, std::move(prepared).error());
        return;
      }
      it.in_flight = true;
      std::weak_ptr<inbox> box = inbox_;
      const id key = it.key;
      auto request = std::make_shared<http_request>(std::move(*prepared));
      // Weak: a transport that holds completions (an engine's queue, a deferred
      // mock) must not keep the session that owns it alive.
      std::weak_ptr<session<Transport>> weak_session = session_;
      const auto started = session_->options().time().now();
      const body_limit limit = session_->limit_body(*request);
      it.abandon = kling::start_exchange(
          session_->transport(), *request,
          [box, key, request, limit, weak_session, started](result<http_response> answer) {
            answer = limit.finish(std::move(answer));
            if (auto s = weak_session.lock())
              s->observe(*request, answer, s->options().time().now() - started);
            if (auto b = box.lock()) {
              std::lock_guard<std::mutex> lock(b->mutex);
              b->answers.emplace_back(key, std::move(answer));
            }
          });
      return;
    }
  }

  // A 429 with the provider's concurrency code: fewer creates at once, and a pause.
  void note_concurrency(const result<http_response> &answer, protocol::time_point now) {
    if (!answer || answer->status != 429) return;
    if (protocol::error_from_response(*answer).provider_code != "1303") return;
    limit_ = std::max(1, creating_ - 1);
    hold_until_ = now + backoff_;
    backoff_ = std::min(settings_.max_concurrency_backoff, backoff_ * 2);
  }

  void report(item &it, const task &t) {
    if (it.reported == t.status) return;
    it.reported = t.status;
    if (it.cb.progress) it.cb.progress(t);
  }

  bool finish(item &it, task t) {
    if (t.status == task_status::completed) {
      if (it.cb.done) it.cb.done(t);
    } else if (it.cb.failed) {
      it.cb.failed(error{errc::task_failed, "task " + t.id + " failed" +
                                                (t.error_message.empty() ? "" : ": " + t.error_message)});
    }
    return true;
  }
  bool finish(item &it, error e) {
    if (it.creating) --creating_;
    it.creating.reset();
    if (it.cb.failed) it.cb.failed(e);
    return true;
  }

  std::shared_ptr<session<Transport>> session_;
  tracker_settings settings_;
  std::list<item> items_;
  id last_key_ = 0;
  int creating_ = 0;
  int limit_;
  protocol::time_point hold_until_{};
  std::chrono::milliseconds backoff_ = settings_.concurrency_backoff;
  std::shared_ptr<inbox> inbox_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_TASK_TRACKER_HPP
