// The libcurl transports of examples/transports against the fake gateway on
// loopback, under its faults: blocking (easy interface) and driven from a
// game loop (multi interface): exactly-once create, streamed downloads,
// abandoning, the task tracker, and the idle timeout.
#include "transports/curl_transport.hpp"

#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "../support/catch.hpp"
#include "../support/loopback_gateway.hpp"

using kling::testing::fake_gateway;
using kling::testing::fault;
using kling::testing::request_match;
using kling_test::fast_options;
using kling_test::started_gateway;
using namespace std::chrono_literals;

namespace {

kling::text_to_video a_request(const std::string &prompt = "A cat playing in a sunny garden") {
  kling::text_to_video r;
  r.prompt = prompt;
  return r;
}

// A game's timer queue on the real clock: the scheduler the async client needs.
class frame_timers {
public:
  kling::protocol::time_point now() const { return std::chrono::steady_clock::now(); }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) {
    timers_.emplace(now() + delay, std::move(fn));
  }
  void run_due() {
    while (!timers_.empty() && timers_.begin()->first <= now()) {
      auto fn = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      fn();
    }
  }

private:
  std::multimap<kling::protocol::time_point, std::function<void()>> timers_;
};

// The frame loop: until done() or the frame budget (at 1 ms a frame) runs out.
template <class Done>
bool run_frames(curl_example::curl_loop &loop, frame_timers &timers, Done done, int frames = 20000) {
  for (int i = 0; i < frames && !done(); ++i) {
    loop.tick();
    timers.run_due();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

using async_client = kling::basic_client<curl_example::curl_async_transport>;

// A server that answers one connection with canned bytes and keeps what it
// was sent: what the fake gateway cannot show (request headers, 1xx answers).
class raw_server {
public:
  explicit raw_server(std::string answer) : answer_(std::move(answer)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr *>(&a), n) == 0);
    REQUIRE(::listen(listener_, 1) == 0);
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr *>(&a), &n) == 0);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~raw_server() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // What the client sent, once the exchange is over.
  const std::string &received() {
    if (thread_.joinable()) thread_.join();
    return received_;
  }

private:
  void serve() {
    const int c = ::accept(listener_, nullptr, nullptr);
    if (c < 0) return;
    char buffer[4096];
    std::size_t body_wanted = std::string::npos;
    for (;;) {
      const auto got = ::recv(c, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(got));
      const auto end = received_.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      if (body_wanted == std::string::npos) {
        const auto at = received_.find("Content-Length: ");
        body_wanted = at == std::string::npos ? 0 : std::stoul(received_.substr(at + 16));
      }
      if (received_.size() >= end + 4 + body_wanted) break;
    }
    ::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
    ::close(c);
  }
  std::string answer_, received_;
  int listener_ = -1, port_ = 0;
  std::thread thread_;
};

} // namespace

TEST_CASE("curl, blocking: faults during create still create exactly one task", "[curl]") {
  const std::pair<const char *, fault> cases[] = {
      {"dropped after creating", fault::dropped_after_create()},
      {"dropped before creating", fault::dropped()},
      {"502 with an HTML page", fault::server(502)},
  };
  for (const auto &c : cases) {
    INFO(c.first);
    started_gateway s;
    s.gateway.inject(c.second, request_match::creates());
    kling::basic_client<curl_example::curl_transport> client{fast_options(s.gateway)};
    auto t = client.videos().create_and_wait(a_request());
    INFO((t ? std::string() : kling::to_string(t.error())));
    REQUIRE(t);
    CHECK(t->status == kling::task_status::completed);
    CHECK(s.gateway.tasks_created() == 1);
    CHECK(s.gateway.tasks_created_for(t->external_task_id) == 1);
  }
}

TEST_CASE("curl, blocking: downloads stream, and a cut one resumes", "[curl][download]") {
  started_gateway s;
  kling::basic_client<curl_example::curl_transport> client{fast_options(s.gateway)};
  auto t = client.videos().create_and_wait(a_request());
  REQUIRE(t);
  std::string got;
  int pieces = 0;
  auto d = client.videos().download_to(t->video_url(), [&](std::string_view piece) {
    got.append(piece);
    ++pieces;
    return true;
  });
  REQUIRE(d);
  CHECK(got == kling::testing::sample_mp4());
  CHECK(pieces >= 1);

  s.gateway.inject(fault::truncated(), request_match::downloads());
  got.clear();
  d = client.videos().download_to(t->video_url(), [&](std::string_view piece) {
    got.append(piece);
    return true;
  });
  REQUIRE(d);
  CHECK(got == kling::testing::sample_mp4());
  CHECK(s.gateway.log().back().status == 206); // the rest, by Range
}

TEST_CASE("curl, blocking: the idle timeout and a cancelled call stop a stalled answer", "[curl]") {
  started_gateway s;
  s.gateway.inject(fault::slow_answer(3000ms), request_match::polls(), 2);
  kling::basic_client<curl_example::curl_transport> client{fast_options(s.gateway).request_timeout(500ms)};
  auto t = client.videos().create(a_request());
  REQUIRE(t);

  kling::protocol::retry_policy once;
  once.max_attempts = 1;
  kling::basic_client<curl_example::curl_transport> impatient{
      fast_options(s.gateway).request_timeout(500ms).retry(once)};
  auto stalled = impatient.videos().get(t->id);
  REQUIRE_FALSE(stalled);
  CHECK(stalled.error().code == kling::errc::timeout);

  // A waiting call cancelled from another thread while its request hangs.
  kling::basic_client<curl_example::curl_transport> patient{fast_options(s.gateway).request_timeout(10s)};
  kling::cancellation_source stop;
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    stop.cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  kling::wait_settings settings;
  settings.cancel = stop.token();
  auto waited = patient.videos().wait(t->id, settings);
  canceller.join();
  REQUIRE_FALSE(waited);
  CHECK(waited.error().code == kling::errc::cancelled);
  CHECK(std::chrono::steady_clock::now() - started < 2900ms); // not after the slow answer
  s.gateway.stop();
}

TEST_CASE("curl, game loop: create and wait under faults, one task", "[curl][async]") {
  const std::pair<const char *, fault> cases[] = {
      {"dropped after creating", fault::dropped_after_create()},
      {"503", fault::server(503)},
  };
  for (const auto &c : cases) {
    INFO(c.first);
    started_gateway s;
    s.gateway.inject(c.second, request_match::creates());
    s.gateway.inject(fault::dropped(), request_match::polls());
    curl_example::curl_loop loop;
    frame_timers timers;
    async_client client{fast_options(s.gateway).scheduler(kling::make_scheduler(timers)), loop.transport()};
    std::optional<kling::result<kling::task>> outcome;
    int calls = 0;
    client.videos().create_and_wait_async(a_request(), {}, [&](kling::result<kling::task> t) {
      ++calls;
      outcome = std::move(t);
    });
    REQUIRE(run_frames(loop, timers, [&] { return outcome.has_value(); }));
    INFO((*outcome ? std::string() : kling::to_string(outcome->error())));
    REQUIRE(*outcome);
    CHECK((*outcome)->status == kling::task_status::completed);
    CHECK(calls == 1);
    CHECK(loop.in_flight() == 0);
    CHECK(s.gateway.tasks_created() == 1);
  }
}

TEST_CASE("curl, game loop: a download streams through the multi interface", "[curl][async][download]") {
  started_gateway s;
  s.gateway.inject(fault::truncated(), request_match::downloads());
  curl_example::curl_loop loop;
  frame_timers timers;
  async_client client{fast_options(s.gateway).scheduler(kling::make_scheduler(timers)), loop.transport()};
  kling::basic_client<curl_example::curl_transport> blocking{fast_options(s.gateway)};
  auto t = blocking.videos().create_and_wait(a_request());
  REQUIRE(t);
  std::string got;
  std::optional<kling::result<std::uint64_t>> outcome;
  client.videos().download_to_async(
      t->video_url(),
      [&](std::string_view piece) {
        got.append(piece);
        return true;
      },
      {}, [&](kling::result<std::uint64_t> n) { outcome = std::move(n); });
  REQUIRE(run_frames(loop, timers, [&] { return outcome.has_value(); }));
  INFO((*outcome ? std::string() : kling::to_string(outcome->error())));
  REQUIRE(*outcome);
  CHECK(**outcome == kling::testing::sample_mp4().size());
  CHECK(got == kling::testing::sample_mp4());
}

TEST_CASE("curl, game loop: a cancelled call's transfer is removed at once", "[curl][async][abandon]") {
  started_gateway s;
  s.gateway.inject(fault::slow_answer(2000ms), request_match::polls());
  curl_example::curl_loop loop;
  frame_timers timers;
  async_client client{fast_options(s.gateway).scheduler(kling::make_scheduler(timers)), loop.transport()};
  auto created =
      kling::basic_client<curl_example::curl_transport>{fast_options(s.gateway)}.videos().create(a_request());
  REQUIRE(created);

  int calls = 0;
  std::optional<kling::error> failure;
  auto op = client.videos().get_async(created->id, "", [&](kling::result<kling::task> t) {
    ++calls;
    if (!t) failure = t.error();
  });
  run_frames(
      loop, timers, [] { return false; }, 50); // the request is out, the answer is slow
  REQUIRE(loop.in_flight() == 1);
  op.cancel();
  CHECK(loop.in_flight() == 0);
  run_frames(
      loop, timers, [] { return false; }, 200);
  CHECK(calls == 1);
  REQUIRE(failure);
  CHECK(failure->code == kling::errc::cancelled);

  // Cancelled from inside its own receiver (curl's callback): completed at the next tick.
  auto t =
      kling::basic_client<curl_example::curl_transport>{fast_options(s.gateway)}.videos().create_and_wait(
          a_request());
  REQUIRE(t);
  kling::async_operation download;
  std::optional<kling::result<std::uint64_t>> outcome;
  int downloads_done = 0;
  download = client.videos().download_to_async(
      t->video_url(),
      [&](std::string_view) {
        download.cancel();
        return true;
      },
      {},
      [&](kling::result<std::uint64_t> n) {
        ++downloads_done;
        outcome = std::move(n);
      });
  REQUIRE(run_frames(loop, timers, [&] { return outcome.has_value(); }));
  REQUIRE_FALSE(*outcome);
  CHECK(outcome->error().code == kling::errc::cancelled);
  run_frames(
      loop, timers, [] { return false; }, 20);
  CHECK(downloads_done == 1);
  CHECK(loop.in_flight() == 0);
  s.gateway.stop();
}

TEST_CASE("curl, game loop: the loop outlives no one, and no one outlives it", "[curl][async][abandon]") {
  started_gateway s;
  s.gateway.inject(fault::slow_answer(1000ms), request_match::polls());
  frame_timers timers;
  int calls = 0;
  std::optional<kling::error> failure;
  curl_example::curl_async_transport orphan = [&] {
    curl_example::curl_loop loop;
    async_client client{fast_options(s.gateway).scheduler(kling::make_scheduler(timers)), loop.transport()};
    client.videos().get_async("task_missing", "", [&](kling::result<kling::task> t) {
      ++calls;
      if (!t) failure = t.error();
    });
    loop.tick();
    return loop.transport();
    // the client goes first (its request still out), then the loop completes it
  }();
  CHECK(calls == 1);
  REQUIRE(failure);
  CHECK(failure->code == kling::errc::cancelled);

  // A transport whose loop is gone fails at once and says why.
  std::optional<kling::result<kling::http_response>> answer;
  kling::http_request r;
  r.origin = s.gateway.base_url();
  r.path = "/v1/videos/task_1";
  orphan.async_send(r, [&](kling::result<kling::http_response> a) { answer = std::move(a); });
  REQUIRE(answer);
  REQUIRE_FALSE(*answer);
  CHECK(answer->error().code == kling::errc::cancelled);
  CHECK_FALSE(answer->error().request_sent);
  s.gateway.stop();
}

TEST_CASE("curl, game loop: the task tracker completes tasks from tick alone", "[curl][async][tracker]") {
  started_gateway s;
  s.gateway.inject(fault::dropped_after_create(), request_match::creates());
  s.gateway.inject_every(fault::server(502), 3, request_match::polls());
  curl_example::curl_loop loop;
  async_client client{fast_options(s.gateway), loop.transport()};
  kling::basic_task_tracker<curl_example::curl_async_transport> tracker{client};
  int finished = 0, failed = 0;
  for (const char *prompt : {"A dragon over the castle", "Rain on a neon street", "A ship in a storm"}) {
    tracker.submit(a_request(prompt), {nullptr, [&](const kling::task &) { ++finished; },
                                       [&](const kling::error &e) {
                                         ++failed;
                                         WARN(kling::to_string(e));
                                       }});
  }
  for (int frame = 0; frame < 20000 && tracker.active() > 0; ++frame) {
    loop.tick();
    tracker.tick(std::chrono::steady_clock::now());
    std::this_thread::sleep_for(1ms);
  }
  CHECK(finished == 3);
  CHECK(failed == 0);
  CHECK(s.gateway.tasks_created() == 3);
  CHECK(loop.in_flight() == 0);
}

TEST_CASE("curl: no Expect, no compression, only the final answer, redirects returned", "[curl][checklist]") {
  raw_server server("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                    "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nX-Final: 1\r\n"
                    "Content-Length: 5\r\nConnection: close\r\n\r\nmoved");
  curl_example::curl_transport transport;
  kling::http_request request;
  request.method = "POST";
  request.origin = server.origin();
  request.path = "/v1/videos";
  request.headers = {{"Content-Type", "application/json"}, {"X-Order", "kept"}};
  request.body = std::string(5000, 'x'); // curl would add Expect: 100-continue above 1 KiB
  auto answer = transport.send(request);
  const std::string &sent = server.received();
  INFO(sent.substr(0, sent.find("\r\n\r\n")));
  CHECK(sent.find("Expect:") == std::string::npos);
  CHECK(sent.find("Accept-Encoding") == std::string::npos);
  CHECK(sent.find("X-Order: kept") != std::string::npos);
  CHECK(sent.size() >= 5000);
  CHECK(sent.compare(sent.size() - 5000, 5000, request.body) == 0);
  INFO((answer ? std::string() : kling::to_string(answer.error())));
  REQUIRE(answer);
  CHECK(answer->status == 302); // returned, not followed
  CHECK(answer->body == "moved");
  CHECK(answer->header("X-Final"));
  CHECK_FALSE(answer->header("X-Interim")); // the 1xx answer's headers are gone with it
}

TEST_CASE("curl: a refused connection did not send the request", "[curl][checklist]") {
  curl_example::curl_transport transport;
  kling::http_request request;
  request.origin = "http://127.0.0.1:9"; // nothing listens on the discard port
  request.path = "/v1/videos/task_1";
  auto refused = transport.send(request);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == kling::errc::connection);
  CHECK_FALSE(refused.error().request_sent);
}
