// Hostile input and limits: redirects resolved as URLs and never carrying
// the key, the cap on answers read whole, JSON nesting on every path,
// inline videos sized before decoding, settings checked before use, line
// breaks refused before sending, inputs the fuzzers found; and a sweep of
// every error, log record and cassette for the API key.
#include <kling/testing.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "../support/catch.hpp"
#include "../support/text.hpp"

using kling_test::contains;
using namespace std::chrono_literals;

namespace {

constexpr const char *hostile_key = "sk-HOSTILE-3f9a1c7e5b2d";

using mock_client = kling::basic_client<kling::testing::mock_transport>;

kling::options hostile_options() {
  return kling::options{}
      .base_url("http://127.0.0.1:8080")
      .api_key(hostile_key)
      .retry(kling::protocol::retry_policy::none());
}

const char *hostile_pending_task = R"({"id":"task_1","status":"pending"})";

std::string temp_file(const std::string &name) { return kling_test::scratch_path("hostile-" + name); }

} // namespace

// ----- URLs and redirects ---------------------------------------------------------

TEST_CASE("resolve_url resolves every form of reference against a base", "[core][url]") {
  const auto base = kling::parse_url("https://cdn.example.com/a/b/v.mp4?sig=1").value();
  const auto resolved = [&](const char *reference) {
    auto r = kling::resolve_url(base, reference);
    return r ? r->text() : "error: " + r.error().message;
  };
  CHECK(resolved("https://other.example.net/x.mp4") == "https://other.example.net/x.mp4");
  CHECK(resolved("//other.example.net/x.mp4") == "https://other.example.net/x.mp4");
  CHECK(resolved("/x.mp4") == "https://cdn.example.com/x.mp4");
  CHECK(resolved("x.mp4") == "https://cdn.example.com/a/b/x.mp4");
  CHECK(resolved("../x.mp4?t=2") == "https://cdn.example.com/a/x.mp4?t=2");
  CHECK(resolved("./c/../../x.mp4") == "https://cdn.example.com/a/x.mp4");
  CHECK(resolved("../../../../x.mp4") == "https://cdn.example.com/x.mp4"); // never above the root
  CHECK(resolved("?sig=2") == "https://cdn.example.com/a/b/v.mp4?sig=2");
  CHECK(resolved("#part") == "https://cdn.example.com/a/b/v.mp4?sig=1");
  CHECK(resolved("HTTP://Other.Example.NET:8080/y") == "http://other.example.net:8080/y");
  // Failing cases: what no server may redirect to.
  CHECK(contains(resolved("ftp://x.example/y"), "scheme must be http or https"));
  CHECK(contains(resolved("/a b"), "space or control character"));
  CHECK(contains(resolved("//"), "empty host"));
  CHECK(contains(resolved("x\r\nSet-Cookie: a=b"), "space or control character"));
  CHECK(contains(resolved("x\x7F.mp4"), "space or control character"));
  CHECK(contains(resolved("x\t.mp4"), "space or control character"));
}

TEST_CASE("a URL whose host holds delimiters is refused (found by url_fuzz)", "[core][url]") {
  // "https://\x9d\xc5:1]:8443/a" was read with host "\x9d\xc5:1]", which
  // could not be written back as a URL.
  auto bad = kling::parse_url("https://\x9d\xc5:1]:8443/a/b/c");
  REQUIRE_FALSE(bad);
  CHECK(contains(bad.error().message, "host has a character not allowed"));
  CHECK_FALSE(kling::parse_url("https://[fe80::1%eth0]/x"));
  // Passing: names, IPv4 and IPv6 hosts are written back as they were read.
  for (const char *text :
       {"https://cdn.example.com/v.mp4?x=1", "http://127.0.0.1:8080/", "https://[::1]:8443/a"}) {
    auto u = kling::parse_url(text);
    REQUIRE(u);
    CHECK(u->text() == text);
  }
}

TEST_CASE("downloads follow every redirect form and never send credentials", "[client][download]") {
  mock_client fake{hostile_options().header("X-Team", "blue")};
  fake.transport()
      .respond(302, "", {{"Location", "//cdn2.example.net/a/b/v.mp4"}})
      .respond(301, "", {{"Location", "../c/v.mp4?sig=9"}})
      .respond(307, "", {{"Location", "/final.mp4"}})
      .respond(200, "VIDEO");
  std::string got;
  // The first URL is the gateway's own origin: even there, no key.
  auto r = fake.videos().download_to("http://127.0.0.1:8080/files/v.mp4", [&](std::string_view piece) {
    got.append(piece);
    return true;
  });
  REQUIRE(r);
  CHECK(got == "VIDEO");
  const auto &sent = fake.transport().requests();
  REQUIRE(sent.size() == 4);
  CHECK(sent[1].origin == "http://cdn2.example.net:80");
  CHECK(sent[1].path == "/a/b/v.mp4");
  CHECK(sent[2].path == "/a/c/v.mp4?sig=9");
  CHECK(sent[3].origin == "http://cdn2.example.net:80");
  CHECK(sent[3].path == "/final.mp4");
  for (const auto &request : sent) {
    CHECK_FALSE(kling::find_header(request.headers, "Authorization"));
    CHECK_FALSE(kling::find_header(request.headers, "X-Team"));
  }

  mock_client broken{hostile_options()};
  broken.transport().respond(302, "", {{"Location", "ftp://elsewhere/v.mp4"}});
  auto refused =
      broken.videos().download_to("https://cdn.example.com/v.mp4", [](std::string_view) { return true; });
  REQUIRE_FALSE(refused);
  CHECK(contains(refused.error().message, "scheme must be http or https"));
  CHECK(broken.transport().request_count() == 1);
}

// ----- the cap on answers read whole ------------------------------------------------

namespace {
// A transport that ignores the streaming receivers and hands the body whole.
struct whole_body_transport {
  std::string body;
  kling::result<kling::http_response> send(const kling::http_request &) {
    kling::http_response r;
    r.status = 200;
    r.body = body;
    return r;
  }
};

// Streams the way the README's checklist words it: when on_body is set,
// on_head first (without asking whether it is set), then the body.
struct checklist_transport {
  std::string body;
  kling::result<kling::http_response> send(const kling::http_request &request) {
    kling::http_response r;
    r.status = 200;
    if (!request.on_body) {
      r.body = body;
      return r;
    }
    if (!request.on_head(r) || !request.on_body(body))
      return kling::error{kling::errc::cancelled, "transfer stopped by the receiver"};
    return r;
  }
};
} // namespace

TEST_CASE("an answer larger than max_response_bytes is an error, on every driver", "[client][limits]") {
  CHECK(kling::options{}.max_response_bytes() == 32u * 1024 * 1024);
  std::string exact = hostile_pending_task;
  exact.resize(100, ' '); // valid JSON of exactly 100 bytes
  const std::string over = exact + " ";

  mock_client fake{hostile_options().max_response_bytes(100)};
  fake.transport().respond(200, exact).respond(200, over);
  CHECK(fake.videos().get("task_1"));
  auto big = fake.videos().get("task_1");
  REQUIRE_FALSE(big);
  CHECK(big.error().code == kling::errc::parse);
  CHECK(big.error().message ==
        "the answer's body is larger than 100 bytes (options::max_response_bytes); stopped reading it");

  // A transport that does not stream: the body it collected is checked.
  kling::basic_client<whole_body_transport> whole{hostile_options().max_response_bytes(100),
                                                  whole_body_transport{exact}};
  CHECK(whole.videos().get("task_1"));
  whole.transport().body = over;
  auto whole_big = whole.videos().get("task_1");
  REQUIRE_FALSE(whole_big);
  CHECK(contains(whole_big.error().message, "options::max_response_bytes"));

  // The asynchronous driver.
  kling::testing::manual_scheduler loop;
  mock_client async{hostile_options().max_response_bytes(100).scheduler(kling::make_scheduler(loop))};
  async.transport().respond(200, exact).respond(200, over);
  std::vector<kling::result<kling::task>> answers;
  for (int i = 0; i < 2; ++i)
    async.videos().get_async("task_1", "",
                             [&](kling::result<kling::task> t) { answers.push_back(std::move(t)); });
  loop.run_until_idle();
  REQUIRE(answers.size() == 2);
  CHECK(answers[0]);
  REQUIRE_FALSE(answers[1]);
  CHECK(contains(answers[1].error().message, "options::max_response_bytes"));

  // Downloads keep their own cap and are not cut at max_response_bytes.
  mock_client downloads{hostile_options().max_response_bytes(10)};
  downloads.transport().respond(200, std::string(1000, 'v'));
  CHECK(
      downloads.videos().download_to("https://cdn.example.com/v.mp4", [](std::string_view) { return true; }));
}

TEST_CASE("an answer read whole streams with both receivers set, as a download does", "[client][limits]") {
  std::string exact = hostile_pending_task;
  exact.resize(100, ' ');
  kling::basic_client<checklist_transport> client{hostile_options().max_response_bytes(100),
                                                  checklist_transport{exact}};
  auto t = client.videos().get("task_1");
  REQUIRE(t);
  CHECK(t->id == "task_1");
  client.transport().body = exact + " ";
  auto big = client.videos().get("task_1");
  REQUIRE_FALSE(big);
  CHECK(contains(big.error().message, "options::max_response_bytes"));
}

TEST_CASE("the task tracker applies the answer limit too", "[async][tracker][limits]") {
  kling::testing::manual_scheduler loop;
  mock_client client{hostile_options().max_response_bytes(100).scheduler(kling::make_scheduler(loop))};
  std::string exact = hostile_pending_task;
  exact.resize(100, ' ');
  client.transport().respond(200, exact).respond(200, exact + " ");
  kling::basic_task_tracker<kling::testing::mock_transport> tracker{client};
  std::optional<kling::error> failed;
  int progress = 0;
  kling::task_handle handle;
  handle.task_id = "task_1";
  tracker.track(
      handle, {[&](const kling::task &) { ++progress; }, nullptr, [&](const kling::error &e) { failed = e; }},
      loop.now(), kling::from_unix_seconds(1700000000));
  for (int frame = 0; frame < 100 && !failed; ++frame) {
    loop.advance(1000ms);
    loop.run_due();
    tracker.tick(loop.now());
  }
  CHECK(progress == 1); // the answer of exactly the limit was read
  REQUIRE(failed);
  CHECK(contains(failed->message, "options::max_response_bytes"));
}

// ----- JSON nesting on every path of untrusted bytes ----------------------------------

TEST_CASE("deep JSON is refused in answers, envelopes and cassettes", "[core][json]") {
  const std::string deep =
      "{\"id\":\"t\",\"status\":\"pending\",\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  const std::string shallow =
      "{\"id\":\"t\",\"status\":\"pending\",\"x\":" + std::string(100, '[') + std::string(100, ']') + "}";
  kling::http_response r;
  r.status = 200;
  r.body = deep;
  auto task = kling::protocol::read_task(r);
  REQUIRE_FALSE(task);
  CHECK(contains(task.error().message, "nested deeper than 128"));
  CHECK_FALSE(kling::protocol::read_element(r));
  r.status = 500;
  CHECK(kling::protocol::error_from_response(r).code == kling::errc::server);
  r.status = 200;
  r.body = shallow;
  CHECK(kling::protocol::read_task(r));

  const std::string cassette_head = R"({"kling_cassette":1,"interactions":[)";
  auto tape = kling::testing::replay_transport::parse(
      cassette_head + std::string(500, '[') + std::string(500, ']') + "]}", "deep");
  REQUIRE_FALSE(tape);
  CHECK(contains(tape.error().message, "nested deeper than 128"));
  CHECK(kling::testing::replay_transport::parse(cassette_head + "]}", "empty"));
}

// ----- inline videos are sized before they are decoded -------------------------------

TEST_CASE("O1-13: an inline video over the size limit is refused before decoding", "[rules][O1-13]") {
  const kling::rules::video_limits small{"O1-13", 1000, 720, 2160, 3, 10, 24, 60};
  const auto check = [&](std::size_t bytes) {
    kling::rules::checker c(kling::route::omni_video);
    const std::string uri = "data:video/mp4;base64," + kling::base64::encode(std::string(bytes, 'x'));
    kling::rules::check_video_string(c, uri, "/video_list/0/video_url", "O1-7", small);
    return c.result().violations;
  };
  const auto over = check(3000);
  REQUIRE(over.size() == 1);
  CHECK(over[0].rule == "O1-13");
  CHECK(contains(over[0].message, "inline video is 0.00286 MB; at most 0.000954 MB"));
  // Within the size: decoded and probed (and found not to be a video).
  const auto within = check(900);
  REQUIRE(within.size() == 1);
  CHECK(contains(within[0].message, "inline video:"));
  CHECK_FALSE(contains(within[0].message, "MB"));
}

// ----- settings are checked before they are used --------------------------------------

TEST_CASE("settings that cannot work are a configuration error naming them", "[client][configuration]") {
  using kling::protocol::retry_policy;
  using kling::protocol::wait_options;
  const auto with_wait = [](auto change) {
    wait_options w;
    change(w);
    return hostile_options().wait(w);
  };
  const auto with_retry = [](auto change) {
    retry_policy p;
    change(p);
    return hostile_options().retry(p);
  };
  struct bad_case {
    kling::options opts;
    std::string names;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<bad_case> cases = {
      {hostile_options().request_timeout(0ms), "options::request_timeout must be positive"},
      {hostile_options().request_timeout(-5ms), "options::request_timeout must be positive"},
      {hostile_options().connect_timeout(-1ms), "options::connect_timeout"},
      {hostile_options().max_response_bytes(0), "options::max_response_bytes must be positive"},
      {with_wait([&](wait_options &w) { w.interval_growth = nan; }), "wait_options::interval_growth"},
      {with_wait([](wait_options &w) { w.interval_growth = 1e300; }), "wait_options::interval_growth"},
      {with_wait([](wait_options &w) { w.interval_growth = 0.5; }), "wait_options::interval_growth"},
      {with_wait([](wait_options &w) { w.timeout = 0ms; }), "wait_options::timeout must be positive"},
      {with_wait([](wait_options &w) { w.first_interval = -1ms; }), "wait_options::first_interval"},
      {with_wait([](wait_options &w) { w.max_interval = std::chrono::milliseconds::max(); }),
       "wait_options::max_interval must be at most 366 days"},
      {with_retry([](retry_policy &p) { p.initial_backoff = -1ms; }),
       "retry_policy::initial_backoff must not be negative"},
      {with_retry([](retry_policy &p) { p.max_backoff = std::chrono::hours(24 * 400); }),
       "retry_policy::max_backoff"},
      {with_retry([](retry_policy &p) { p.max_attempts = 0; }), "retry_policy::max_attempts"},
  };
  for (const auto &c : cases) {
    mock_client fake{c.opts};
    fake.transport().respond(200, hostile_pending_task);
    auto r = fake.videos().get("task_1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::configuration);
    CHECK(r.error().message.rfind(c.names, 0) == 0);
    CHECK(fake.transport().request_count() == 0);
    CHECK_FALSE(c.opts.check());
  }
  // The edges that work.
  const auto fine = with_wait([](wait_options &w) {
    w.interval_growth = 1.0;
    w.first_interval = 1ms;
  });
  CHECK(fine.check());
  mock_client ok{fine};
  ok.transport().respond(200, hostile_pending_task);
  CHECK(ok.videos().get("task_1"));

  // Per-call wait settings: refused at once, before the first sleep.
  mock_client waiter{hostile_options()};
  kling::wait_settings settings;
  settings.options = wait_options{};
  settings.options->interval_growth = nan;
  auto waited = waiter.videos().wait("task_1", settings);
  REQUIRE_FALSE(waited);
  CHECK(waited.error().code == kling::errc::configuration);
  CHECK(contains(waited.error().message, "wait_options::interval_growth"));
  CHECK(waiter.transport().request_count() == 0);

  // Download settings.
  kling::download_settings zero;
  zero.max_bytes = 0;
  auto refused = waiter.videos().download_to(
      "https://cdn.example.com/v.mp4", [](std::string_view) { return true; }, zero);
  REQUIRE_FALSE(refused);
  CHECK(contains(refused.error().message, "download_settings::max_bytes must be positive"));
  kling::download_settings far;
  far.expiry_warning = std::chrono::hours::max();
  kling::task done;
  done.status = kling::task_status::completed;
  done.videos.push_back({});
  done.videos.back().url = "https://cdn.example.com/v.mp4";
  done.url_expires_at = kling::from_unix_seconds(1700000000);
  auto far_refused = waiter.videos().download(done, temp_file("never.mp4"), far);
  REQUIRE_FALSE(far_refused);
  CHECK(contains(far_refused.error().message, "download_settings::expiry_warning"));
  CHECK(waiter.transport().request_count() == 0);
}

TEST_CASE("intervals that grow to the largest allowed cap never overflow", "[protocol][wait]") {
  kling::protocol::wait_options w;
  w.first_interval = std::chrono::hours(24);
  w.interval_growth = 10.0;
  w.max_interval = std::chrono::hours(24 * 366);
  w.timeout = std::chrono::hours(24 * 366);
  auto now = kling::protocol::time_point{};
  kling::protocol::wait_machine m({"task_1", "", ""}, w, {}, 1, now);
  kling::http_response pending;
  pending.status = 200;
  pending.body = hostile_pending_task;
  int polls = 0;
  while (!m.done() && polls < 50) {
    auto step = m.next();
    if (step.kind == kling::protocol::step_kind::sleep) {
      CHECK(step.wake_at - now <= w.max_interval);
      now = step.wake_at;
      m.on_wake(now);
    } else if (step.kind == kling::protocol::step_kind::send) {
      ++polls;
      m.on_response(pending, now);
    }
  }
  auto outcome = m.take_result();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().code == kling::errc::deadline_exceeded);
  CHECK(polls < 10);
}

// ----- line breaks and NULs are refused before sending --------------------------------

TEST_CASE("CR, LF or NUL in the key, a header, a task id, a provider or an external id is refused",
          "[client][rules][Q-1][C-7]") {
  const auto configuration_error = [](const kling::options &o) {
    mock_client fake{o};
    fake.transport().respond(200, hostile_pending_task);
    auto r = fake.videos().get("task_1");
    CHECK(fake.transport().request_count() == 0);
    return r ? std::string("sent") : r.error().message;
  };
  const std::string bad_key = std::string(hostile_key) + "\r\nX-Injected: 1";
  const std::string key_message = configuration_error(hostile_options().api_key(bad_key));
  CHECK(key_message == "options::api_key contains a line break, NUL or other control character");
  CHECK_FALSE(contains(key_message, hostile_key));
  CHECK(contains(configuration_error(hostile_options().api_key(std::string("abc\0def", 7))),
                 "options::api_key"));
  CHECK(contains(configuration_error(hostile_options().header("X-A\r\nX-B", "1")),
                 "options::header #1: the name must be token characters"));
  CHECK(contains(configuration_error(hostile_options().header("X-A", "1\nX-B: 2")),
                 "options::header \"X-A\": the value contains a line break"));
  CHECK(contains(configuration_error(hostile_options().header("X-A", std::string("a\0b", 3))),
                 "options::header"));

  mock_client fake{hostile_options().header("X-Tabbed", "a\tb")}; // a tab is allowed in a value
  fake.transport().respond(200, hostile_pending_task);
  CHECK(fake.videos().get("task_1"));

  for (const auto &[id, provider, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"task_1\r\nX: y", "", "/task_id"},
           {std::string("task\0_1", 7), "", "/task_id"},
           {"task_1", "kling\n", "/provider"}}) {
    auto r = fake.videos().get(id, provider);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::invalid_request);
    REQUIRE(r.error().violations.size() == 1);
    CHECK(r.error().violations[0].rule == "Q-1");
    CHECK(r.error().violations[0].field == field);
  }
  CHECK(fake.transport().request_count() == 1);

  kling::json body = {{"model", "Kling-V2.6"}, {"prompt", "a cat"}, {"external_task_id", "job\r\n7"}};
  auto report = kling::rules::validate(body);
  REQUIRE(report.violations.size() == 1);
  CHECK(report.violations[0].rule == "C-7");
  CHECK(contains(report.violations[0].message, "line break"));
  body["external_task_id"] = "job-7";
  CHECK(kling::rules::validate(body).violations.empty());
}

// ----- the API key in no error, log record or cassette ---------------------------------

TEST_CASE("the API key appears in no error of any kind, no log record and no cassette", "[client][secrets]") {
  const std::string key = hostile_key;
  const std::string echo = "you sent " + key;
  std::vector<std::string> seen; // every text the library handed out
  const auto record = [&](const kling::error &e) {
    seen.push_back(kling::to_string(e));
    seen.push_back(e.body_excerpt);
    seen.push_back(e.request_id);
    seen.push_back(e.provider_code);
    for (const auto &v : e.violations)
      seen.push_back(v.message + v.field);
  };
  const std::string cassette = temp_file("secrets.json");
  std::remove(cassette.c_str());
  using recorder = kling::testing::recording_transport<kling::testing::mock_transport>;
  kling::options opts = hostile_options().observe([&](const kling::exchange_record &x) {
    for (const auto &h : x.request.headers)
      seen.push_back(h.first + ": " + h.second);
    seen.push_back(x.request.body + x.request.url());
    if (x.response) {
      for (const auto &h : x.response->headers)
        seen.push_back(h.first + ": " + h.second);
      seen.push_back(x.response->body);
    } else {
      seen.push_back(kling::to_string(x.response.error()));
    }
  });
  // No secrets named: the recorder finds the key in the Authorization header.
  kling::basic_client<recorder> client{opts, recorder{kling::testing::mock_transport{}, cassette}};
  auto &script = client.transport().inner();
  const kling::http_headers echoed = {{"X-Echo", echo}, {"X-Request-Id", echo}};

  std::vector<kling::errc> produced;
  const auto expect = [&](auto r, kling::errc code) {
    REQUIRE_FALSE(r);
    CHECK(r.error().code == code);
    produced.push_back(r.error().code);
    record(r.error());
  };
  kling::error dropped{kling::errc::connection, "connection to " + key + " dropped"};
  dropped.request_sent = false;
  script.fail(dropped);
  expect(client.videos().get("t"), kling::errc::connection);
  script.fail(kling::error{kling::errc::timeout, "timed out: " + key});
  expect(client.videos().get("t"), kling::errc::timeout);
  script.fail(kling::error{kling::errc::tls, "certificate for " + key});
  expect(client.videos().get("t"), kling::errc::tls);
  const std::vector<std::pair<int, kling::errc>> statuses = {
      {400, kling::errc::bad_request}, {401, kling::errc::auth},         {403, kling::errc::permission},
      {404, kling::errc::not_found},   {429, kling::errc::rate_limited}, {503, kling::errc::server},
      {418, kling::errc::http}};
  for (const auto &[status, code] : statuses) {
    script.respond(status, R"({"message":")" + echo + R"(","request_id":")" + echo + "\"}", echoed);
    expect(client.videos().get("t"), code);
  }
  script.respond(200, R"({"code":1200,"message":")" + echo + R"(","data":null})", echoed);
  expect(client.elements().list(), kling::errc::provider);
  script.respond(200, "<html>" + echo + "</html>", echoed);
  expect(client.videos().get("t"), kling::errc::parse);
  kling::wait_settings short_wait;
  short_wait.options = kling::protocol::wait_options{};
  short_wait.options->timeout = 1ms;
  short_wait.options->first_interval = 1ms;
  script.respond(200, R"({"id":"t","status":"failed","error":{"message":")" + echo + "\"}}", echoed);
  expect(client.videos().wait("t", short_wait), kling::errc::task_failed);
  kling::text_to_video bad;
  bad.prompt = echo + std::string(3000, 'x'); // too long (C-1)
  expect(client.videos().create(bad), kling::errc::invalid_request);
  kling::cancellation_source stop;
  stop.cancel();
  kling::wait_settings cancelled;
  cancelled.cancel = stop.token();
  expect(client.videos().wait("t", cancelled), kling::errc::cancelled);
  script.respond(200, R"({"id":"t","status":"processing","message":")" + echo + "\"}", echoed);
  expect(client.videos().wait("t", short_wait), kling::errc::deadline_exceeded);
  script.respond(200, "VIDEO");
  expect(client.videos().download("https://cdn.example.com/" + key + ".mp4",
                                  temp_file("no-such-dir") + "/sub/v.mp4"),
         kling::errc::io);
  kling::basic_client<kling::testing::mock_transport> misconfigured{hostile_options().max_response_bytes(0)};
  expect(misconfigured.videos().get("t"), kling::errc::configuration);

  // Every kind of error a client call produces was made here. The codes after
  // io come from the parsers and the webhook receiver, which never hold the
  // API key; unknown is only a default-constructed error's.
  for (int i = static_cast<int>(kling::errc::invalid_request); i <= static_cast<int>(kling::errc::io); ++i) {
    const auto code = static_cast<kling::errc>(i);
    CAPTURE(kling::to_string(code));
    CHECK(std::find(produced.begin(), produced.end(), code) != produced.end());
  }
  REQUIRE(seen.size() > 50);
  for (const auto &text : seen) {
    CAPTURE(text);
    CHECK_FALSE(contains(text, key));
  }
  const std::string written = kling_test::read_text(cassette);
  CHECK(contains(written, "interactions"));
  CHECK(contains(written, "[REDACTED]"));
  CHECK_FALSE(contains(written, key));
  if (!contains(written, key)) std::remove(cassette.c_str()); // kept to look at when it fails
}
