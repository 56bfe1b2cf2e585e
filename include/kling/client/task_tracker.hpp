// task_tracker: the tick-driven driver of the protocol machines, for game
// loops: many operations advanced from one tick(now) call per frame.
// Requests go out through the transport's async_send only when each
// operation is due; completions, whatever thread they arrive on, are taken
// in at the next tick; every callback (the observer included) runs inside
// tick(), on the caller's thread. Tasks are created and followed with
// submit/track; any other operation (a get, an element call) runs with run().
// Creates wait in a submission queue with a limit on how many are in flight,
// which shrinks and pauses when the provider reports its concurrency limit
// (1303) and grows back as creates succeed.
//
// A tick costs what is due, not what is tracked: sleeping operations wait
// in a heap keyed by their wake time, and only those due, those answered,
// cancelled or new are advanced (in the order they were added, as a loop
// over all of them would). next_due() looks at the heap's top only.
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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/client/basic_client.hpp"
#include "kling/core/boxed.hpp"
#include "kling/protocol/create_and_wait_machine.hpp"

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

namespace tracker_detail {

// One operation of any kind, as the tick driver sees it.
struct operation {
  virtual ~operation() = default;
  virtual protocol::step next() const = 0;
  virtual void on_response(result<http_response> answer, protocol::time_point now) = 0;
  virtual void on_wake(protocol::time_point now) = 0;
  virtual void stop(error e) = 0;
  virtual bool done() const = 0;
  virtual void finish(session_core &s) = 0; // the outcome to its callbacks
  virtual void report() {}                  // progress, after each event
  virtual bool creating() const { return false; }
  virtual bool created() const { return false; } // a create succeeded
  virtual void start(protocol::time_point) {}    // a queued create begins
  // Fills out and returns true when the operation can be resumed from a handle.
  // (Not an optional<task_handle>: compiling that type here cost every file.)
  virtual bool handle(protocol::time_point, timestamp, task_handle &) const { return false; }
};

// An operation's machine, or the error that ends it before it has one (a
// machine that could not be built, a queued create cancelled or refused).
template <class Machine>
struct machine_slot : operation {
  protocol::step next() const override { return machine ? machine->next() : protocol::done_step(); }
  void on_response(result<http_response> a, protocol::time_point now) override {
    machine->on_response(std::move(a), now);
  }
  void on_wake(protocol::time_point now) override { machine->on_wake(now); }
  void stop(error e) override {
    if (machine)
      machine->stop(std::move(e));
    else
      refused = std::move(e);
  }
  bool done() const override { return refused || (machine && machine->done()); }
  machine_result_t<Machine> outcome(session_core_for<Machine> &s) {
    using R = machine_result_t<Machine>;
    return s.scrub(refused ? R(std::move(*refused)) : machine->take_result());
  }
  std::optional<Machine> machine;
  boxed<error> refused; // rare: held apart to keep every operation small
};

// Any machine given to run(), with its callback.
template <class Machine, class T>
struct machine_operation : machine_slot<Machine> {
  machine_operation(result<Machine> m, std::function<void(result<T>)> d, driver_hooks<Machine> h)
      : done_(std::move(d)), hooks(std::move(h)) {
    if (m)
      this->machine.emplace(std::move(*m));
    else
      this->refused = std::move(m).error();
  }
  void on_response(result<http_response> a, protocol::time_point now) override {
    machine_slot<Machine>::on_response(std::move(a), now);
    if (hooks.after_response) hooks.after_response(*this->machine, now);
  }
  void finish(session_core &s) override {
    auto outcome = this->outcome(s);
    if (done_) done_(std::move(outcome));
  }
  std::function<void(result<T>)> done_;
  driver_hooks<Machine> hooks;
};

} // namespace tracker_detail

// The tracker with its transport out of sight: everything but the compile-time
// check that the transport sends asynchronously and the typed submit and run.
KLING_LAZY_CLASS task_tracker_core {
public:
  using id = std::uint64_t;

  task_tracker_core(std::shared_ptr<session_core> s, tracker_settings settings);
  // Requests still out are abandoned (when the transport can); their answers go nowhere.
  ~task_tracker_core();
  // The source of a move may only be destroyed.
  task_tracker_core(task_tracker_core &&) noexcept;
  task_tracker_core(const task_tracker_core &) = delete; // one owner per task and its callbacks
  task_tracker_core &operator=(const task_tracker_core &) = delete;
  task_tracker_core &operator=(task_tracker_core &&) = delete;

  // Queues a create from a JSON body (see basic_task_tracker::submit).
  id submit(const json &body, tracker_callbacks cb, call_options call = {});

  // Follows an existing task (a saved handle resumes where it left off; its
  // times are converted with the wall clock given).
  id track(const task_handle &handle, tracker_callbacks cb, protocol::time_point now, timestamp wall_now,
           call_options call = {});

  // Stops following (or creating) a task: its request in flight, if any, is
  // abandoned at once (when the transport can), and its failed callback gets
  // errc::cancelled at the next tick.
  void cancel(id key);

  // Call once per frame: takes in completions, sends what is due, runs callbacks.
  void tick(protocol::time_point now);

  // When the next tick has something to do: now when an answer is in or a
  // create waits for its turn, else the earliest time an operation is due;
  // nothing when only requests in flight remain. A loop that can sleep
  // (a server, a test) ticks then.
  std::optional<protocol::time_point> next_due() const;

  // Operations being run (tasks being created or followed included).
  std::size_t active() const;
  int creates_in_flight() const;
  int create_limit() const;

  // Handles of the followed tasks, to save; times in calendar time. A create
  // in flight is saved under its external_task_id (the gateway finds a task
  // by it); creates still queued were never sent and are not saved.
  std::vector<task_handle> handles(protocol::time_point now, timestamp wall_now) const;

protected:
  // A create checked by the rules, queued for its turn.
  id enqueue(json body, const rules::report &checked, tracker_callbacks cb, call_options call);
  // An operation to advance from the next tick.
  id add(std::unique_ptr<tracker_detail::operation> op, call_options call);

private:
  struct state; // the items, the wake heap, the queue: in the definitions part
  boxed<state> state_;
};

// The core's base depends on Transport only so that these bodies compile where they are used.
template <class Transport>
class basic_task_tracker
    : public lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(task_tracker_core), Transport> {
  using core = lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(task_tracker_core), Transport>;

public:
  using typename core::id;

  explicit basic_task_tracker(const basic_client<Transport> &client, tracker_settings settings = {})
      : core(client.session(), settings) {
    check_async_transport<Transport>(); // it sends through async_send
  }

  // Queues a create; the task is followed once created. A request that breaks
  // a rule fails at the next tick, without being sent.
  template <class Request, class = decltype(Request::route)>
  id submit(const Request &request, tracker_callbacks cb, call_options call = {}) {
    json body = request;
    const rules::report checked = rules::validate(request, body);
    return this->enqueue(std::move(body), checked, std::move(cb), std::move(call));
  }
  using core::submit;

  // Runs any operation: a protocol machine whose take_result() gives
  // result<T>, as the resources build them (videos().get_operation(...),
  // elements().list_operation(...)). done is called inside a tick with the
  // outcome the blocking call would have had; a machine that could not be
  // built gives its error at the next tick.
  template <class Machine>
  id run(result<Machine> machine, std::function<void(machine_result_t<Machine>)> done, call_options call = {},
         driver_hooks<Machine> hooks = {}) {
    using T = typename machine_result_t<Machine>::value_type;
    machine = no_external_task_id(call, "run (give it to the create's operation)", std::move(machine));
    return this->add(std::make_unique<tracker_detail::machine_operation<Machine, T>>(
                         std::move(machine), std::move(done), std::move(hooks)),
                     std::move(call));
  }
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_TASK_TRACKER_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_TASK_TRACKER_IPP)
#define KLING_CLIENT_TASK_TRACKER_IPP

#include <deque>
#include <map>
#include <set>

KLING_NAMESPACE_BEGIN

KLING_LAZY_TEMPLATE struct KLING_LAZY_MEMBER_OF(task_tracker_core)::state {
  // Named through KLING_DEFERRED, as the types below that depend on them:
  // header-only, what they instantiate is compiled only where a tracker is.
  using id = KLING_DEFERRED(std::uint64_t);
  using operation = KLING_DEFERRED(tracker_detail::operation);
  using exchange = KLING_DEFERRED(session_core::exchange);
  using machine_slot = tracker_detail::machine_slot<KLING_DEFERRED(protocol::create_and_wait_machine)>;

  state(std::shared_ptr<session_core> s, tracker_settings t)
      : session_(std::move(s)), settings_(t), limit_(std::max(1, settings_.max_creates_in_flight)),
        inbox_(std::make_shared<inbox>()) {}

  ~state() {
    for (auto &entry : items_)
      give_up_request(entry.second);
  }

  // What a queued create starts its machine with.
  struct queued_create {
    json body;
    std::vector<violation> warnings;
    protocol::wait_options wait;
    protocol::retry_policy policy;
    std::uint64_t seed = 0;
  };

  // A task: created (when started from the queue) then followed, or only followed.
  struct task_operation : machine_slot {
    using machine_slot::machine;
    using machine_slot::refused; // a create that breaks rules
    explicit task_operation(tracker_callbacks c) : cb(std::move(c)) {}
    void finish(session_core &s) override {
      auto outcome = this->outcome(s);
      if (outcome) {
        report_status(*outcome);
        if (cb.done) cb.done(*outcome);
      } else if (cb.failed) {
        cb.failed(outcome.error());
      }
    }
    void report() override {
      if (!machine) return;
      const task *seen = machine->last_seen();
      if (seen && reported != seen->status)
        report_status(*machine->last_task()); // copied only when it changed
    }
    bool creating() const override { return machine && machine->creating(); }
    bool created() const override { return machine && machine->last_seen(); }
    void start(protocol::time_point now) override {
      boxed<queued_create> q = std::move(queued);
      machine.emplace(std::move(q->body), std::move(q->warnings), q->wait, q->policy, q->seed, now);
    }
    bool handle(protocol::time_point now, timestamp wall_now, task_handle &h) const override {
      if (!machine || machine->done()) return false;
      if (machine->creating()) {
        // Created or not, the gateway knows it by its external id: resuming looks it up.
        if (machine->external_task_id().empty()) return false;
        h.task_id = h.external_task_id = machine->external_task_id();
        return true;
      }
      const protocol::wait_machine &w = *machine->waiting();
      const auto to_wall = [&](protocol::time_point t) {
        return time_source::steady_to_wall(t, now, wall_now);
      };
      h.task_id = w.task_id();
      h.provider = w.provider();
      h.external_task_id = w.external_task_id();
      if (w.next_poll()) h.next_poll_at = to_wall(*w.next_poll());
      h.deadline = to_wall(w.deadline());
      return true;
    }
    void report_status(const task &t) {
      if (reported == t.status) return;
      reported = t.status;
      if (cb.progress) cb.progress(t);
    }

    tracker_callbacks cb;
    std::optional<KLING_DEFERRED(task_status)> reported;
    boxed<queued_create> queued; // until it starts
  };

  void tick(protocol::time_point now) {
    take_completions();
    note_cancelled_tokens();
    while (!wakes_.empty() && wakes_.front().at <= now) {
      if (live(wakes_.front())) ready_.insert(wakes_.front().key);
      std::pop_heap(wakes_.begin(), wakes_.end(), later);
      wakes_.pop_back();
    }
    // In key order, as a loop over every item would: an item a callback
    // adds or cancels is advanced in this tick if it comes after the one
    // being advanced, else in the next.
    for (id current = 0;;) {
      const auto next = ready_.upper_bound(current);
      if (next == ready_.end()) break;
      current = *next;
      ready_.erase(next);
      const auto found = items_.find(current);
      if (found == items_.end()) continue;
      found->second.scheduled = false;
      if (advance(found->second, now)) {
        items_.erase(found);
        ready_.erase(current); // a callback may have cancelled it again
      }
    }
    start_queued_creates(now);
    if (wakes_.size() > 2 * items_.size() + 64) drop_stale_wakes();
  }

  std::optional<protocol::time_point> next_due() const {
    {
      std::lock_guard<std::mutex> lock(inbox_->mutex);
      if (!inbox_->answers.empty()) return protocol::time_point::min();
    }
    // Answered, cancelled, new or finished: advanced at the next tick.
    if (!ready_.empty()) return protocol::time_point::min();
    std::optional<protocol::time_point> due;
    if (queued_ > 0 && creating_ < limit_) due = hold_until_;
    while (!wakes_.empty() && !live(wakes_.front())) { // dropped lazily: cancelled, finished or woken
      std::pop_heap(wakes_.begin(), wakes_.end(), later);
      wakes_.pop_back();
    }
    if (!wakes_.empty() && (!due || wakes_.front().at < *due)) due = wakes_.front().at;
    return due;
  }

  std::vector<task_handle> handles(protocol::time_point now, timestamp wall_now) const {
    std::vector<task_handle> out;
    for (const auto &entry : items_) {
      const item &it = entry.second;
      if (it.queued) continue;
      task_handle h;
      if (it.op->handle(now, wall_now, h)) out.push_back(std::move(h));
    }
    return out;
  }

  void cancel(id key) {
    take_completions(); // an answer already in is not abandoned
    const auto found = items_.find(key);
    if (found == items_.end()) return;
    found->second.cancelled = true;
    give_up_request(found->second);
    ready_.insert(key);
  }

  id track(const task_handle &handle, tracker_callbacks cb, protocol::time_point now, timestamp wall_now,
           call_options call = {}) {
    if (auto usable = no_external_task_id(call, "track (the handle names the task)"); !usable) {
      auto refused = std::make_unique<task_operation>(std::move(cb));
      refused->refused = std::move(usable).error();
      return add(std::move(refused), std::move(call), false);
    }
    protocol::wait_machine waiting =
        follow(handle, settings_.wait.value_or(session_->options().wait()), session_->options().retry(),
               session_->next_random(), now, wall_now);
    auto op = std::make_unique<task_operation>(std::move(cb));
    op->machine.emplace(std::move(waiting));
    return add(std::move(op), std::move(call), false);
  }

  id submit(const json &body, tracker_callbacks cb, call_options call = {}) {
    return enqueue(body, rules::validate(body), std::move(cb), std::move(call));
  }

  struct inbox { // filled by the transport's threads, emptied by tick
    std::mutex mutex;
    std::vector<std::pair<id, result<http_response>>> answers;
  };

  struct item {
    id key = 0;
    std::unique_ptr<operation> op;
    call_options call;
    std::shared_ptr<exchange> in_flight;
    boxed<result<http_response>> answer; // taken from the inbox
    abandon_request abandon;             // for the request in flight, when the transport offers one
    std::uint32_t wake_seq = 0;          // which entry of the wake heap is this item's
    bool scheduled = false;              // sleeping, with a live entry in the wake heap
    bool queued = false;                 // a create waiting for its turn
    bool counted = false;                // holds one of the creates in flight
    bool cancelled = false;
  };

  // An entry of the wake heap; stale (dropped when met) once its item is
  // gone or has moved on (a newer wake_seq).
  struct wake {
    protocol::time_point at;
    id key;
    std::uint32_t seq;
  };
  static bool later(const wake &a, const wake &b) { return b.at < a.at || (!(a.at < b.at) && b.key < a.key); }

  bool live(const wake &w) const {
    const auto found = items_.find(w.key);
    return found != items_.end() && found->second.scheduled && found->second.wake_seq == w.seq;
  }

  void schedule(item &it, protocol::time_point at) {
    it.scheduled = true;
    wakes_.push_back(wake{at, it.key, ++it.wake_seq});
    std::push_heap(wakes_.begin(), wakes_.end(), later);
  }

  void drop_stale_wakes() {
    wakes_.erase(std::remove_if(wakes_.begin(), wakes_.end(), [&](const wake &w) { return !live(w); }),
                 wakes_.end());
    std::make_heap(wakes_.begin(), wakes_.end(), later);
  }

  // Items whose call can be cancelled through its token are looked at every
  // tick (only those): a cancelled one is advanced, to end.
  void note_cancelled_tokens() {
    watched_.erase(std::remove_if(watched_.begin(), watched_.end(),
                                  [&](id key) {
                                    const auto found = items_.find(key);
                                    if (found == items_.end()) return true;
                                    if (found->second.call.cancel.cancelled()) ready_.insert(key);
                                    return false;
                                  }),
                   watched_.end());
  }

  // Gives up the item's request if it is still out; its answer, if it comes,
  // finds no item at the next tick and is dropped.
  static void give_up_request(item &it) {
    if (!it.in_flight || it.answer || !it.abandon) return;
    auto give_up = std::exchange(it.abandon, nullptr);
    give_up();
  }

  id add(std::unique_ptr<operation> op, call_options call, bool queued = false) {
    const id key = ++last_key_;
    item &it = items_[key];
    it.key = key;
    it.op = std::move(op);
    it.call = std::move(call);
    it.queued = queued;
    if (it.call.cancel.can_be_cancelled()) watched_.push_back(key);
    if (queued) {
      queue_.push_back(key);
      ++queued_;
    } else {
      ready_.insert(key); // sends (or fails) at the next tick
    }
    return key;
  }

  id enqueue(json body, const rules::report &checked, tracker_callbacks cb, call_options call) {
    auto op = std::make_unique<task_operation>(std::move(cb));
    auto prepared = prepare_create(*session_, std::move(body), checked, call);
    if (!prepared) {
      op->refused = std::move(prepared).error();
      return add(std::move(op), std::move(call), false);
    }
    op->queued.emplace();
    op->queued->body = std::move(*prepared);
    op->queued->warnings = checked.warnings;
    op->queued->wait = settings_.wait.value_or(session_->options().wait());
    op->queued->policy = session_->options().retry();
    op->queued->seed = session_->next_random();
    return add(std::move(op), std::move(call), true);
  }

  void take_completions() {
    std::vector<std::pair<id, result<http_response>>> answers;
    {
      std::lock_guard<std::mutex> lock(inbox_->mutex);
      answers.swap(inbox_->answers);
    }
    for (auto &a : answers) {
      const auto found = items_.find(a.first);
      if (found == items_.end()) continue; // given up: goes nowhere
      found->second.answer = std::move(a.second);
      ready_.insert(a.first);
    }
  }

  void start_queued_creates(protocol::time_point now) {
    while (!queue_.empty() && creating_ < limit_ && !(now < hold_until_)) {
      const auto found = items_.find(queue_.front());
      queue_.pop_front();
      if (found == items_.end() || !found->second.queued) continue; // cancelled while queued
      item &it = found->second;
      it.queued = false;
      --queued_;
      it.op->start(now);
      it.counted = true;
      ++creating_;
      send_if_due(it, now);
    }
  }

  // Advances one item; true when it is finished and can be dropped.
  bool advance(item &it, protocol::time_point now) {
    const auto cancelled = [&] { return it.cancelled || it.call.cancel.cancelled(); };
    if (it.queued && !cancelled()) return false;
    const bool was_cancelled = cancelled();
    if (was_cancelled) give_up_request(it); // its answer, if one comes, goes nowhere
    if (it.answer) {
      result<http_response> answer = session_->close(*it.in_flight, std::move(*it.answer));
      it.in_flight.reset();
      it.answer.reset();
      it.abandon = nullptr;
      if (it.op->creating()) note_concurrency(answer, now);
      // An answer to a cancelled call is observed, not used: the call ends as cancelled.
      if (!was_cancelled) it.op->on_response(std::move(answer), now);
    }
    // Again: the observer, run just now, may have cancelled it.
    if (!it.op->done() && cancelled()) it.op->stop(cancelled_by_caller());
    if (it.counted && !it.op->creating()) create_ended(it, now);
    if (it.op->done()) {
      if (it.queued) --queued_; // cancelled while queued
      it.op->finish(*session_);
      return true;
    }
    it.op->report();
    send_if_due(it, now);
    return false;
  }

  // A create in flight has ended (the task exists, or the create failed).
  void create_ended(item &it, protocol::time_point now) {
    it.counted = false;
    --creating_;
    if (it.op->created() && now >= hold_until_) { // grow back only once the pause after a 1303 is over
      limit_ = std::min(std::max(1, settings_.max_creates_in_flight), limit_ + 1);
      backoff_ = settings_.concurrency_backoff;
    }
  }

  void send_if_due(item &it, protocol::time_point now) {
    if (it.in_flight) return;
    for (;;) {
      protocol::step next = it.op->next();
      if (next.kind == protocol::step_kind::sleep) {
        if (now < next.wake_at) return schedule(it, next.wake_at);
        it.op->on_wake(now);
        continue;
      }
      if (next.kind != protocol::step_kind::send) { // finished: reported at the next tick
        ready_.insert(it.key);
        return;
      }
      auto opened = session_->open(std::move(next.request), it.call);
      if (!opened) { // nothing was sent: the machine decides at once, the next tick goes on
        it.op->on_response(std::move(opened).error(), now);
        const protocol::step after = it.op->next();
        if (after.kind == protocol::step_kind::sleep)
          schedule(it, after.wake_at);
        else
          ready_.insert(it.key);
        return;
      }
      it.in_flight = std::make_shared<exchange>(std::move(*opened));
      std::weak_ptr<inbox> box = inbox_;
      const id key = it.key;
      auto x = it.in_flight; // kept until the transport completes, whatever the call does meanwhile
      it.abandon = session_->send_async(*x, [box, key, x](result<http_response> answer) {
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

  std::shared_ptr<session_core> session_;
  tracker_settings settings_;
  std::map<id, item> items_; // in the order they were added
  // The wake heap (earliest first), with stale entries dropped lazily.
  mutable std::vector<wake> wakes_;
  std::set<id> ready_;      // to advance at the next tick whatever the time
  std::deque<id> queue_;    // queued creates in order (entries of cancelled ones dropped when met)
  std::size_t queued_ = 0;  // creates still queued
  std::vector<id> watched_; // items with a cancellable token
  id last_key_ = 0;
  int creating_ = 0;
  int limit_;
  protocol::time_point hold_until_{};
  std::chrono::milliseconds backoff_ = settings_.concurrency_backoff;
  std::shared_ptr<inbox> inbox_;
};

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(task_tracker_core)::task_tracker_core(std::shared_ptr<session_core> s,
                                                                          tracker_settings settings) {
  state_.emplace(std::move(s), settings);
}

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(task_tracker_core)::~task_tracker_core() = default;

KLING_LAZY_DEF
KLING_LAZY_MEMBER_OF(task_tracker_core)::task_tracker_core(task_tracker_core &&) noexcept = default;

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(task_tracker_core)::submit(const json &body, tracker_callbacks cb,
                                                                    call_options call) -> id {
  return state_->submit(body, std::move(cb), std::move(call));
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(task_tracker_core)::track(const task_handle &handle,
                                                                   tracker_callbacks cb,
                                                                   protocol::time_point now,
                                                                   timestamp wall_now, call_options call)
    -> id {
  return state_->track(handle, std::move(cb), now, wall_now, std::move(call));
}

KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(task_tracker_core)::cancel(id key) { state_->cancel(key); }

KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(task_tracker_core)::tick(protocol::time_point now) {
  state_->tick(now);
}

KLING_LAZY_DEF std::optional<protocol::time_point> KLING_LAZY_MEMBER_OF(task_tracker_core)::next_due() const {
  return state_->next_due();
}

KLING_LAZY_DEF std::size_t KLING_LAZY_MEMBER_OF(task_tracker_core)::active() const {
  return state_->items_.size();
}

KLING_LAZY_DEF int KLING_LAZY_MEMBER_OF(task_tracker_core)::creates_in_flight() const {
  return state_->creating_;
}

KLING_LAZY_DEF int KLING_LAZY_MEMBER_OF(task_tracker_core)::create_limit() const { return state_->limit_; }

KLING_LAZY_DEF std::vector<task_handle>
KLING_LAZY_MEMBER_OF(task_tracker_core)::handles(protocol::time_point now, timestamp wall_now) const {
  return state_->handles(now, wall_now);
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(task_tracker_core)::enqueue(json body, const rules::report &checked,
                                                                     tracker_callbacks cb, call_options call)
    -> id {
  return state_->enqueue(std::move(body), checked, std::move(cb), std::move(call));
}

KLING_LAZY_DEF auto
KLING_LAZY_MEMBER_OF(task_tracker_core)::add(std::unique_ptr<tracker_detail::operation> op, call_options call)
    -> id {
  return state_->add(std::move(op), std::move(call));
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_TASK_TRACKER_IPP
