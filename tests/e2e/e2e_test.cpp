// End to end over real loopback sockets: kling::client (cpp-httplib)
// against kling::testing::fake_gateway. Every route from request to
// downloaded video, the element library, and every fault the gateway can
// inject, with the gateway's own count of created tasks as the judge.
#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "../support/cassette_scenarios.hpp"
#include "../support/catch.hpp"

using kling::json;
using kling::testing::fake_gateway;
using kling::testing::fault;
using kling::testing::request_match;
using namespace std::chrono_literals;

namespace {

json request_fixture(const std::string &name) {
  std::ifstream in(std::string(KLING_TEST_FIXTURES) + "/requests/" + name + ".json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string file_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fast polls and short backoffs: the same behaviour, in milliseconds.
kling::options fast_options(const fake_gateway &gateway) {
  kling::protocol::wait_options wait;
  wait.first_interval = 20ms;
  wait.max_interval = 50ms;
  wait.timeout = 30s;
  kling::protocol::retry_policy retry;
  retry.initial_backoff = 10ms;
  retry.max_backoff = 50ms;
  retry.max_retry_after = 50ms;
  return kling::options{}
      .base_url(gateway.base_url())
      .api_key(gateway.api_key())
      .request_timeout(5s)
      .wait(wait)
      .retry(retry);
}

struct started_gateway {
  fake_gateway gateway;
  explicit started_gateway(kling::testing::fake_gateway_options o = {}) : gateway(std::move(o)) {
    REQUIRE(gateway.start());
  }
};

} // namespace

TEST_CASE("every route: create, wait and download over loopback", "[e2e]") {
  started_gateway s;
  kling::client client{fast_options(s.gateway)};
  int n = 0;
  for (const char *name :
       {"o1_text_to_video", "o1_first_frame", "o1_image_element_reference", "o1_video_edit",
        "o1_video_reference", "o1_video_extension", "t2v_basic", "t2v_sound", "t2v_camera_simple",
        "t2v_camera_preset", "i2v_basic", "i2v_first_last_frame", "i2v_sound_voice", "i2v_motion_brush",
        "i2v_camera", "motion_basic", "motion_prompt", "motion_image_orientation"}) {
    INFO(name);
    auto t = client.videos().create_and_wait(request_fixture(name));
    REQUIRE(t);
    CHECK(t->status == kling::task_status::completed);
    const std::string path = "/tmp/kling-e2e-" + std::to_string(++n) + ".mp4";
    auto d = client.videos().download(*t, path);
    REQUIRE(d);
    CHECK(file_text(path) == kling::testing::sample_mp4());
    auto probed = kling::media::probe_video_file(path);
    REQUIRE(probed);
    CHECK(probed->duration_seconds == 5);
    std::remove(path.c_str());
  }
  CHECK(s.gateway.tasks_created() == 18);
  // The gateway saw seconds as strings (C-5), whatever the example wrote.
  for (const auto &body : s.gateway.created_requests()) {
    if (body.contains("seconds")) CHECK(body["seconds"].is_string());
  }
}

TEST_CASE("typed requests and the unified finished shape", "[e2e]") {
  kling::testing::fake_gateway_options o;
  o.unified_shape = true;
  started_gateway s(o);
  kling::client client{fast_options(s.gateway)};
  kling::text_to_video request;
  request.prompt = "a cat";
  request.external_task_id = "order-1";
  auto t = client.videos().create_and_wait(request);
  REQUIRE(t);
  CHECK(t->provider == "fake");
  CHECK(t->external_task_id == "order-1");
  CHECK(t->videos.at(0).width == 1280);
  auto again = client.videos().get("order-1"); // lookup by external id
  REQUIRE(again);
  CHECK(again->status == kling::task_status::completed);
}

TEST_CASE("a failed task and a refused request", "[e2e]") {
  started_gateway s;
  kling::client client{fast_options(s.gateway)};
  auto failing = request_fixture("t2v_basic");
  failing["prompt"] = "[fail] a cat";
  auto t = client.videos().create_and_wait(failing);
  REQUIRE_FALSE(t);
  CHECK(t.error().code == kling::errc::task_failed);
  CHECK(t.error().message.find("content policy") != std::string::npos);

  // The client refuses before sending; a client that does not check meets the gateway's own 400.
  auto bad = request_fixture("t2v_basic");
  bad["seconds"] = "7";
  auto refused = client.videos().create(bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == kling::errc::invalid_request);
  kling::client unchecked{fast_options(s.gateway).validate_requests(false)};
  auto rejected = unchecked.videos().create(bad);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().code == kling::errc::bad_request);
  CHECK(rejected.error().message.find("T-3") != std::string::npos);
  CHECK(s.gateway.tasks_created() == 1);
}

TEST_CASE("the API key is required and never echoed", "[e2e]") {
  started_gateway s;
  kling::client wrong{fast_options(s.gateway).api_key("not-the-key-123")};
  auto t = wrong.videos().get("task_1");
  REQUIRE_FALSE(t);
  CHECK(t.error().code == kling::errc::auth);
  CHECK(t.error().http_status == 401);
  CHECK(kling::to_string(t.error()).find("not-the-key-123") == std::string::npos);
}

TEST_CASE("the element library: create, list with paging, presets, delete", "[e2e][elements]") {
  started_gateway s;
  kling::client client{fast_options(s.gateway)};
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto body = request_fixture("element_create");
    body["element_name"] = "hero " + std::to_string(i);
    auto e = client.elements().create(body);
    REQUIRE(e);
    ids.push_back(e->data.element_id);
  }
  CHECK(ids[0] == "842130978230767622"); // beyond 2^53, kept exactly
  auto page = client.elements().list({2, 2});
  REQUIRE(page);
  REQUIRE(page->data.items.size() == 2);
  CHECK(page->data.items[0].element_id == ids[2]);
  CHECK(page->data.may_have_more());
  auto presets = client.elements().presets();
  REQUIRE(presets);
  CHECK(presets->data.items.size() == 3);
  auto removed = client.elements().remove(ids[0]);
  REQUIRE(removed);
  CHECK(removed->data.task_status == "succeed");
  auto gone = client.elements().remove(ids[0]);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == kling::errc::provider);
  CHECK(client.elements().list({1, 500})->data.items.size() == 4);
}

TEST_CASE("faults during create still create exactly one task", "[e2e][faults]") {
  struct fault_case {
    const char *name;
    fault what;
    int count;
  };
  const std::vector<fault_case> cases = {
      {"throttled twice", fault::rate_limited("1302", 1), 2},
      {"concurrency limit", fault::rate_limited("1303", 0), 1},
      {"502 with an HTML page", fault::server(502), 1},
      {"503 twice", fault::server(503), 2},
      {"connection dropped after creating", fault::dropped_after_create(), 1},
      {"connection dropped before creating", fault::dropped(), 1},
      {"HTML instead of JSON", fault::html_body(), 1},
  };
  for (const auto &c : cases) {
    INFO(c.name);
    started_gateway s;
    s.gateway.inject(c.what, request_match::creates(), c.count);
    kling::client client{fast_options(s.gateway)};
    auto t = client.videos().create_and_wait(request_fixture("t2v_basic"));
    INFO((t ? std::string() : kling::to_string(t.error())));
    REQUIRE(t);
    CHECK(t->status == kling::task_status::completed);
    CHECK(s.gateway.tasks_created() == 1);
    CHECK(s.gateway.tasks_created_for(t->external_task_id) == 1);
  }
}

TEST_CASE("a slow create answer times out, yet one task is created", "[e2e][faults]") {
  started_gateway s;
  s.gateway.inject(fault::slow_answer(1500ms), request_match::creates(), 1);
  kling::client client{fast_options(s.gateway).request_timeout(300ms)};
  auto t = client.videos().create_and_wait(request_fixture("t2v_basic"));
  REQUIRE(t);
  CHECK(t->status == kling::task_status::completed);
  s.gateway.stop(); // let the slow handler finish before counting
  CHECK(s.gateway.tasks_created() == 1);
}

TEST_CASE("faults during the wait are ridden out", "[e2e][faults]") {
  started_gateway s;
  s.gateway.inject_every(fault::server(502), 2, request_match::polls()); // every other poll
  s.gateway.inject(fault::html_body(), request_match::polls(), 1);
  s.gateway.inject(fault::rate_limited("1302", 1), request_match::polls(), 1);
  kling::client client{fast_options(s.gateway)};
  auto t = client.videos().create_and_wait(request_fixture("o1_text_to_video"));
  INFO((t ? std::string() : kling::to_string(t.error())));
  REQUIRE(t);
  CHECK(t->status == kling::task_status::completed);
  std::size_t faults = 0;
  for (const auto &r : s.gateway.log())
    faults += !r.fault.empty();
  CHECK(faults >= 2);
}

TEST_CASE("a download cut in half resumes where it stopped", "[e2e][faults][download]") {
  started_gateway s;
  kling::client client{fast_options(s.gateway)};
  auto t = client.videos().create_and_wait(request_fixture("t2v_basic"));
  REQUIRE(t);
  s.gateway.inject(fault::truncated(), request_match::downloads(), 1);
  const std::string path = "/tmp/kling-e2e-resumed.mp4";
  auto d = client.videos().download(*t, path);
  REQUIRE(d);
  CHECK(file_text(path) == kling::testing::sample_mp4());
  const auto log = s.gateway.log();
  REQUIRE(log.size() >= 2);
  CHECK(log[log.size() - 2].fault == "truncate");
  CHECK(log.back().status == 206); // the rest, by Range
  std::remove(path.c_str());
}

TEST_CASE("permanent refusals fail cleanly with one request", "[e2e][faults]") {
  started_gateway s;
  s.gateway.inject(fault::rate_limited("1102", 0), request_match::creates(), 1);
  kling::client client{fast_options(s.gateway)};
  auto t = client.videos().create(request_fixture("t2v_basic"));
  REQUIRE_FALSE(t);
  CHECK(t.error().code == kling::errc::rate_limited);
  CHECK(t.error().provider_code == "1102");
  for (const auto &r : s.gateway.log())
    UNSCOPED_INFO(r.method << " " << r.path << " " << r.status << " " << r.fault);
  CHECK(s.gateway.requests() == 1);
  CHECK(s.gateway.tasks_created() == 0);
}

TEST_CASE("cassettes recorded against the fake gateway replay the same scenario", "[e2e][cassettes]") {
  // KLING_RECORD_CASSETTES=1 re-records the committed corpus; otherwise the
  // recording goes to /tmp and is replayed at once.
  const char *flag = std::getenv("KLING_RECORD_CASSETTES");
  const bool rerecord = flag && std::string(flag) == "1";
  for (const auto &s : kling_test::cassette_scenarios()) {
    kling::testing::fake_gateway_options o;
    o.video = kling::testing::sample_mp4(5, 1280, 720, 24, 512); // small: the cassette holds it
    started_gateway g(o);
    const std::string path =
        (rerecord ? std::string(KLING_TEST_FIXTURES) + "/cassettes/" : std::string("/tmp/kling-e2e-")) +
        s.name + ".json";
    {
      kling::testing::recording_transport<kling::httplib_transport> recorder{
          kling::httplib_transport{}, path, {{g.gateway.api_key()}}};
      kling::basic_client<kling::testing::recording_transport<kling::httplib_transport>> client{
          kling_test::cassette_options(g.gateway.base_url(), g.gateway.api_key()), recorder};
      kling_test::run_cassette_scenario(client, s);
    }
    auto tape = kling::testing::replay_transport::load(path);
    REQUIRE(tape);
    kling::testing::virtual_clock clock;
    kling::basic_client<kling::testing::replay_transport> replayed{
        kling_test::cassette_options("http://127.0.0.1:1", "another-key").time(clock.source()), *tape};
    kling_test::run_cassette_scenario(replayed, s);
    CHECK(tape->unused() == 0);
    if (!rerecord) std::remove(path.c_str());
  }
}

TEST_CASE("the fake gateway takes odd bodies without failing when it does not check them", "[e2e]") {
  kling::testing::fake_gateway_options o;
  o.check_requests = false;
  started_gateway s(o);
  kling::client client{fast_options(s.gateway).validate_requests(false)};
  auto t = client.videos().create(kling::json{{"model", 42}, {"prompt", {1, 2}}});
  REQUIRE(t);
  CHECK(t->status == kling::task_status::pending);
}

TEST_CASE("httplib_transport gives up an answer whose call was cancelled", "[e2e][cancel]") {
  started_gateway s;
  kling::client client{fast_options(s.gateway)};
  auto t = client.videos().create_and_wait(request_fixture("t2v_basic"));
  REQUIRE(t);
  auto url = kling::parse_url(t->video_url());
  REQUIRE(url);
  kling::http_request request;
  request.origin = url->origin();
  request.path = url->path;
  kling::httplib_transport transport;
  auto whole = transport.send(request);
  REQUIRE(whole);
  CHECK(whole->body == kling::testing::sample_mp4());

  kling::cancellation_source stop;
  stop.cancel();
  request.cancel = stop.token();
  auto given_up = transport.send(request);
  REQUIRE_FALSE(given_up);
  CHECK(given_up.error().code == kling::errc::cancelled);
}
