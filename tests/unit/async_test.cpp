// The asynchronous client, the task tracker and any_transport: the same
// machines as the blocking client, driven by completions and a scheduler,
// with no thread of the library's own.
#include <kling/testing.hpp>

#include <dirent.h>

#include <atomic>
#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "../support/catch.hpp"
#include "../support/tiny_gateway.hpp"

using kling::json;
using namespace std::chrono_literals;

namespace {

using mock_client = kling::basic_client<kling::testing::mock_transport>;

mock_client async_client(kling::testing::manual_scheduler &loop, bool deferred = false) {
  kling::protocol::retry_policy retry;
  retry.jitter_seed = 99;
  mock_client c{kling::options{}
                    .base_url("http://127.0.0.1:1")
                    .api_key("async-key")
                    .retry(retry)
                    .scheduler(kling::make_scheduler(loop))};
  c.transport().defer_async(deferred);
  return c;
}

kling::text_to_video cat() {
  kling::text_to_video r;
  r.prompt = "a cat";
  return r;
}

// Runs the loop and the deferred transport until both are quiet, like frames of a game.
void run_frames(kling::testing::manual_scheduler &loop, kling::testing::mock_transport &transport,
                int limit = 10000) {
  for (int i = 0; i < limit; ++i) {
    const auto ran = transport.complete_pending() + loop.run_until_idle();
    if (ran == 0 && transport.deferred_count() == 0 && loop.pending() == 0) return;
  }
  FAIL("the operation never settled");
}

int thread_count() {
  int n = 0;
  if (DIR *d = opendir("/proc/self/task")) {
    while (dirent *e = readdir(d))
      n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

} // namespace

TEST_CASE("async create, get and wait give the blocking calls' outcomes", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop);
  client.transport()
      .respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"processing"})")
      .respond(200, R"({"id":"t1","status":"processing"})")
      .respond(200, R"({"id":"t1","status":"completed","video_url":"https://e.com/v.mp4"})");
  int calls = 0;
  std::optional<kling::result<kling::task>> outcome;
  std::vector<kling::task_status> seen;
  kling::wait_settings w;
  w.progress = [&](const kling::wait_progress &p) { seen.push_back(p.status); };
  client.videos().create_and_wait_async(cat(), w, [&](kling::result<kling::task> t) {
    ++calls;
    outcome = std::move(t);
  });
  CHECK(calls == 0); // the first poll waits for the scheduler
  loop.run_until_idle();
  REQUIRE(calls == 1);
  REQUIRE(*outcome);
  CHECK((*outcome)->video_url() == "https://e.com/v.mp4");
  CHECK((*outcome)->external_task_id.rfind("kling-cpp-", 0) == 0);
  CHECK(seen == std::vector<kling::task_status>{kling::task_status::processing,
                                                kling::task_status::processing,
                                                kling::task_status::completed});
  CHECK(loop.now() - kling::protocol::time_point{} == 3000ms + 3000ms + 3750ms);

  client.transport().respond(200, R"({"id":"t2","status":"failed","error":"policy"})");
  std::optional<kling::result<kling::task>> got;
  client.videos().get_async("t2", "", [&](kling::result<kling::task> t) { got = std::move(t); });
  CHECK_FALSE(got); // every step goes through the scheduler's executor
  loop.run_until_idle();
  REQUIRE(got);
  CHECK((*got)->status == kling::task_status::failed);
}

TEST_CASE("async calls complete once, with deferred completions, on the loop's thread", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport()
      .respond(429, R"({"code":1302})", {{"Retry-After", "2"}})
      .respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"completed","video_url":"https://e.com/v.mp4"})");
  const auto game_thread = std::this_thread::get_id();
  int calls = 0;
  std::optional<kling::result<kling::task>> outcome;
  client.videos().create_and_wait_async(cat(), {}, [&](kling::result<kling::task> t) {
    CHECK(std::this_thread::get_id() == game_thread);
    ++calls;
    outcome = std::move(t);
  });
  loop.run_due();
  CHECK(client.transport().deferred_count() == 1); // the create is "in flight"
  CHECK(calls == 0);
  run_frames(loop, client.transport());
  CHECK(calls == 1);
  REQUIRE(*outcome);
  CHECK((*outcome)->status == kling::task_status::completed);
  CHECK(loop.now() - kling::protocol::time_point{} == 2000ms + 3000ms); // Retry-After, then the first poll
  CHECK(client.transport().request_count() == 3);
}

TEST_CASE("async exactly-once create under every fault", "[async][create]") {
  for (const std::vector<std::string> &faults : std::vector<std::vector<std::string>>{
           {"timeout"}, {"drop"}, {"502"}, {"refused"}, {"429"}, {"refused", "timeout"}}) {
    kling::testing::manual_scheduler loop;
    auto client = async_client(loop);
    auto gateway = std::make_shared<kling_test::tiny_gateway>();
    gateway->create_faults = faults;
    client.transport().on_request([gateway](const kling::http_request &r) { return gateway->handle(r); });
    std::optional<kling::result<kling::task>> created;
    client.videos().create_async(cat(), [&](kling::result<kling::task> t) { created = std::move(t); });
    loop.run_until_idle();
    REQUIRE(created);
    REQUIRE(*created);
    CHECK(gateway->tasks.size() == 1);
  }
}

TEST_CASE("an async call's observer sees the request the transport was handed; without one, it is moved",
          "[async][observer]") {
  for (const bool observing : {false, true}) {
    INFO("observer set: " << observing);
    kling::testing::manual_scheduler loop;
    std::vector<kling::http_request> observed;
    kling::options o = kling::options{}
                           .base_url("http://127.0.0.1:1")
                           .api_key("async-key")
                           .scheduler(kling::make_scheduler(loop));
    if (observing) o.observe([&](const kling::exchange_record &x) { observed.push_back(x.request); });
    mock_client client{o};
    client.transport().respond(200, R"({"id":"t1","status":"pending"})");
    std::optional<kling::result<kling::task>> created;
    client.videos().create_async(cat(), [&](kling::result<kling::task> t) { created = std::move(t); });
    loop.run_until_idle();
    REQUIRE(created);
    REQUIRE(*created);
    const kling::http_request sent = client.transport().requests().at(0); // requests() is a copy
    CHECK(sent.body.find("\"prompt\"") != std::string::npos);
    REQUIRE(observed.size() == (observing ? 1u : 0u));
    if (observing) {
      CHECK(observed[0].body == sent.body);
      CHECK(observed[0].headers.size() == sent.headers.size());
    }

    // The session's own step: the exchange keeps its request only for the observer.
    kling::session<kling::testing::mock_transport> session{o, kling::testing::mock_transport{}};
    session.transport().respond(200, R"({"id":"t2","status":"pending"})");
    kling::http_request request;
    request.method = "POST";
    request.path = "/v1/videos";
    request.body = R"({"prompt":"a cat, long enough to live on the heap"})";
    auto x = session.open(request, kling::call_options{});
    REQUIRE(x);
    std::optional<kling::result<kling::http_response>> answer;
    session.send_async(*x, [&](kling::result<kling::http_response> a) { answer = std::move(a); });
    REQUIRE(answer);
    CHECK(session.transport().requests().at(0).body == request.body);
    CHECK(x->request.body == (observing ? request.body : std::string()));
  }
}

TEST_CASE("an async wait can be cancelled, and late events are ignored", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().on_request([](const kling::http_request &) {
    return kling_test::answer(200, R"({"id":"t","status":"processing"})");
  });
  int calls = 0;
  kling::errc code = kling::errc::http;
  auto op = client.videos().wait_async("t", {}, [&](kling::result<kling::task> t) {
    ++calls;
    code = t.error().code;
  });
  loop.advance(3000ms);
  loop.run_due(); // the first poll goes out
  CHECK(client.transport().deferred_count() == 1);
  op.cancel(); // while it is in flight: the transport is told to give the request up
  loop.run_until_idle();
  CHECK(client.transport().abandoned_count() == 1);
  CHECK(client.transport().deferred_count() == 0);
  run_frames(loop, client.transport());
  CHECK(calls == 1);
  CHECK(code == kling::errc::cancelled);
  CHECK(op.done());

  // A cancellation token stops it at the next step too.
  kling::cancellation_source stop;
  kling::wait_settings w;
  w.cancel = stop.token();
  calls = 0;
  client.videos().wait_async("t", w, [&](kling::result<kling::task> t) {
    ++calls;
    code = t.error().code;
  });
  stop.cancel();
  run_frames(loop, client.transport());
  CHECK(calls == 1);
  CHECK(code == kling::errc::cancelled);
  CHECK(client.transport().abandoned_count() == 1); // still the one above: a token is seen at the next
                                                    // event, when nothing is out
}

TEST_CASE("an executor brings every step back to its thread, whatever thread completes", "[async]") {
  // The "engine": completes requests on a network thread of its own (the
  // test's, not the library's) and runs posted work on the game thread.
  struct engine {
    std::mutex mutex;
    std::deque<std::function<void()>> game_thread_work;
    std::vector<std::thread> network;
    kling::testing::manual_scheduler timers;

    kling::protocol::time_point now() { return timers.now(); }
    void after(std::chrono::milliseconds d, std::function<void()> fn) { timers.after(d, std::move(fn)); }
    void post(std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(mutex);
      game_thread_work.push_back(std::move(fn));
    }
    bool run_posted() {
      std::deque<std::function<void()>> batch;
      {
        std::lock_guard<std::mutex> lock(mutex);
        batch.swap(game_thread_work);
      }
      for (auto &f : batch)
        f();
      return !batch.empty();
    }
  } game;
  struct network_transport {
    engine *e;
    kling::testing::mock_transport script;
    void async_send(kling::http_request r, kling::http_completion done) {
      auto s = script;
      e->network.emplace_back([s, r, done]() mutable { done(s.send(r)); });
    }
  };
  network_transport transport{&game, {}};
  transport.script.respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"completed","video_url":"https://e.com/v.mp4"})");
  kling::basic_client<network_transport> client{kling::options{}
                                                    .base_url("http://127.0.0.1:1")
                                                    .api_key("k-1234")
                                                    .scheduler(kling::make_scheduler(game)),
                                                transport};
  const auto game_thread = std::this_thread::get_id();
  std::atomic<int> calls{0};
  std::vector<bool> on_game_thread;
  kling::wait_settings w;
  w.progress = [&](const kling::wait_progress &) {
    on_game_thread.push_back(std::this_thread::get_id() == game_thread);
  };
  client.videos().create_and_wait_async(cat(), w, [&](kling::result<kling::task> t) {
    on_game_thread.push_back(std::this_thread::get_id() == game_thread);
    CHECK(t);
    ++calls;
  });
  for (int frame = 0; frame < 1000 && calls == 0; ++frame) {
    game.run_posted();
    game.timers.advance(100ms);
    game.timers.run_due();
    std::this_thread::sleep_for(1ms);
  }
  for (auto &t : game.network)
    t.join();
  CHECK(calls == 1);
  REQUIRE_FALSE(on_game_thread.empty());
  for (bool b : on_game_thread)
    CHECK(b);
}

TEST_CASE("async mode creates no thread", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().on_request([](const kling::http_request &r) {
    return r.method == "POST"
               ? kling_test::answer(200, R"({"id":"t","status":"pending"})")
               : kling_test::answer(200, R"({"id":"t","status":"completed","video_url":"https://e/v"})");
  });
  const int before = thread_count();
  REQUIRE(before >= 1);
  int done = 0;
  for (int i = 0; i < 5; ++i)
    client.videos().create_and_wait_async(cat(), {},
                                          [&](kling::result<kling::task> t) { done += t.has_value(); });
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
  for (int i = 0; i < 5; ++i)
    tracker.submit(cat(), {nullptr, [&](const kling::task &) { ++done; }, nullptr});
  for (int frame = 0; frame < 200 && done < 10; ++frame) {
    CHECK(thread_count() == before);
    client.transport().complete_pending();
    loop.advance(1000ms);
    loop.run_due();
    tracker.tick(loop.now());
  }
  CHECK(done == 10);
  CHECK(thread_count() == before);
}

TEST_CASE("async calls without a scheduler or with a blocked request report it at once", "[async]") {
  mock_client plain{kling::options{}.base_url("http://127.0.0.1:1").api_key("k-1234")};
  std::optional<kling::result<kling::task>> got;
  plain.videos().get_async("t", "", [&](kling::result<kling::task> t) { got = std::move(t); });
  REQUIRE(got);
  CHECK(got->error().code == kling::errc::configuration);
  CHECK(got->error().message.find("scheduler") != std::string::npos);

  kling::testing::manual_scheduler loop;
  auto client = async_client(loop);
  kling::text_to_video bad = cat();
  bad.seconds = 7;
  std::optional<kling::result<kling::task>> refused;
  client.videos().create_async(bad, [&](kling::result<kling::task> t) { refused = std::move(t); });
  REQUIRE(refused);
  CHECK(refused->error().violations.at(0).rule == "T-3");
  CHECK(client.transport().request_count() == 0);
}

TEST_CASE("async element calls and a streamed download", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().respond(200, R"({"code":0,"data":[{"element_id":842130978230767622}]})");
  client.transport().respond(200, R"({"code":0,"data":{"task_id":"d","task_status":"succeed"}})");
  client.transport().respond_truncated(200, std::string(40000, 'v'), 10000, {{"Content-Length", "40000"}});
  client.transport().respond(206, std::string(30000, 'v'), {{"Content-Range", "bytes 10000-39999/40000"}});
  std::string listed_id, deleted;
  std::string bytes;
  std::optional<kling::result<std::uint64_t>> downloaded;
  client.elements().list_async({}, [&](auto r) { listed_id = r->data.items.at(0).element_id; });
  client.elements().remove_async("842130978230767622", [&](auto r) { deleted = r->data.task_status; });
  client.videos().download_to_async(
      "https://cdn.example.com/v.mp4",
      [&](std::string_view piece) {
        bytes.append(piece);
        return true;
      },
      {}, [&](kling::result<std::uint64_t> n) { downloaded = std::move(n); });
  run_frames(loop, client.transport());
  CHECK(listed_id == "842130978230767622");
  CHECK(deleted == "succeed");
  REQUIRE(downloaded);
  REQUIRE(*downloaded);
  CHECK(**downloaded == 40000);
  CHECK(bytes == std::string(40000, 'v'));
}

// ----- task_tracker -------------------------------------------------------------------

TEST_CASE("task_tracker follows many tasks from one tick per frame", "[async][tracker]") {
  kling::testing::manual_scheduler loop; // used only as the frame clock here
  auto client = async_client(loop, true);
  std::map<std::string, int> polls;
  int next_id = 0;
  client.transport().on_request([&](const kling::http_request &r) {
    if (r.method == "POST") {
      const auto body = json::parse(r.body);
      if (body.value("prompt", "") == "bad things") {
        return kling_test::answer(200, R"({"id":"x","status":"pending"})"); // fails later
      }
      return kling_test::answer(200, R"({"id":"t)" + std::to_string(++next_id) + R"(","status":"pending"})");
    }
    const std::string id = r.path.substr(r.path.rfind('/') + 1);
    if (id == "x") return kling_test::answer(200, R"({"id":"x","status":"failed","error":"policy"})");
    return ++polls[id] < 3 ? kling_test::answer(200, R"({"id":")" + id + R"(","status":"processing"})")
                           : kling_test::answer(200, R"({"id":")" + id +
                                                         R"(","status":"completed","video_url":"https://e/)" +
                                                         id + R"("})");
  });
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
  std::vector<std::string> done, failed;
  std::map<kling::basic_task_tracker<kling::testing::mock_transport>::id, std::vector<kling::task_status>>
      progress;
  for (int i = 0; i < 4; ++i) {
    auto request = cat();
    if (i == 3) request.prompt = "bad things";
    auto key = std::make_shared<kling::basic_task_tracker<kling::testing::mock_transport>::id>();
    *key = tracker.submit(request, {[&, key](const kling::task &t) { progress[*key].push_back(t.status); },
                                    [&](const kling::task &t) { done.push_back(t.id); },
                                    [&](const kling::error &e) { failed.push_back(e.message); }});
  }
  auto invalid = cat();
  invalid.seconds = 7;
  tracker.submit(
      invalid, {nullptr, nullptr, [&](const kling::error &e) { failed.push_back(e.violations.at(0).rule); }});
  CHECK(tracker.active() == 5);

  int max_in_flight = 0, frames = 0;
  for (; frames < 600 && tracker.active() > 0; ++frames) {
    tracker.tick(loop.now());
    max_in_flight = std::max(max_in_flight, tracker.creates_in_flight());
    client.transport().complete_pending(); // the "network" answers between frames
    loop.advance(100ms);
  }
  CHECK(tracker.active() == 0);
  CHECK(max_in_flight <= 2); // the submission queue's limit
  std::sort(done.begin(), done.end());
  CHECK(done == std::vector<std::string>{"t1", "t2", "t3"});
  REQUIRE(failed.size() == 2);
  CHECK(failed[0] == "T-3"); // refused at the first tick, never sent
  CHECK(failed[1] == "task x failed: policy");
  for (const auto &p : progress) {
    if (p.second.back() == kling::task_status::completed) {
      CHECK(p.second.front() == kling::task_status::pending);
    }
  }
}

TEST_CASE("task_tracker backs off on the provider's concurrency limit (1303)", "[async][tracker]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  int posts = 0;
  client.transport().on_request([&](const kling::http_request &r) {
    if (r.method == "POST") {
      if (++posts <= 2) return kling_test::answer(429, R"({"code":1303,"message":"concurrency limit"})");
      return kling_test::answer(200, R"({"id":"t)" + std::to_string(posts) +
                                         R"(","status":"completed","video_url":"https://e/v"})");
    }
    return kling_test::answer(404, "{}");
  });
  kling::tracker_settings settings;
  settings.max_creates_in_flight = 3;
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client, settings};
  int done = 0;
  for (int i = 0; i < 5; ++i)
    tracker.submit(cat(), {nullptr, [&](const kling::task &) { ++done; }, nullptr});
  tracker.tick(loop.now());
  CHECK(tracker.creates_in_flight() == 3);
  client.transport().complete_pending(); // two 429/1303, one success
  tracker.tick(loop.now());
  CHECK(tracker.create_limit() < 3); // shrunk
  const int held = tracker.creates_in_flight();
  loop.advance(500ms);
  tracker.tick(loop.now()); // still holding new creates
  CHECK(tracker.creates_in_flight() == held);
  for (int frame = 0; frame < 400 && done < 5; ++frame) {
    client.transport().complete_pending();
    loop.advance(250ms);
    tracker.tick(loop.now());
  }
  CHECK(done == 5);
  CHECK(tracker.create_limit() == 3); // grown back
}

TEST_CASE("task_tracker resumes from saved handles", "[async][tracker][handle]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().on_request([](const kling::http_request &r) {
    const std::string id = r.path.substr(r.path.rfind('/') + 1);
    return kling_test::answer(200, R"({"id":")" + id + R"(","status":"processing"})");
  });
  const kling::timestamp wall = *kling::parse_iso8601("2025-01-13T10:00:00Z");
  std::vector<kling::task_handle> saved;
  {
    kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
    kling::task_handle h;
    h.task_id = "t1";
    tracker.track(h, {}, loop.now(), wall);
    h.task_id = "t2";
    tracker.track(h, {}, loop.now(), wall);
    saved = tracker.handles(loop.now(), wall);
  }
  REQUIRE(saved.size() == 2);
  CHECK(kling::format_iso8601(*saved[0].next_poll_at) == "2025-01-13T10:00:03.000000Z");
  CHECK(kling::format_iso8601(*saved[0].deadline) == "2025-01-13T10:15:00.000000Z");
  const std::string text = kling::dump_json(json(saved[1]));

  // "Later": a new tracker from the saved JSON polls when it was due.
  client.transport().reset();
  client.transport().defer_async(true);
  int completed = 0;
  client.transport().on_request([](const kling::http_request &r) {
    const std::string id = r.path.substr(r.path.rfind('/') + 1);
    return kling_test::answer(200,
                              R"({"id":")" + id + R"(","status":"completed","video_url":"https://e/v"})");
  });
  kling::basic_task_tracker<kling::testing::mock_transport> resumed{client};
  resumed.track(*kling::parse_task_handle(json::parse(text)),
                {nullptr, [&](const kling::task &) { ++completed; }, nullptr}, loop.now(), wall);
  resumed.tick(loop.now() + 2000ms);
  CHECK(client.transport().deferred_count() == 0); // not due yet
  resumed.tick(loop.now() + 3000ms);
  CHECK(client.transport().deferred_count() == 1);
  client.transport().complete_pending();
  resumed.tick(loop.now() + 3100ms);
  CHECK(completed == 1);
}

TEST_CASE("task_tracker wakes operations in due order, not cancelled ones, and knows the earliest",
          "[async][tracker]") {
  using tracker_type = kling::basic_task_tracker<kling::testing::mock_transport>;
  kling::testing::manual_scheduler loop; // the virtual clock
  auto client = async_client(loop);
  std::vector<std::string> polled, completed, cancelled;
  client.transport().on_request([&](const kling::http_request &r) {
    const std::string id = r.path.substr(r.path.rfind('/') + 1);
    polled.push_back(id);
    return kling_test::answer(200,
                              R"({"id":")" + id + R"(","status":"completed","video_url":"https://e/v"})");
  });
  const kling::timestamp wall = *kling::parse_iso8601("2025-01-13T10:00:00Z");
  tracker_type tracker{client};
  CHECK_FALSE(tracker.next_due()); // nothing tracked

  // 60 tasks, each due after its own number of seconds, added in a shuffled order.
  constexpr int count = 60;
  std::map<int, tracker_type::id> keys;
  kling::cancellation_source stop;
  for (int i = 0; i < count; ++i) {
    const int due = 1 + (i * 37) % count; // a permutation of 1..60
    kling::task_handle h;
    h.task_id = "t" + std::to_string(due);
    h.next_poll_at = wall + std::chrono::seconds(due);
    kling::call_options call;
    if (due == 30) call.cancel = stop.token(); // cancelled through its token
    keys[due] = tracker.track(h,
                              {nullptr, [&](const kling::task &t) { completed.push_back(t.id); },
                               [&, due](const kling::error &e) {
                                 CHECK(e.code == kling::errc::cancelled);
                                 cancelled.push_back("t" + std::to_string(due));
                               }},
                              loop.now(), wall, call);
  }
  REQUIRE(tracker.next_due());
  CHECK(*tracker.next_due() == kling::protocol::time_point::min()); // new: advanced at the next tick
  tracker.tick(loop.now());
  CHECK(polled.empty());
  REQUIRE(tracker.next_due());
  CHECK(*tracker.next_due() == loop.now() + 1s); // the earliest

  tracker.cancel(keys[1]); // the earliest: the next one becomes the earliest
  tracker.cancel(keys[45]);
  stop.cancel();
  REQUIRE(tracker.next_due());
  CHECK(*tracker.next_due() == kling::protocol::time_point::min()); // the cancelled end at the next tick
  tracker.tick(loop.now());
  CHECK(cancelled == std::vector<std::string>{"t1", "t30", "t45"}); // in the order they were added
  REQUIRE(tracker.next_due());
  CHECK(*tracker.next_due() == loop.now() + 2s);

  std::vector<std::string> expected;
  for (int due = 1; due <= count; ++due)
    if (due != 1 && due != 30 && due != 45) expected.push_back("t" + std::to_string(due));
  // Half a second past each due time, one tick: exactly the one due is polled.
  for (int second = 1; second <= count + 1; ++second) {
    const std::size_t before = polled.size();
    tracker.tick(loop.now() + std::chrono::milliseconds(second * 1000 + 500));
    const bool skipped = second == 1 || second == 30 || second == 45 || second > count;
    CHECK(polled.size() == before + (skipped ? 0 : 1));
    const auto due = tracker.next_due();
    if (tracker.active() > 0 && !skipped) {
      REQUIRE(due);
      CHECK(*due == kling::protocol::time_point::min()); // its answer is in
    }
  }
  CHECK(polled == expected);
  CHECK(completed == expected);
  CHECK(tracker.active() == 0);
  CHECK_FALSE(tracker.next_due());
}

// ----- any_transport ----------------------------------------------------------------------

TEST_CASE("any_transport wraps transports chosen at run time", "[async][transport]") {
  kling::testing::mock_transport script;
  script.respond(200, R"({"id":"t","status":"pending"})").respond(200, R"({"id":"t","status":"processing"})");
  kling::testing::manual_scheduler loop;
  kling::basic_client<kling::any_transport> client{kling::options{}
                                                       .base_url("http://127.0.0.1:1")
                                                       .api_key("k-1234")
                                                       .scheduler(kling::make_scheduler(loop)),
                                                   kling::any_transport(script)};
  CHECK(client.transport().can_block());
  CHECK(client.transport().can_send_async());
  CHECK(client.videos().get("t")->status == kling::task_status::pending);
  std::optional<kling::result<kling::task>> got;
  client.videos().get_async("t", "", [&](kling::result<kling::task> t) { got = std::move(t); });
  loop.run_until_idle();
  REQUIRE(got);
  CHECK((*got)->status == kling::task_status::processing);

  struct blocking_only {
    kling::result<kling::http_response> send(const kling::http_request &) {
      return kling_test::answer(200, R"({"id":"b","status":"pending"})");
    }
  };
  kling::basic_client<kling::any_transport> only_blocking{kling::options{}
                                                              .base_url("http://127.0.0.1:1")
                                                              .api_key("k-1234")
                                                              .retry(kling::protocol::retry_policy::none())
                                                              .scheduler(kling::make_scheduler(loop)),
                                                          kling::any_transport(blocking_only{})};
  CHECK(only_blocking.videos().get("b"));
  got.reset();
  only_blocking.videos().get_async("b", "", [&](kling::result<kling::task> t) { got = std::move(t); });
  loop.run_until_idle();
  REQUIRE(got);
  CHECK(got->error().code == kling::errc::configuration);
}

// ----- regressions from review -------------------------------------------------------------

namespace {
// A scheduler without an executor: events run where they arrive.
struct bare_loop {
  kling::testing::manual_scheduler timers;
  kling::protocol::time_point now() { return timers.now(); }
  void after(std::chrono::milliseconds d, std::function<void()> fn) { timers.after(d, std::move(fn)); }
};
} // namespace

TEST_CASE("cancelling create_and_wait_async holds when the create completes inside the call", "[async]") {
  bare_loop loop;
  mock_client client{kling::options{}
                         .base_url("http://127.0.0.1:1")
                         .api_key("k-1234")
                         .scheduler(kling::make_scheduler(loop))};
  client.transport().on_request([](const kling::http_request &r) {
    return r.method == "POST"
               ? kling_test::answer(200, R"({"id":"t","status":"pending"})")
               : kling_test::answer(200, R"({"id":"t","status":"completed","video_url":"https://e/v"})");
  });
  kling::errc code = kling::errc::http;
  auto op = client.videos().create_and_wait_async(
      cat(), {}, [&](kling::result<kling::task> t) { code = t ? kling::errc::http : t.error().code; });
  op.cancel();
  loop.timers.run_until_idle();
  CHECK(code == kling::errc::cancelled);
  CHECK(client.transport().request_count() == 1); // the first poll never went out
}

TEST_CASE("a streamed download stops feeding the sink once cancelled, even from its own callback",
          "[async]") {
  bare_loop loop;
  mock_client client{kling::options{}
                         .base_url("http://127.0.0.1:1")
                         .api_key("k-1234")
                         .scheduler(kling::make_scheduler(loop))};
  client.transport().defer_async(true); // the answer streams in later, when the operation handle exists
  client.transport().respond(200, std::string(100000, 'v'), {{"Content-Length", "100000"}});
  kling::async_operation op;
  int pieces_after_done = 0;
  bool finished = false;
  kling::errc code = kling::errc::http;
  kling::download_settings settings;
  settings.progress = [&](const kling::download_progress &) { op.cancel(); }; // must not deadlock
  op = client.videos().download_to_async(
      "https://cdn.example.com/v.mp4",
      [&](std::string_view) {
        if (finished) ++pieces_after_done;
        return true;
      },
      settings,
      [&](kling::result<std::uint64_t> n) {
        finished = true;
        code = n ? kling::errc::http : n.error().code;
      });
  client.transport().complete_pending();
  loop.timers.run_until_idle();
  CHECK(finished);
  CHECK(code == kling::errc::cancelled);
  CHECK(pieces_after_done == 0);
  CHECK(client.transport().abandoned_count() == 0); // being delivered, it was no longer the mock's to abandon

  // Cancelled before any byte arrives: the download is abandoned and the sink never called.
  int pieces = 0;
  finished = false;
  client.transport().respond(200, std::string(1000, 'v'), {{"Content-Length", "1000"}});
  op = client.videos().download_to_async(
      "https://cdn.example.com/v.mp4",
      [&](std::string_view) {
        ++pieces;
        return true;
      },
      {},
      [&](kling::result<std::uint64_t> n) {
        finished = true;
        code = n ? kling::errc::http : n.error().code;
      });
  REQUIRE(client.transport().deferred_count() == 1);
  op.cancel();
  CHECK(finished);
  CHECK(code == kling::errc::cancelled);
  CHECK(client.transport().abandoned_count() == 1);
  CHECK(client.transport().deferred_count() == 0);
  CHECK(pieces == 0);
  CHECK(client.transport().pending_answers() == 1); // the abandoned request used no scripted answer
}

TEST_CASE("task_tracker saves a create in flight under its external id", "[async][tracker][handle]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
  tracker.submit(cat(), {});
  tracker.tick(loop.now()); // the create goes out, unanswered
  const auto saved = tracker.handles(loop.now(), kling::timestamp{});
  REQUIRE(saved.size() == 1);
  CHECK(saved[0].task_id.rfind("kling-cpp-", 0) == 0);
  CHECK(saved[0].task_id == saved[0].external_task_id);
}

// ----- abandoning requests in flight -------------------------------------------------------

namespace {
// A deferred mock behind a void async_send: a transport that cannot abandon.
struct unabandonable {
  kling::testing::mock_transport inner;
  void async_send(kling::http_request r, kling::http_completion done) {
    inner.async_send(std::move(r), std::move(done)); // drops the way to abandon
  }
};
} // namespace

static_assert(kling::has_abandonable_async_send_v<kling::testing::mock_transport>);
static_assert(kling::has_abandonable_async_send_v<kling::any_transport>);
static_assert(!kling::has_abandonable_async_send_v<unabandonable>);

TEST_CASE("a cancelled call abandons its request only through a transport that can", "[async][transport]") {
  kling::testing::manual_scheduler loop;
  const auto processing = [](const kling::http_request &) {
    return kling_test::answer(200, R"({"id":"t","status":"processing"})");
  };

  SECTION("a transport without the means: the call still ends at once, the late answer is dropped") {
    kling::basic_client<unabandonable> client{kling::options{}
                                                  .base_url("http://127.0.0.1:1")
                                                  .api_key("k-1234")
                                                  .scheduler(kling::make_scheduler(loop))};
    client.transport().inner.defer_async(true).on_request(processing);
    int calls = 0;
    kling::errc code = kling::errc::http;
    auto op = client.videos().get_async("t", "", [&](kling::result<kling::task> t) {
      ++calls;
      code = t ? kling::errc::http : t.error().code;
    });
    loop.run_until_idle();
    REQUIRE(client.transport().inner.deferred_count() == 1);
    op.cancel();
    loop.run_until_idle();
    CHECK(calls == 1);
    CHECK(code == kling::errc::cancelled);
    CHECK(client.transport().inner.abandoned_count() == 0);
    CHECK(client.transport().inner.complete_pending() == 1); // the answer comes, and goes nowhere
    loop.run_until_idle();
    CHECK(calls == 1);
  }

  SECTION("through any_transport, which passes the means on") {
    kling::testing::mock_transport script;
    script.defer_async(true).on_request(processing);
    kling::basic_client<kling::any_transport> client{kling::options{}
                                                         .base_url("http://127.0.0.1:1")
                                                         .api_key("k-1234")
                                                         .scheduler(kling::make_scheduler(loop)),
                                                     kling::any_transport(script)};
    int calls = 0;
    auto op = client.videos().get_async("t", "", [&](kling::result<kling::task>) { ++calls; });
    loop.run_until_idle();
    REQUIRE(script.deferred_count() == 1);
    op.cancel();
    loop.run_until_idle();
    CHECK(calls == 1);
    CHECK(script.abandoned_count() == 1);
    CHECK(script.deferred_count() == 0);
  }

  SECTION("a finished call abandons nothing") {
    auto client = async_client(loop, true);
    client.transport().on_request(processing);
    int calls = 0;
    auto op = client.videos().get_async("t", "", [&](kling::result<kling::task> t) { calls += t ? 1 : 100; });
    run_frames(loop, client.transport());
    op.cancel();
    CHECK(calls == 1);
    CHECK(client.transport().abandoned_count() == 0);
  }
}

TEST_CASE("task_tracker abandons the requests of cancelled tasks and when it is destroyed",
          "[async][tracker]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().on_request([](const kling::http_request &) {
    return kling_test::answer(200, R"({"id":"t","status":"pending"})");
  });
  int failed = 0;
  {
    kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
    const auto first = tracker.submit(cat(), {nullptr, nullptr, [&](const kling::error &e) {
                                                failed += e.code == kling::errc::cancelled;
                                              }});
    tracker.submit(cat(), {});
    tracker.tick(loop.now()); // both creates go out, unanswered
    REQUIRE(client.transport().deferred_count() == 2);
    tracker.cancel(first); // abandoned at once; the callback comes with the next tick
    CHECK(client.transport().abandoned_count() == 1);
    CHECK(client.transport().deferred_count() == 1);
    CHECK(failed == 0);
    tracker.tick(loop.now());
    CHECK(failed == 1);
    tracker.tick(loop.now()); // the abandoned answer reached the inbox, for a task no longer followed
    CHECK(tracker.active() == 1);
  }
  CHECK(client.transport().abandoned_count() == 2); // the other one, with the tracker
  CHECK(client.transport().deferred_count() == 0);
}

TEST_CASE("task_tracker does not abandon a request whose answer is already in", "[async][tracker]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
  int cancelled = 0;
  const auto key = tracker.submit(cat(), {nullptr, nullptr, [&](const kling::error &e) {
                                            cancelled += e.code == kling::errc::cancelled;
                                          }});
  tracker.tick(loop.now());
  REQUIRE(client.transport().complete_pending() == 1); // answered, not yet taken in by a tick
  tracker.cancel(key);
  tracker.tick(loop.now());
  CHECK(cancelled == 1);
  CHECK(client.transport().abandoned_count() == 0);
}

TEST_CASE("cancelling create_and_wait_async abandons whichever request is out", "[async]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  client.transport().on_request([](const kling::http_request &) {
    return kling_test::answer(200, R"({"id":"t1","status":"processing"})");
  });
  std::optional<kling::errc> outcome;
  auto op = client.videos().create_and_wait_async(
      cat(), {}, [&](kling::result<kling::task> t) { outcome = t ? kling::errc::http : t.error().code; });
  loop.run_until_idle();
  REQUIRE(client.transport().deferred_count() == 1); // the create
  client.transport().complete_pending();
  loop.advance(3000ms);
  loop.run_until_idle();
  REQUIRE(client.transport().deferred_count() == 1); // the first poll
  op.cancel();
  loop.run_until_idle();
  CHECK(outcome == kling::errc::cancelled);
  CHECK(client.transport().abandoned_count() == 1);
  CHECK(client.transport().request_count() == 2); // one create, one poll: nothing sent after the cancel
}

namespace game {
// An engine namespace with a function that happens to share the library's helper's name:
// argument-dependent lookup must not pick it.
struct net {
  void async_send(kling::http_request, kling::http_completion done) {
    done(kling_test::answer(200, R"({"id":"t","status":"pending"})"));
  }
};
[[maybe_unused]] int start_exchange(net &, kling::http_request, kling::http_completion) { return 0; }
} // namespace game

TEST_CASE("a user's function named like the library's helper is not called", "[async][transport]") {
  kling::testing::manual_scheduler loop;
  kling::basic_client<game::net> client{kling::options{}
                                            .base_url("http://127.0.0.1:1")
                                            .api_key("k-1234")
                                            .scheduler(kling::make_scheduler(loop))};
  std::optional<kling::result<kling::task>> got;
  client.videos().get_async("t", "", [&](kling::result<kling::task> t) { got = std::move(t); });
  loop.run_until_idle();
  REQUIRE(got);
  CHECK(*got);
}

TEST_CASE("cancel races the answer: one outcome, one completion, whatever the order", "[async][transport]") {
  // Answers arrive on a network thread after a random pause while the caller
  // cancels; with no executor, events run on whichever thread brings them.
  struct racing_transport {
    struct exchange {
      std::atomic<bool> completed{false};
      kling::http_completion done;
      void complete(kling::result<kling::http_response> r) {
        if (!completed.exchange(true)) done(std::move(r));
      }
    };
    std::vector<std::thread> *network;
    std::atomic<int> *completions;
    std::atomic<int> *abandons;
    unsigned pause_us;
    kling::abandon_request async_send(kling::http_request, kling::http_completion done) {
      auto x = std::make_shared<exchange>();
      auto *count = completions;
      x->done = [done = std::move(done), count](kling::result<kling::http_response> r) {
        ++*count;
        done(std::move(r));
      };
      network->emplace_back([x, pause = pause_us] {
        std::this_thread::sleep_for(std::chrono::microseconds(pause));
        x->complete(kling_test::answer(200, R"({"id":"t","status":"processing"})"));
      });
      auto *abandoned = abandons;
      return [x, abandoned] {
        ++*abandoned;
        x->complete(kling::error{kling::errc::cancelled, "abandoned"});
      };
    }
  };
  bare_loop loop;
  std::vector<std::thread> network;
  std::atomic<int> completions{0}, abandons{0};
  int cancelled = 0, answered = 0;
  for (unsigned i = 0; i < 200; ++i) {
    kling::basic_client<racing_transport> client{
        kling::options{}
            .base_url("http://127.0.0.1:1")
            .api_key("k-1234")
            .scheduler(kling::make_scheduler(loop)),
        racing_transport{&network, &completions, &abandons, (i * 37) % 150}};
    std::atomic<int> outcomes{0};
    std::atomic<bool> was_cancelled{false};
    auto op = client.videos().get_async("t", "", [&](kling::result<kling::task> t) {
      ++outcomes;
      was_cancelled = !t && t.error().code == kling::errc::cancelled;
    });
    std::this_thread::sleep_for(std::chrono::microseconds((i * 53) % 150));
    op.cancel();
    for (auto &t : network)
      t.join();
    network.clear();
    REQUIRE(outcomes == 1);
    (was_cancelled ? cancelled : answered) += 1;
  }
  CHECK(completions == 200); // every request completed exactly once
  CHECK(cancelled + answered == 200);
  INFO("cancelled " << cancelled << ", answered " << answered << ", abandoned " << abandons.load());
  CHECK(abandons <= cancelled); // only calls that ended first abandon their request
  CHECK(abandons > 0);
}

// ----- one behaviour, three drivers --------------------------------------------------------
// Every operation, built once by its resource, runs through the blocking
// driver, the asynchronous driver and the tracker over the same scripted
// exchanges; what the caller sees (value or error, every field) and what
// was sent must be identical.

namespace {

using kling_test::answer;
using kling_test::transport_error;
using script = std::vector<kling::result<kling::http_response>>;

kling::protocol::retry_policy quick_retries() {
  kling::protocol::retry_policy retry;
  retry.jitter_seed = 7;
  retry.initial_backoff = 20ms;
  retry.max_backoff = 80ms;
  retry.lookup_window = 200ms;
  return retry;
}

kling::protocol::wait_options quick_wait() {
  kling::protocol::wait_options w;
  w.first_interval = 50ms;
  w.max_interval = 100ms;
  w.timeout = 2s;
  return w;
}

// Everything a caller can see of an outcome, as JSON text: equal texts, equal outcomes.
json seen(const kling::error &e) {
  json v = json::array();
  for (const auto &x : e.violations)
    v.push_back({x.rule, x.field, x.message});
  return {{"code", kling::to_string(e.code)},
          {"http_status", e.http_status},
          {"provider_code", e.provider_code},
          {"message", e.message},
          {"request_id", e.request_id},
          {"body_excerpt", e.body_excerpt},
          {"violations", v},
          {"request_sent", e.request_sent},
          {"retry_after", e.retry_after ? e.retry_after->count() : -1}};
}
json seen_response(const kling::response_info &r) {
  return {{"status", r.http_status}, {"request_id", r.request_id}, {"headers", r.headers.size()}};
}
json seen(const kling::task &t) {
  json w = json::array();
  for (const auto &x : t.warnings)
    w.push_back({x.rule, x.field});
  return {{"task", json(t)}, {"warnings", w}, {"response", seen_response(t.response)}};
}
template <class T>
json seen(const kling::envelope<T> &e) {
  return {{"raw", e.raw}, {"request_id", e.request_id}, {"response", seen_response(e.response)}};
}
json seen(std::uint64_t bytes) { return bytes; }
template <class T>
std::string seen(const kling::result<T> &r) {
  return r ? "value " + json(seen(*r)).dump() : "error " + seen(r.error()).dump();
}

std::string sent(const std::vector<kling::http_request> &log) {
  std::string out;
  for (const auto &r : log)
    out += r.method + " " + r.url() + " " + r.body + "\n";
  return out;
}

struct run_record {
  std::string outcome;
  std::string requests;
};

mock_client driver_client(const script &answers, kling::cancellation_source *cancel_after_first,
                          kling::testing::virtual_clock *clock, kling::testing::manual_scheduler *loop) {
  auto options = kling::options{}
                     .base_url("http://127.0.0.1:1")
                     .api_key("driver-key")
                     .retry(quick_retries())
                     .wait(quick_wait())
                     .external_task_id_seed(5);
  if (clock) options.time(clock->source());
  if (loop) options.scheduler(kling::make_scheduler(*loop));
  if (cancel_after_first) {
    // The observer runs on the driver's thread in every mode: the call is
    // cancelled between its first exchange and whatever would follow.
    options.observe([cancel_after_first](const kling::exchange_record &) { cancel_after_first->cancel(); });
  }
  mock_client c{options};
  for (const auto &a : answers)
    c.transport().respond(a);
  return c;
}

// op(client, call, done) starts the operation on the asynchronous driver;
// blocking(client, call) runs it blocking; tracked(client, tracker, call,
// done) hands its machine to the tracker.
template <class T, class Blocking, class Async, class Tracked>
std::vector<run_record> through_three_drivers(const script &answers, bool cancel, Blocking blocking,
                                              Async async, Tracked tracked) {
  std::vector<run_record> out;
  {
    kling::testing::virtual_clock clock;
    kling::cancellation_source stop;
    auto client = driver_client(answers, cancel ? &stop : nullptr, &clock, nullptr);
    kling::call_options call;
    call.cancel = stop.token();
    out.push_back({seen(blocking(client, call)), sent(client.transport().requests())});
  }
  {
    kling::testing::manual_scheduler loop;
    kling::cancellation_source stop;
    auto client = driver_client(answers, cancel ? &stop : nullptr, nullptr, &loop);
    kling::call_options call;
    call.cancel = stop.token();
    std::optional<kling::result<T>> got;
    async(client, call, [&](kling::result<T> r) { got = std::move(r); });
    loop.run_until_idle();
    REQUIRE(got);
    out.push_back({seen(*got), sent(client.transport().requests())});
  }
  {
    kling::testing::virtual_clock clock;
    kling::cancellation_source stop;
    auto client = driver_client(answers, cancel ? &stop : nullptr, &clock, nullptr);
    kling::call_options call;
    call.cancel = stop.token();
    kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
    std::optional<kling::result<T>> got;
    tracked(client, tracker, call, [&](kling::result<T> r) { got = std::move(r); });
    // Ticks exactly when something is due, as the other drivers wake.
    for (int frame = 0; frame < 100000 && tracker.active() > 0; ++frame) {
      tracker.tick(clock.now());
      if (auto due = tracker.next_due(); due && *due > clock.now()) clock.advance_to(*due);
    }
    REQUIRE(got);
    out.push_back({seen(*got), sent(client.transport().requests())});
  }
  return out;
}

void require_identical(const std::vector<run_record> &runs) {
  REQUIRE(runs.size() == 3);
  INFO("blocking: " << runs[0].outcome << "\nsent:\n" << runs[0].requests);
  CHECK(runs[1].outcome == runs[0].outcome);
  CHECK(runs[1].requests == runs[0].requests);
  CHECK(runs[2].outcome == runs[0].outcome);
  CHECK(runs[2].requests == runs[0].requests);
}

const char *const driver_pending_task = R"({"id":"t1","status":"pending"})";
const char *const driver_completed_task =
    R"({"id":"t1","status":"completed","created_at":1700000000,"video_url":"https://cdn.example.com/v.mp4"})";
const char *const driver_failed_task =
    R"({"id":"t1","status":"failed","error":"content policy","error_code":"1301"})";

// The fault classes every operation meets: each answer list is what the gateway says, in order.
std::vector<std::pair<std::string, script>> task_scripts(const std::string &ok_body) {
  kling::error drop = transport_error(kling::errc::connection, true);
  kling::error refused = transport_error(kling::errc::connection, false);
  return {
      {"success", {answer(200, ok_body, {{"X-Request-Id", "req-1"}})}},
      {"5xx then success", {answer(503, "busy"), answer(200, ok_body)}},
      {"429 with Retry-After then success",
       {answer(429, R"({"code":1302,"message":"slow down"})", {{"Retry-After", "1"}}), answer(200, ok_body)}},
      {"refused connection then success", {refused, answer(200, ok_body)}},
      {"dropped connection then success", {drop, answer(200, ok_body)}},
      {"timeout then success", {transport_error(kling::errc::timeout, true), answer(200, ok_body)}},
      {"proxy page then success", {answer(502, "<html>bad gateway</html>"), answer(200, ok_body)}},
      {"not found", {answer(404, R"({"message":"no such task"})")}},
      {"auth", {answer(401, R"({"code":1000,"message":"bad key"})", {{"X-Request-Id", "req-401"}})}},
      {"content policy", {answer(400, R"({"code":1301,"message":"refused"})")}},
      {"always 500",
       {answer(500, "x"), answer(500, "x"), answer(500, "x"), answer(500, "x"), answer(500, "x"),
        answer(500, "x"), answer(500, "x"), answer(500, "x"), answer(500, "x"), answer(500, "x")}},
      {"not the contract", {answer(200, "[1,2,3]")}},
  };
}

} // namespace

TEST_CASE("every task operation behaves the same through all three drivers", "[drivers]") {
  const auto polls = [](std::initializer_list<const char *> bodies) {
    script s;
    for (const char *b : bodies)
      s.push_back(answer(200, b));
    return s;
  };
  std::vector<std::pair<std::string, script>> scripts = task_scripts(driver_completed_task);
  scripts.push_back(
      {"pending, processing, completed",
       polls({driver_pending_task, R"({"id":"t1","status":"processing"})", driver_completed_task})});
  scripts.push_back({"a failed task", polls({driver_pending_task, driver_failed_task})});
  scripts.push_back({"an unknown status", polls({driver_pending_task, R"({"id":"t1","status":"melting"})"})});
  scripts.push_back({"never finishes",
                     polls(std::initializer_list<const char *>(
                         {driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task, driver_pending_task, driver_pending_task,
                          driver_pending_task, driver_pending_task}))});
  // The create's answer is lost after the task was made: looked up by its external_task_id.
  scripts.push_back({"lost create answer, found by lookup",
                     {transport_error(kling::errc::timeout, true), answer(200, driver_pending_task),
                      answer(200, driver_completed_task)}});

  // A model not in the catalog: sent, with a ROUTE-4 warning that travels with the task.
  const json request = {{"model", "kling-v1"}, {"prompt", "a cat"}};

  for (bool cancel : {false, true}) {
    for (const auto &[name, answers] : scripts) {
      DYNAMIC_SECTION(name << (cancel ? ", cancelled after the first exchange" : "")) {
        SECTION("create") {
          const auto runs = through_three_drivers<kling::task>(
              answers, cancel,
              [&](mock_client &c, const kling::call_options &call) {
                return c.videos().create(request, call);
              },
              [&](mock_client &c, const kling::call_options &call, auto done) {
                c.videos().create_async(request, done, call);
              },
              [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
                tracker.run(c.videos().create_operation(request, call), done, call);
              });
          require_identical(runs);
          // Not vacuous: the create was sent, and a success carries its warning and request id.
          CHECK(runs[0].requests.rfind("POST http://127.0.0.1:1/v1/videos", 0) == 0);
          if (name == "success") {
            CHECK(runs[0].outcome.find("ROUTE-4") != std::string::npos);
            CHECK(runs[0].outcome.find("req-1") != std::string::npos);
          }
          if (cancel && name == "5xx then success")
            CHECK(runs[0].outcome.find("cancelled") != std::string::npos);
        }
        SECTION("get") {
          require_identical(through_three_drivers<kling::task>(
              answers, cancel,
              [&](mock_client &c, const kling::call_options &call) { return c.videos().get("t1", "", call); },
              [&](mock_client &c, const kling::call_options &call, auto done) {
                c.videos().get_async("t1", "", done, call);
              },
              [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
                tracker.run(c.videos().get_operation("t1"), done, call);
              }));
        }
        SECTION("wait") {
          const auto with = [](const kling::call_options &call) {
            kling::wait_settings w;
            static_cast<kling::call_options &>(w) = call;
            return w;
          };
          kling::task_handle handle;
          handle.task_id = "t1";
          require_identical(through_three_drivers<kling::task>(
              answers, cancel,
              [&](mock_client &c, const kling::call_options &call) {
                return c.videos().wait(handle, with(call));
              },
              [&](mock_client &c, const kling::call_options &call, auto done) {
                c.videos().wait_async(handle, with(call), done);
              },
              [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
                tracker.run(c.videos().wait_operation(handle, with(call), c.options().time().now()), done,
                            call);
              }));
        }
        SECTION("create_and_wait") {
          const auto with = [](const kling::call_options &call) {
            kling::wait_settings w;
            static_cast<kling::call_options &>(w) = call;
            return w;
          };
          require_identical(through_three_drivers<kling::task>(
              answers, cancel,
              [&](mock_client &c, const kling::call_options &call) {
                return c.videos().create_and_wait(request, with(call));
              },
              [&](mock_client &c, const kling::call_options &call, auto done) {
                c.videos().create_and_wait_async(request, with(call), done);
              },
              [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
                tracker.run(
                    c.videos().create_and_wait_operation(request, with(call), c.options().time().now()), done,
                    call);
              }));
        }
      }
    }
  }
}

TEST_CASE("every element operation and a download behave the same through all three drivers", "[drivers]") {
  const std::string element_page =
      R"({"code":0,"message":"ok","request_id":"r1","data":[{"element_id":"e1","element_name":"cat"}]})";
  const std::string one_element =
      R"({"code":0,"message":"ok","request_id":"r2","data":{"element_id":"e1","element_name":"cat"}})";
  const std::string deletion = R"({"code":0,"message":"ok","request_id":"r3","data":{"element_id":"e1"}})";
  kling::new_element element;
  element.element_name = "cat";
  element.element_description = "a cat";
  element.element_frontal_image = "https://example.com/cat.png";
  element.element_refer_list = {"https://example.com/cat-side.png"};

  for (bool cancel : {false, true}) {
    for (const auto &[name, answers] : task_scripts(element_page)) {
      DYNAMIC_SECTION("list: " << name << (cancel ? ", cancelled" : "")) {
        require_identical(through_three_drivers<kling::envelope<kling::page<kling::element>>>(
            answers, cancel,
            [&](mock_client &c, const kling::call_options &call) { return c.elements().list({}, call); },
            [&](mock_client &c, const kling::call_options &call, auto done) {
              c.elements().list_async({}, done, call);
            },
            [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
              tracker.run(c.elements().list_operation(), done, call);
            }));
      }
    }
    for (const auto &[name, answers] : task_scripts(one_element)) {
      DYNAMIC_SECTION("create: " << name << (cancel ? ", cancelled" : "")) {
        require_identical(through_three_drivers<kling::envelope<kling::element>>(
            answers, cancel,
            [&](mock_client &c, const kling::call_options &call) {
              return c.elements().create(element, call);
            },
            [&](mock_client &c, const kling::call_options &call, auto done) {
              c.elements().create_async(element, done, call);
            },
            [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
              tracker.run(c.elements().create_operation(element), done, call);
            }));
      }
    }
    for (const auto &[name, answers] : task_scripts(deletion)) {
      DYNAMIC_SECTION("remove: " << name << (cancel ? ", cancelled" : "")) {
        require_identical(through_three_drivers<kling::envelope<kling::element_deletion>>(
            answers, cancel,
            [&](mock_client &c, const kling::call_options &call) { return c.elements().remove("e1", call); },
            [&](mock_client &c, const kling::call_options &call, auto done) {
              c.elements().remove_async("e1", done, call);
            },
            [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
              tracker.run(c.elements().remove_operation("e1"), done, call);
            }));
      }
    }
    for (const auto &[name, answers] : task_scripts("0123456789")) {
      DYNAMIC_SECTION("download: " << name << (cancel ? ", cancelled" : "")) {
        // Each driver's bytes, compared too.
        std::vector<std::string> bytes(3);
        int run = 0;
        const auto with = [](const kling::call_options &call) {
          kling::download_settings d;
          static_cast<kling::call_options &>(d) = call;
          return d;
        };
        const std::string url = "https://cdn.example.com/v.mp4";
        auto runs = through_three_drivers<std::uint64_t>(
            answers, cancel,
            [&](mock_client &c, const kling::call_options &call) {
              std::string *into = &bytes[run++];
              return c.videos().download_to(
                  url, [into](std::string_view p) { return into->append(p), true; }, with(call));
            },
            [&](mock_client &c, const kling::call_options &call, auto done) {
              std::string *into = &bytes[run++];
              c.videos().download_to_async(
                  url, [into](std::string_view p) { return into->append(p), true; }, with(call), done);
            },
            [&](mock_client &c, auto &tracker, const kling::call_options &call, auto done) {
              std::string *into = &bytes[run++];
              tracker.run(c.videos().download_to_operation(
                              url, [into](std::string_view p) { return into->append(p), true; }, with(call)),
                          done, call);
            });
        require_identical(runs);
        CHECK(bytes[1] == bytes[0]);
        CHECK(bytes[2] == bytes[0]);
      }
    }
  }
}

TEST_CASE("an async call notices its token during a long Retry-After sleep", "[async][cancel]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop);
  client.transport().respond(429, R"({"code":1303,"message":"busy"})", {{"Retry-After", "120"}});
  kling::cancellation_source stop;
  kling::wait_settings settings;
  settings.cancel = stop.token();
  std::optional<kling::result<kling::task>> outcome;
  client.videos().create_and_wait_async(cat(), settings,
                                        [&](kling::result<kling::task> t) { outcome = std::move(t); });
  loop.run_due();
  const auto started = loop.now();
  for (int i = 0; i < 4; ++i) { // one second of the two minutes
    loop.advance(250ms);
    loop.run_due();
  }
  CHECK_FALSE(outcome); // still sleeping: nothing has cancelled it
  stop.cancel();
  for (int i = 0; i < 4 && !outcome; ++i) {
    loop.advance(kling::cancel_check_interval);
    loop.run_due();
  }
  REQUIRE(outcome);
  CHECK(outcome->error().code == kling::errc::cancelled);
  CHECK(loop.now() - started <= 1s + 2 * kling::cancel_check_interval);
  CHECK(client.transport().requests().size() == 1); // the create was not sent again
}

TEST_CASE("an async call's token gives up its request in flight", "[async][cancel]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true); // answers wait for complete_pending: the request stays out
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  kling::cancellation_source stop;
  kling::call_options call;
  call.cancel = stop.token();
  std::optional<kling::result<kling::task>> outcome;
  client.videos().get_async(
      "t1", "", [&](kling::result<kling::task> t) { outcome = std::move(t); }, call);
  loop.run_due();
  REQUIRE(client.transport().deferred_count() == 1);
  stop.cancel();
  loop.advance(kling::cancel_check_interval);
  loop.run_due();
  REQUIRE(outcome);
  CHECK(outcome->error().code == kling::errc::cancelled);
  CHECK(client.transport().abandoned_count() == 1); // given up, not left to time out
}

TEST_CASE("async wait progress reports a handle in calendar time from the scheduler's clock",
          "[async][handle]") {
  // The scheduler's clock (a game's time) is nowhere near the system's steady clock.
  kling::testing::manual_scheduler loop;
  loop.advance(std::chrono::hours(24 * 400));
  auto client = async_client(loop);
  client.transport()
      .respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"processing"})")
      .respond(200, R"({"id":"t1","status":"completed","video_url":"https://e.com/v.mp4"})");
  std::vector<kling::wait_progress> seen;
  kling::wait_settings w;
  w.progress = [&](const kling::wait_progress &p) { seen.push_back(p); };
  std::optional<kling::result<kling::task>> outcome;
  client.videos().create_and_wait_async(cat(), w,
                                        [&](kling::result<kling::task> t) { outcome = std::move(t); });
  loop.run_until_idle();
  REQUIRE(outcome);
  REQUIRE(*outcome);
  REQUIRE_FALSE(seen.empty());
  const auto wall = client.options().time().wall_now();
  for (const auto &p : seen) {
    REQUIRE(p.handle.deadline);
    // The wait's 15 minutes, counted on the scheduler's clock, land in the next 15 minutes of calendar time.
    CHECK(*p.handle.deadline > wall);
    CHECK(*p.handle.deadline < wall + std::chrono::minutes(16));
    CHECK(p.elapsed < std::chrono::minutes(1));
  }
}

TEST_CASE("task_tracker: a cancelled queued create, a refused one and a cancelled token",
          "[async][tracker][cancel]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop, true);
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  kling::tracker_settings settings;
  settings.max_creates_in_flight = 1;
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client, settings};
  std::vector<std::string> failures;
  const auto failed = [&](const kling::error &e) { failures.push_back(kling::to_string(e.code)); };
  kling::cancellation_source stop;
  kling::call_options call;
  call.cancel = stop.token();
  tracker.submit(cat(), {nullptr, nullptr, failed}, call);               // sent, then its token fires
  const auto queued = tracker.submit(cat(), {nullptr, nullptr, failed}); // waits for its turn
  kling::text_to_video broken = cat();
  broken.prompt.clear();
  tracker.submit(broken, {nullptr, nullptr, failed}); // refused by the rules
  CHECK(tracker.next_due()); // asked before the first tick: no machine is touched that does not exist
  tracker.tick(loop.now());
  REQUIRE(client.transport().deferred_count() == 1);
  tracker.cancel(queued);
  stop.cancel();
  tracker.tick(loop.now());
  CHECK(client.transport().abandoned_count() == 1); // the token gave up the request in flight
  CHECK(tracker.active() == 0);
  std::sort(failures.begin(), failures.end());
  CHECK(failures == std::vector<std::string>{"cancelled", "cancelled", "invalid_request"});
}

TEST_CASE("download settings that a download cannot use are refused", "[client][call_options][download]") {
  kling::testing::manual_scheduler loop;
  auto client = async_client(loop);
  kling::download_settings headers;
  headers.headers = {{"X-Team", "a"}};
  auto with_headers = client.videos().download_to(
      "https://cdn.example.com/v.mp4", [](std::string_view) { return true; }, headers);
  REQUIRE_FALSE(with_headers);
  CHECK(with_headers.error().code == kling::errc::configuration);
  CHECK(with_headers.error().message.find("download's host") != std::string::npos);
  kling::download_settings id;
  id.external_task_id = "x";
  auto with_id = client.videos().download_to(
      "https://cdn.example.com/v.mp4", [](std::string_view) { return true; }, id);
  REQUIRE_FALSE(with_id);
  CHECK(with_id.error().message.find("creates only") != std::string::npos);
  CHECK(client.transport().requests().empty());
}
