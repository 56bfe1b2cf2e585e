// basic_batch: many named requests run to downloaded videos over a
// task_tracker, with a limit on how many are under way, and a journal on disk
// that makes a batch safe to kill at any moment and run again.
//
//   kling::basic_batch<my_transport> batch{client, items, settings};
//   auto summary = batch.run(stop.token());          // blocking front end
//   // or, once per frame: batch.open(now, wall) once, then batch.tick(now, wall)
//
// The journal (format in protocol/batch_journal.hpp) is appended to and
// flushed to disk before each act it announces:
//   - an item's external_task_id before its create is sent, so a create
//     whose answer was lost is found by it after a crash, never posted blind;
//   - its task id once created, so a later run polls the task again;
//   - its outcome: completed, downloaded (file and size), failed.
// Running the same batch again skips finished items (downloaded, or failed
// as tasks: creating those again would pay again), polls created tasks,
// resumes half-downloaded files (<name>.mp4.part), and looks up by
// external_task_id every item whose create may have been sent.
//
// A lookup that answers 404 after a crash is asked again, with pauses, for
// the client's retry_policy::lookup_window (30 s by default), counted from
// the start of this run; only a 404 at the end of the window, and not the
// first one, lets the create go out, with the same external_task_id. A 404 may mean that the create was
// never sent (the process died between the journal and the socket) or that
// the gateway has not indexed the task yet: the document promises neither
// that it finds a task at once nor that it refuses a repeated
// external_task_id, so this is the same assumption a single create makes
// (DESIGN.md): a created task is found by its external_task_id within the
// window. Never posting would leave such an item stuck for ever; posting at
// once would pay twice whenever the index lags.
//
// No threads of its own: the tracker sends through the transport's
// async_send; downloads go through batch_settings::download_step, by
// default the blocking videos().download (which needs send()) inside tick.
// A step that returns at once and calls done later (from any thread) keeps
// tick from blocking; its progress reports, from another thread, are taken
// in at the next tick.
//
// Thread safety: one thread calls open, tick, stop, run and the accessors;
// the download step may call done and report progress from any thread.
#ifndef KLING_CLIENT_BATCH_HPP
#define KLING_CLIENT_BATCH_HPP

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/client/task_tracker.hpp"
#include "kling/client/videos.hpp"
#include "kling/core/boxed.hpp"
#include "kling/core/files.hpp"
#include "kling/core/random.hpp"
#include "kling/core/sha256.hpp"
#include "kling/protocol/batch_journal.hpp"
#include "kling/rules/batch_manifest.hpp"

KLING_NAMESPACE_BEGIN

struct batch_item {
  std::string name; // the video becomes <out_dir>/<name>.mp4
  json request;     // a POST /v1/videos body; its external_task_id, if any, is kept
};

enum class batch_state { queued, creating, waiting, downloading, done, failed };

constexpr const char *to_string(batch_state s) noexcept {
  switch (s) {
  case batch_state::queued: return "queued";
  case batch_state::creating: return "creating";
  case batch_state::waiting: return "waiting";
  case batch_state::downloading: return "downloading";
  case batch_state::done: return "done";
  case batch_state::failed: return "failed";
  }
  return "queued";
}

// One item as it stands; passed to batch_settings::progress on every change.
struct batch_progress {
  std::string name;
  batch_state state = batch_state::queued;
  bool looking_up = false;                   // creating: its create may have been sent; looked up
  task_status status = task_status::pending; // waiting: the task's last status
  std::string task_id;
  std::uint64_t bytes = 0;            // downloading: received so far (resumed bytes included); done: size
  std::optional<std::uint64_t> total; // downloading: when known
  std::string file;                   // done
  std::optional<error> failure;       // failed
  bool resumed = false;               // taken up from the journal of an earlier run
};

// Saves a completed task's video to path and calls done exactly once (from
// any thread). settings carries the runner's progress and cancellation.
using batch_download_done = std::function<void(result<download_result>)>;
using batch_download_step = std::function<void(const task &, const std::string &path,
                                               const download_settings &, batch_download_done)>;

struct batch_settings {
  std::string out_dir = ".";
  std::string journal;               // empty: <out_dir>/.kling-batch.jsonl
  int concurrency = 4;               // items between their create and their download at once
  tracker_settings tracker;          // creates in flight at once, the pause after a 1303
  download_settings download;        // max_bytes, expiry_warning; progress and cancel are the runner's
  batch_download_step download_step; // empty: videos().download, blocking, inside tick
  std::function<void(const batch_progress &)> progress;
};

struct batch_failure {
  std::string name;
  error what;
};

struct batch_summary {
  std::size_t total = 0, completed = 0, failed = 0;
  std::vector<std::string> files; // of the completed items, in the items' order
  std::vector<batch_failure> failures;
};

// {"total", "completed", "failed", "files": [...], "failures": [{"name", "error"}]}
KLING_LAZY_RETURNING(nlohmann::ordered_json) to_json(const batch_summary &s);

KLING_FUNCTION_OBJECT default_batch_journal_function {
  std::string operator()(const std::string &out_dir) const;
};
inline constexpr KLING_FUNCTION_TYPE(default_batch_journal) default_batch_journal{};

// The batch with its transport out of sight (see client/session.hpp).
KLING_LAZY_CLASS batch_core {
public:
  // blocking_download: the default download step, empty when the transport
  // cannot block (then batch_settings::download_step is needed).
  batch_core(std::shared_ptr<session_core> session, std::vector<batch_item> items, batch_settings settings,
             batch_download_step blocking_download);
  ~batch_core();
  // The tracker's callbacks point here.
  batch_core(const batch_core &) = delete;
  batch_core &operator=(const batch_core &) = delete;

  // Checks the items, reads the journal (creating it and out_dir when they
  // are not there) and decides where each item resumes. Nothing is sent. An
  // item that breaks a rule refuses the whole batch (invalid_request, with
  // every violation, its field prefixed by the item's index).
  result<void> open(protocol::time_point now, timestamp wall_now);

  // Takes in answers and finished downloads, starts what is due, runs the
  // progress callback. Call often (every frame, or every few milliseconds).
  void tick(protocol::time_point now, timestamp wall_now);

  // Sends no more creates: those still queued in the tracker are withdrawn
  // (journaled as never sent); items not started stay queued for the next
  // run. Requests in flight finish if ticking goes on; either way the
  // journal says where each item stands.
  void stop();

  // Every item done or failed; after stop(), nothing in flight any more.
  bool finished() const;
  bool stopped() const;

  // Why the batch stopped by itself (the journal could not be written).
  const std::optional<error> &fatal() const;
  // Lines of the journal that did not read (a line cut short by a crash).
  const std::vector<std::string> &journal_problems() const;
  const std::string &journal_path() const;

  std::vector<batch_progress> items() const;
  batch_summary summary() const;

  // The blocking front end: open, then tick until every item is done or
  // failed. When cancel fires: stop() and errc::cancelled (the journal is
  // consistent; running again resumes). Sleeps on the options' time_source.
  result<batch_summary> run(const cancellation_token &cancel = {});

private:
  struct state; // the items, the journal, the tracker: in the definitions part
  boxed<state> state_;
};

// The core's base depends on Transport only so that these bodies compile where they are used.
template <class Transport>
class basic_batch : public lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(batch_core), Transport> {
  using core = lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(batch_core), Transport>;

public:
  // result<T> named through Transport, as in videos_resource (which says why).
  template <class T>
  using result = lazy_detail::deferred_t<kling::result<T>, Transport>;

  basic_batch(const basic_client<Transport> &client, std::vector<batch_item> items,
              batch_settings settings = {})
      : core(client.session(), std::move(items), std::move(settings), blocking_download(client)) {
    check_async_transport<Transport>(); // it sends through async_send
  }

private:
  // videos().download, when the transport can block.
  static batch_download_step blocking_download(const basic_client<Transport> &client) {
    if constexpr (has_send_v<Transport>) {
      return [client](const task &t, const std::string &path, const download_settings &s,
                      batch_download_done done) { done(client.videos().download(t, path, s)); };
    } else {
      return {};
    }
  }
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BATCH_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_BATCH_IPP)
#define KLING_CLIENT_BATCH_IPP

#include <map>
#include <thread>

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF KLING_DEFERRED(nlohmann::ordered_json) to_json(const batch_summary &s) {
  using ordered = KLING_DEFERRED(nlohmann::ordered_json);
  ordered failures = ordered::array();
  for (const auto &f : s.failures)
    failures.push_back({{"name", f.name}, {"error", to_string(f.what)}});
  return ordered{{"total", s.total},
                 {"completed", s.completed},
                 {"failed", s.failed},
                 {"files", s.files},
                 {"failures", std::move(failures)}};
}

KLING_LAZY_DEF std::string
KLING_FUNCTION(default_batch_journal)::operator()(const std::string &out_dir) const {
  return (out_dir.empty() ? std::string(".") : out_dir) + "/.kling-batch.jsonl";
}

KLING_LAZY_TEMPLATE struct KLING_LAZY_MEMBER_OF(batch_core)::state {
  state(std::shared_ptr<session_core> session, std::vector<batch_item> items, batch_settings settings,
        batch_download_step blocking_download)
      : session_(session), settings_(std::move(settings)), blocking_download_(std::move(blocking_download)),
        tracker_(std::move(session), tracker_settings_of(settings_)), inbox_(std::make_shared<inbox>()) {
    if (settings_.journal.empty()) settings_.journal = default_batch_journal(settings_.out_dir);
    entries_.reserve(items.size());
    for (auto &item : items) {
      entry e;
      e.view.name = item.name;
      e.path = (settings_.out_dir.empty() ? std::string(".") : settings_.out_dir) + "/" + item.name + ".mp4";
      e.item = std::move(item);
      entries_.push_back(std::move(e));
    }
  }

  result<void> open(protocol::time_point now, timestamp wall_now) {
    now_ = now;
    wall_ = wall_now;
    if (opened_) return {};
    if (settings_.concurrency < 1)
      return protocol::setting_checks::bad_setting("batch_settings::concurrency", "must be at least 1");
    if (auto checked = check_items(); !checked) return checked;
    // Options that cannot work fail here, not once per item.
    if (auto checked = session_->options().check(); !checked) return checked;
    if (session_->options().api_key().empty())
      return error{errc::configuration,
                   "no API key: set options::api_key(...) or the KLING_API_KEY environment variable"};
    if (auto made = files::make_directories(settings_.out_dir.empty() ? "." : settings_.out_dir); !made)
      return made;
    protocol::journal_state journal;
    if (files::exists(settings_.journal)) {
      auto text = files::read_file(settings_.journal, std::uint64_t{1} << 30);
      if (!text) return std::move(text).error();
      journal = protocol::replay_journal(*text);
    }
    problems_ = journal.problems;
    if (auto opened = journal_.open(settings_.journal); !opened) return opened;
    if (!journal.ends_with_newline) { // a line cut by a crash: the next one starts afresh
      if (auto ended = journal_.append("\n"); !ended) return ended;
    }
    batch_id_ = journal.batch_id;
    if (batch_id_.empty()) {
      batch_id_ = new_batch_id();
      protocol::journal_record r;
      r.batch_id = batch_id_;
      if (auto written = journal_.append(protocol::journal_line(r)); !written) return written;
    }
    for (auto &e : entries_)
      resume(e, journal);
    opened_ = true;
    return {};
  }

  void tick(protocol::time_point now, timestamp wall_now) {
    now_ = now;
    wall_ = wall_now;
    if (!opened_) return;
    take_downloads();
    tracker_.tick(now);
    if (!stopped_) start_due();
    take_downloads();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    if (!opened_) return;
    std::vector<std::string> sent;
    for (const auto &h : tracker_.handles(now_, wall_))
      sent.push_back(h.external_task_id);
    for (auto &e : entries_) {
      if (e.at != phase::creating || !e.key) continue;
      if (std::find(sent.begin(), sent.end(), e.external_id) != sent.end()) continue;
      tracker_.cancel(*e.key); // still queued: its create never went out
      e.key.reset();
      protocol::journal_record r;
      r.event = protocol::journal_event::withdrawn;
      r.name = e.item.name;
      if (!write(r)) return;
      e.at = phase::not_started_create;
      set_state(e, batch_state::queued);
    }
  }

  bool finished() const {
    if (fatal_) return true;
    for (const auto &e : entries_) {
      if (e.at == phase::done || e.at == phase::failed) continue;
      if (stopped_ && is_not_started(e.at)) continue;
      return false;
    }
    return true;
  }

  std::vector<batch_progress> items() const {
    std::vector<batch_progress> out;
    for (const auto &e : entries_)
      out.push_back(e.view);
    return out;
  }

  batch_summary summary() const {
    batch_summary s;
    s.total = entries_.size();
    for (const auto &e : entries_) {
      if (e.at == phase::done) {
        ++s.completed;
        s.files.push_back(e.path);
      } else if (e.at == phase::failed) {
        ++s.failed;
        s.failures.push_back({e.item.name, e.view.failure.value_or(error{errc::task_failed, "failed"})});
      }
    }
    return s;
  }

  result<batch_summary> run(const cancellation_token &cancel = {}) {
    cancel_ = cancel;
    const time_source &clock = session_->options().time();
    if (auto opened = open(clock.now(), clock.wall_now()); !opened) return std::move(opened).error();
    while (!finished()) {
      if (cancel.cancelled()) {
        stop();
        return error{errc::cancelled, "the batch was stopped; running it again resumes it"};
      }
      tick(clock.now(), clock.wall_now());
      if (finished()) break;
      clock.sleep_until(clock.now() + std::chrono::milliseconds(5), cancel);
    }
    if (fatal_) return *fatal_;
    return summary();
  }

  enum class phase {
    not_started_create, // never sent (or withdrawn): posted when a slot frees
    not_started_lookup, // may have been sent: looked up first
    not_started_track,  // created: polled again
    lookup_pause,       // a lookup answered 404; the next at next_lookup
    looking_up,
    post_due, // the lookup window passed with 404s: posted when a create slot frees
    creating,
    waiting,
    download_due,
    downloading,
    done,
    failed
  };
  static bool is_not_started(phase p) {
    return p == phase::not_started_create || p == phase::not_started_lookup || p == phase::not_started_track;
  }

  struct entry {
    batch_item item;
    batch_progress view;
    std::string path;
    std::string external_id;
    phase at = phase::not_started_create;
    std::optional<std::uint64_t> key; // in the tracker
    std::string task_id, provider;
    bool created_journaled = false;
    protocol::time_point lookup_started{}, next_lookup{};
    int lookups_not_found = 0;
    std::optional<task> finished;
  };

  struct inbox { // from whatever thread a download step reports on
    std::mutex mutex;
    std::vector<std::pair<std::size_t, result<download_result>>> done;
    std::map<std::size_t, download_progress> bytes; // the latest per item
  };

  static tracker_settings tracker_settings_of(const batch_settings &s) {
    tracker_settings t = s.tracker;
    t.max_creates_in_flight = std::max(1, std::min(t.max_creates_in_flight, s.concurrency));
    return t;
  }

  result<void> check_items() const {
    std::vector<violation> violations;
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const batch_item &item = entries_[i].item;
      const std::string where = "/" + std::to_string(i);
      if (auto problem = rules::batch_name_problem(item.name); !problem.empty())
        violations.push_back({"BATCH-3", where + "/name", "the name " + problem});
      else if (!seen.emplace(rules::batch_name_key(item.name), i).second)
        violations.push_back({"BATCH-4", where + "/name", "the name \"" + item.name + "\" is used twice"});
      for (auto &v : rules::validate(item.request).violations)
        violations.push_back({v.rule, where + "/request" + v.field, v.message});
    }
    if (violations.empty()) return {};
    return rules::rejection(std::move(violations));
  }

  // A fresh id for a new journal: the external_task_ids of its items derive from it.
  static std::string new_batch_id() {
    const auto now = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    const std::string seed =
        std::to_string(random_seed()) + "-" + std::to_string(random_seed()) + "-" + std::to_string(now);
    return crypto::to_hex(crypto::sha256_digest(seed)).substr(0, 16);
  }

  std::string external_id_for(const batch_item &item) const {
    if (const json *ext = find_member(item.request, "external_task_id"); ext && ext->is_string())
      return ext->get<std::string>();
    return "kling-batch-" + batch_id_ + "-" + crypto::to_hex(crypto::sha256_digest(item.name)).substr(0, 16);
  }

  void resume(entry &e, const protocol::journal_state &journal) {
    const auto found = journal.items.find(e.item.name);
    if (found == journal.items.end()) {
      e.external_id = external_id_for(e.item);
      return;
    }
    const protocol::journal_item &j = found->second;
    e.view.resumed = true;
    e.external_id = j.external_task_id.empty() ? external_id_for(e.item) : j.external_task_id;
    e.task_id = j.task_id;
    e.provider = j.provider;
    e.created_journaled = !j.task_id.empty();
    e.view.task_id = j.task_id;
    if (j.downloaded) {
      auto size = files::size_of(e.path);
      if (size && *size == j.bytes) {
        e.at = phase::done;
        e.view.file = e.path;
        e.view.bytes = *size;
        set_state(e, batch_state::done);
        return;
      }
      // The file went away or changed: fetched again (the task is paid for already).
    }
    if (j.failed_final) {
      e.at = phase::failed;
      e.view.failure = error{errc::task_failed, j.failure.empty() ? "the task failed (journal)" : j.failure};
      set_state(e, batch_state::failed);
      return;
    }
    if (!j.task_id.empty())
      e.at = phase::not_started_track;
    else if (j.create_may_have_been_sent)
      e.at = phase::not_started_lookup;
    else
      e.at = phase::not_started_create;
  }

  int active() const {
    int n = 0;
    for (const auto &e : entries_)
      n += !is_not_started(e.at) && e.at != phase::done && e.at != phase::failed;
    return n;
  }
  int creating() const {
    int n = 0;
    for (const auto &e : entries_)
      n += e.at == phase::creating;
    return n;
  }

  void start_due() {
    int running = active();
    int creates = creating();
    const int create_limit = tracker_.create_limit();
    for (std::size_t i = 0; i < entries_.size() && !stopped_; ++i) {
      entry &e = entries_[i];
      switch (e.at) {
      case phase::lookup_pause:
        if (now_ >= e.next_lookup) start_lookup(i);
        break;
      case phase::post_due:
        if (creates < create_limit) {
          ++creates;
          post(i);
        }
        break;
      case phase::download_due: start_download(i); break;
      case phase::not_started_track:
        if (running < settings_.concurrency) {
          ++running;
          start_track(i);
        }
        break;
      case phase::not_started_lookup:
        if (running < settings_.concurrency) {
          ++running;
          e.lookup_started = now_;
          start_lookup(i);
        }
        break;
      case phase::not_started_create:
        if (running < settings_.concurrency && creates < create_limit) {
          ++running;
          ++creates;
          post(i);
        }
        break;
      default: break;
      }
    }
  }

  // The intent on the disk, then the create into the tracker (sent at its next tick).
  void post(std::size_t i) {
    entry &e = entries_[i];
    protocol::journal_record r;
    r.event = protocol::journal_event::intent;
    r.name = e.item.name;
    r.external_task_id = e.external_id;
    if (!write(r)) return;
    json body = e.item.request;
    body["external_task_id"] = e.external_id;
    e.at = phase::creating;
    e.view.looking_up = false;
    set_state(e, batch_state::creating);
    e.key = tracker_.submit(body, callbacks(i));
  }

  void start_lookup(std::size_t i) {
    entry &e = entries_[i];
    task_handle h;
    h.task_id = e.external_id;
    h.external_task_id = e.external_id;
    e.at = phase::looking_up;
    e.view.looking_up = true;
    set_state(e, batch_state::creating);
    e.key = tracker_.track(h, callbacks(i), now_, wall_);
  }

  void start_track(std::size_t i) {
    entry &e = entries_[i];
    task_handle h;
    h.task_id = e.task_id;
    h.external_task_id = e.external_id;
    h.provider = e.provider;
    e.at = phase::waiting;
    set_state(e, batch_state::waiting);
    e.key = tracker_.track(h, callbacks(i), now_, wall_);
  }

  tracker_callbacks callbacks(std::size_t i) {
    tracker_callbacks cb;
    cb.progress = [this, i](const task &t) { on_task(i, t); };
    cb.done = [this, i](const task &t) {
      on_task(i, t);
      entry &e = entries_[i];
      if (e.at != phase::waiting) return;
      protocol::journal_record r;
      r.event = protocol::journal_event::completed;
      r.name = e.item.name;
      r.task_id = e.task_id;
      if (!write(r)) return;
      e.key.reset();
      e.finished = t;
      e.at = phase::download_due;
    };
    cb.failed = [this, i](const error &err) { on_failed(i, err); };
    return cb;
  }

  // Created (or found by its external id), or a new status.
  void on_task(std::size_t i, const task &t) {
    entry &e = entries_[i];
    if (e.at == phase::creating || e.at == phase::looking_up) {
      e.task_id = t.id.empty() ? e.external_id : t.id;
      e.provider = t.provider;
      if (!e.created_journaled) {
        protocol::journal_record r;
        r.event = protocol::journal_event::created;
        r.name = e.item.name;
        r.task_id = e.task_id;
        r.provider = e.provider;
        if (!write(r)) return;
        e.created_journaled = true;
      }
      e.at = phase::waiting;
      e.view.looking_up = false;
      e.view.task_id = e.task_id;
    }
    if (e.at != phase::waiting) return;
    const bool news = e.view.status != t.status || e.view.state != batch_state::waiting;
    e.view.status = t.status;
    set_state(e, batch_state::waiting, news);
  }

  void on_failed(std::size_t i, const error &err) {
    entry &e = entries_[i];
    e.key.reset();
    if (e.at == phase::failed || e.at == phase::done) return;
    if (stopped_ && err.code == errc::cancelled) return; // withdrawn by stop()
    if (e.at == phase::looking_up && err.code == errc::not_found) {
      const auto window = session_->options().retry().lookup_window;
      ++e.lookups_not_found;
      // Two 404s at least (unless the window is 0: "the gateway finds a task at
      // once"): a lookup held back by retries past the window has not looked twice.
      if (now_ - e.lookup_started >= window && (window.count() == 0 || e.lookups_not_found >= 2)) {
        e.at = phase::post_due; // no task under this external id, for the whole window
      } else {
        e.at = phase::lookup_pause;
        const auto pause = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(10), window / 8);
        e.next_lookup = std::max(std::min(e.lookup_started + window, now_ + pause), now_);
      }
      return;
    }
    fail(e, err);
  }

  void fail(entry &e, const error &err) {
    protocol::journal_record r;
    r.event = protocol::journal_event::failed;
    r.name = e.item.name;
    r.code = to_string(err.code);
    r.message = to_string(err);
    r.final_failure = err.code == errc::task_failed; // the task exists and failed: another would be paid
    e.at = phase::failed;
    e.view.failure = err;
    set_state(e, batch_state::failed);
    write(r);
  }

  void start_download(std::size_t i) {
    entry &e = entries_[i];
    e.at = phase::downloading;
    e.view.bytes = 0;
    e.view.total.reset();
    set_state(e, batch_state::downloading);
    download_settings s = settings_.download;
    s.cancel = cancel_;
    std::weak_ptr<inbox> box = inbox_;
    // On tick's thread (the blocking step) reported at once; from another
    // thread, kept for the next tick (which may find the batch gone).
    s.progress = [this, box, i, tick_thread = std::this_thread::get_id()](const download_progress &p) {
      if (std::this_thread::get_id() == tick_thread) return report_bytes(i, p);
      if (auto b = box.lock()) {
        std::lock_guard<std::mutex> lock(b->mutex);
        b->bytes[i] = p;
      }
    };
    batch_download_done done = [box, i](result<download_result> r) {
      if (auto b = box.lock()) {
        std::lock_guard<std::mutex> lock(b->mutex);
        b->done.emplace_back(i, std::move(r));
      }
    };
    if (settings_.download_step) {
      settings_.download_step(*e.finished, e.path, s, std::move(done));
    } else if (blocking_download_) {
      blocking_download_(*e.finished, e.path, s, std::move(done));
      take_downloads(); // shown done now, not after the other downloads of this tick
    } else {
      done(error{errc::configuration, "this transport has no send(): give batch_settings::download_step"});
    }
  }

  void report_bytes(std::size_t i, const download_progress &p) {
    entry &e = entries_[i];
    if (e.at != phase::downloading) return;
    e.view.bytes = p.bytes;
    e.view.total = p.total;
    if (settings_.progress) settings_.progress(e.view);
  }

  void take_downloads() {
    std::vector<std::pair<std::size_t, result<download_result>>> done;
    std::map<std::size_t, download_progress> bytes;
    {
      std::lock_guard<std::mutex> lock(inbox_->mutex);
      done.swap(inbox_->done);
      bytes.swap(inbox_->bytes);
    }
    for (const auto &b : bytes)
      report_bytes(b.first, b.second);
    for (auto &d : done) {
      entry &e = entries_[d.first];
      if (e.at != phase::downloading) continue;
      if (!d.second) {
        if ((stopped_ || cancel_.cancelled()) && d.second.error().code == errc::cancelled) {
          e.at = phase::download_due; // the .part stays for the next run
          continue;
        }
        fail(e, d.second.error());
        continue;
      }
      auto size = files::size_of(e.path);
      if (!size) {
        fail(e, size.error());
        continue;
      }
      protocol::journal_record r;
      r.event = protocol::journal_event::downloaded;
      r.name = e.item.name;
      r.file = e.path;
      r.bytes = *size;
      if (!write(r)) continue;
      e.at = phase::done;
      e.view.file = e.path;
      e.view.bytes = *size;
      e.view.total = *size;
      set_state(e, batch_state::done);
    }
  }

  // Appends a record; a journal that cannot be written stops the batch (no
  // create may go out unannounced).
  bool write(const protocol::journal_record &r) {
    if (fatal_) return false;
    auto written = journal_.append(protocol::journal_line(r));
    if (written) return true;
    fatal_ = std::move(written).error();
    stopped_ = true;
    return false;
  }

  void set_state(entry &e, batch_state s, bool always = false) {
    const bool changed = e.view.state != s;
    e.view.state = s;
    if ((changed || always) && settings_.progress) settings_.progress(e.view);
  }

  std::shared_ptr<session_core> session_;
  batch_settings settings_;
  batch_download_step blocking_download_;
  KLING_LAZY_CLASS_TYPE(task_tracker_core) tracker_;
  std::vector<entry> entries_;
  std::shared_ptr<inbox> inbox_;
  files::appending_file journal_;
  std::string batch_id_;
  std::vector<std::string> problems_;
  std::optional<error> fatal_;
  cancellation_token cancel_;
  protocol::time_point now_{};
  timestamp wall_{};
  bool opened_ = false;
  bool stopped_ = false;
};

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(batch_core)::batch_core(std::shared_ptr<session_core> session,
                                                            std::vector<batch_item> items,
                                                            batch_settings settings,
                                                            batch_download_step blocking_download) {
  state_.emplace(std::move(session), std::move(items), std::move(settings), std::move(blocking_download));
}

KLING_LAZY_DEF KLING_LAZY_MEMBER_OF(batch_core)::~batch_core() = default;

KLING_LAZY_DEF result<void> KLING_LAZY_MEMBER_OF(batch_core)::open(protocol::time_point now,
                                                                   timestamp wall_now) {
  return state_->open(now, wall_now);
}

KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(batch_core)::tick(protocol::time_point now, timestamp wall_now) {
  state_->tick(now, wall_now);
}

KLING_LAZY_DEF void KLING_LAZY_MEMBER_OF(batch_core)::stop() { state_->stop(); }

KLING_LAZY_DEF bool KLING_LAZY_MEMBER_OF(batch_core)::finished() const { return state_->finished(); }

KLING_LAZY_DEF bool KLING_LAZY_MEMBER_OF(batch_core)::stopped() const { return state_->stopped_; }

KLING_LAZY_DEF const std::optional<error> &KLING_LAZY_MEMBER_OF(batch_core)::fatal() const {
  return state_->fatal_;
}

KLING_LAZY_DEF const std::vector<std::string> &KLING_LAZY_MEMBER_OF(batch_core)::journal_problems() const {
  return state_->problems_;
}

KLING_LAZY_DEF const std::string &KLING_LAZY_MEMBER_OF(batch_core)::journal_path() const {
  return state_->settings_.journal;
}

KLING_LAZY_DEF std::vector<batch_progress> KLING_LAZY_MEMBER_OF(batch_core)::items() const {
  return state_->items();
}

KLING_LAZY_DEF batch_summary KLING_LAZY_MEMBER_OF(batch_core)::summary() const { return state_->summary(); }

KLING_LAZY_DEF result<batch_summary> KLING_LAZY_MEMBER_OF(batch_core)::run(const cancellation_token &cancel) {
  return state_->run(cancel);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BATCH_IPP
