// The client over mock_transport: the requests it builds (path, query,
// headers, body), the answers it reads, and the errors it reports.
#include <kling/testing.hpp>

#include <string>
#include <type_traits>

#include "../support/catch.hpp"
#include "../support/text.hpp"

namespace {

constexpr const char *test_key = "test-key-not-a-secret";

// Retries are tested in lifecycle_test.cpp; here every answer is final.
kling::options local_options() {
  return kling::options{}
      .base_url("http://127.0.0.1:8080")
      .api_key(test_key)
      .retry(kling::protocol::retry_policy::none());
}

using mock_client = kling::basic_client<kling::testing::mock_transport>;

const char *pending_task = R"({"id":"task_abc123","status":"pending",
  "created_at":"2025-01-13T10:00:00.000000Z","model":"Kling-V2.6"})";

} // namespace

// ----- transport requirements ---------------------------------------------

namespace {
struct blocking_only {
  kling::result<kling::http_response> send(const kling::http_request &) { return kling::http_response{}; }
};
struct async_only {
  void async_send(kling::http_request, kling::http_completion) {}
};
struct wrong_signature {
  int send(const kling::http_request &) { return 0; }
};
struct not_a_transport {};
struct takes_settings {
  explicit takes_settings(const kling::network_settings &s) : connect_ms(s.connect_timeout.count()) {}
  kling::result<kling::http_response> send(const kling::http_request &) { return kling::http_response{}; }
  long long connect_ms;
};
} // namespace

TEST_CASE("transport requirements are detected at compile time", "[transport]") {
  STATIC_REQUIRE(kling::has_send_v<blocking_only>);
  STATIC_REQUIRE_FALSE(kling::has_async_send_v<blocking_only>);
  STATIC_REQUIRE(kling::is_transport_v<blocking_only>);
  STATIC_REQUIRE(kling::has_async_send_v<async_only>);
  STATIC_REQUIRE(kling::is_transport_v<async_only>);
  STATIC_REQUIRE_FALSE(kling::has_send_v<async_only>);
  STATIC_REQUIRE_FALSE(kling::is_transport_v<wrong_signature>);
  STATIC_REQUIRE_FALSE(kling::is_transport_v<not_a_transport>);
  STATIC_REQUIRE(kling::is_transport_v<kling::testing::mock_transport>);
}

namespace {
// A user's resource built on the library's: result<T> named in it is kling::result<T>.
class audited_videos : public kling::videos_resource<kling::testing::mock_transport> {
public:
  using videos_resource::videos_resource;
  result<kling::task> get_logged(std::string_view id) {
    ++lookups;
    return get(id);
  }
  int lookups = 0;
};
} // namespace

TEST_CASE("a class derived from a resource names result<T> as the library does", "[client]") {
  STATIC_REQUIRE(std::is_same<decltype(std::declval<audited_videos &>().get_logged("x")),
                              kling::result<kling::task>>::value);
  mock_client c{local_options()};
  c.transport().respond(200, pending_task);
  audited_videos videos(c.session());
  const kling::result<kling::task> t = videos.get_logged("task_abc123");
  REQUIRE(t.has_value());
  CHECK(t->id == "task_abc123");
  CHECK(videos.lookups == 1);
}

TEST_CASE("the client builds its transport from the network settings when it can", "[transport][client]") {
  kling::basic_client<takes_settings> c{local_options().connect_timeout(std::chrono::milliseconds(1234))};
  CHECK(c.transport().connect_ms == 1234);
}

// ----- requests -----------------------------------------------------------

TEST_CASE("videos().create posts the JSON body with authentication", "[client][videos]") {
  mock_client fake{local_options()};
  fake.transport().respond(200, pending_task);
  const kling::json body = {{"model", "Kling-V2.6"}, {"prompt", "a cat"}, {"seconds", "5"}};

  auto task = fake.videos().create(body);
  REQUIRE(task);
  CHECK(task->id == "task_abc123");
  CHECK(task->status == kling::task_status::pending);

  const auto sent = fake.transport().requests();
  REQUIRE(sent.size() == 1);
  const auto &r = sent[0];
  CHECK(r.method == "POST");
  CHECK(r.origin == "http://127.0.0.1:8080");
  CHECK(r.path == "/v1/videos");
  CHECK(r.query.empty());
  CHECK(kling::find_header(r.headers, "authorization") == std::string("Bearer ") + test_key);
  CHECK(kling::find_header(r.headers, "Content-Type") == std::string("application/json"));
  CHECK(kling::find_header(r.headers, "User-Agent") == std::string("kling-cpp/") + KLING_VERSION_STRING);
  CHECK(kling::find_header(r.headers, "Accept") == std::string("application/json"));
  kling::json sent_body = kling::json::parse(r.body);
  CHECK(sent_body["external_task_id"].get<std::string>().rfind("kling-cpp-", 0) ==
        0); // generated: see lifecycle tests
  sent_body.erase("external_task_id");
  CHECK(sent_body == body);
  CHECK(r.timeout == std::chrono::seconds(60));
}

TEST_CASE("videos().get encodes the task id into the path and adds the provider", "[client][videos]") {
  mock_client fake{
      local_options().base_url("https://gw.example.com/kling/").request_timeout(std::chrono::seconds(5))};
  fake.transport().respond(200, pending_task).respond(200, pending_task);

  REQUIRE(fake.videos().get("task_abc123"));
  REQUIRE(fake.videos().get("ext/1 2", "kling"));

  const auto sent = fake.transport().requests();
  REQUIRE(sent.size() == 2);
  CHECK(sent[0].method == "GET");
  CHECK(sent[0].origin == "https://gw.example.com:443");
  CHECK(sent[0].path == "/kling/v1/videos/task_abc123");
  CHECK(sent[0].body.empty());
  CHECK_FALSE(kling::find_header(sent[0].headers, "Content-Type"));
  CHECK(sent[0].timeout == std::chrono::seconds(5));
  CHECK(sent[1].path == "/kling/v1/videos/ext%2F1%202");
  CHECK(sent[1].target() == "/kling/v1/videos/ext%2F1%202?provider=kling");
  CHECK(sent[1].url() == "https://gw.example.com:443/kling/v1/videos/ext%2F1%202?provider=kling");
}

TEST_CASE("Q-1: an empty task id is refused before anything is sent", "[client][rules][Q-1]") {
  mock_client fake{local_options()};
  fake.transport().respond(200, pending_task);
  auto refused = fake.videos().get("");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == kling::errc::invalid_request);
  CHECK_FALSE(refused.error().request_sent);
  REQUIRE(refused.error().violations.size() == 1);
  CHECK(refused.error().violations[0].rule == "Q-1");
  CHECK(refused.error().violations[0].field == "/task_id");
  CHECK(fake.transport().request_count() == 0);

  auto accepted = fake.videos().get("t");
  CHECK(accepted);
  CHECK(fake.transport().request_count() == 1);
}

TEST_CASE("extra headers are sent and may replace defaults", "[client]") {
  mock_client fake{local_options().header("X-Trace", "abc").header("Accept", "application/x-custom")};
  fake.transport().respond(200, pending_task);
  REQUIRE(fake.videos().get("t"));
  const auto r = fake.transport().requests().at(0);
  CHECK(kling::find_header(r.headers, "x-trace") == std::string("abc"));
  CHECK(kling::find_header(r.headers, "accept") == std::string("application/x-custom"));
}

TEST_CASE("elements: list, presets, create and remove build the documented requests", "[client][elements]") {
  mock_client fake{local_options()};
  const char *list = R"({"code":0,"message":"ok","request_id":"r1","data":[
    {"element_id":842130978230767622,"element_name":"hero","element_description":"d",
     "element_frontal_image":"image_url_0","element_refer_list":[{"image_url":"image_url_1"}],
     "tag_list":[{"id":"o_101","name":"animal","description":"x"}],"owned_by":"kling"}]})";
  fake.transport().respond(200, list).respond(200, list);
  fake.transport().respond(200, R"({"code":0,"message":"ok","request_id":"r3","data":{"element_id":7}})");
  fake.transport().respond(200, R"({"code":0,"message":"ok","request_id":"r4",
    "data":{"task_id":"del_1","task_status":"submitted"}})");

  auto custom = fake.elements().list();
  REQUIRE(custom);
  CHECK(custom->request_id == "r1");
  REQUIRE(custom->data.items.size() == 1);
  const auto &e = custom->data.items[0];
  CHECK(e.element_id == "842130978230767622"); // exact, beyond 2^53
  CHECK(e.element_name == "hero");
  CHECK(e.element_refer_images == std::vector<std::string>{"image_url_1"});
  REQUIRE(e.tags.size() == 1);
  CHECK(e.tags[0].id == "o_101");
  CHECK(e.owned_by == "kling");

  auto presets = fake.elements().presets({2, 10});
  REQUIRE(presets);
  CHECK(presets->data.page_num == 2);
  CHECK(presets->data.page_size == 10);

  const kling::json create_body = {{"element_name", "hero"},
                                   {"element_description", "a knight"},
                                   {"element_frontal_image", "https://e.com/front.jpg"},
                                   {"element_refer_list", {{{"image_url", "https://e.com/side.jpg"}}}}};
  auto created = fake.elements().create(create_body);
  REQUIRE(created);
  CHECK(created->data.element_id == "7");

  auto removed = fake.elements().remove("842130978230767622");
  REQUIRE(removed);
  CHECK(removed->data.task_id == "del_1");
  CHECK(removed->data.task_status == "submitted");

  const auto sent = fake.transport().requests();
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].method == "GET");
  CHECK(sent[0].target() == "/v1/elements/custom?page_num=1&page_size=30");
  CHECK(sent[1].target() == "/v1/elements/presets?page_num=2&page_size=10");
  CHECK(sent[2].method == "POST");
  CHECK(sent[2].path == "/v1/elements/custom");
  CHECK(kling::json::parse(sent[2].body) == create_body);
  CHECK(sent[3].method == "POST");
  CHECK(sent[3].path == "/v1/elements/delete");
  CHECK(sent[3].body == R"({"element_id":"842130978230767622"})"); // E-3: a string, exact
}

TEST_CASE("E-2: paging outside 1..1000 and 1..500 is refused", "[client][rules][E-2]") {
  mock_client fake{local_options()};
  auto bad = fake.elements().list({0, 501});
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().violations.size() == 2);
  CHECK(bad.error().violations[0].rule == "E-2");
  CHECK(bad.error().violations[0].field == "/page_num");
  CHECK(bad.error().violations[1].field == "/page_size");
  CHECK_FALSE(fake.elements().presets({1001, 30}));
  CHECK(fake.transport().request_count() == 0);

  fake.transport().respond(200, R"({"code":0,"data":[]})");
  auto edge = fake.elements().list({1000, 500});
  REQUIRE(edge);
  CHECK_FALSE(edge->data.may_have_more());
}

TEST_CASE("E-3: deleting needs an element id", "[client][rules][E-3]") {
  mock_client fake{local_options()};
  auto bad = fake.elements().remove("");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().violations.at(0).rule == "E-3");
  CHECK(fake.transport().request_count() == 0);
  fake.transport().respond(200, R"({"code":0,"data":{"task_id":"d","task_status":"succeed"}})");
  CHECK(fake.elements().remove("1"));
}

// ----- answers and errors -------------------------------------------------

TEST_CASE("P-3: an envelope with a non-zero code is a provider error", "[client][elements][P-3]") {
  mock_client fake{local_options()};
  fake.transport().respond(200,
                           R"({"code":1201,"message":"bad parameter","request_id":"req-7","data":null})");
  auto r = fake.elements().list();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == kling::errc::provider);
  CHECK(r.error().provider_code == "1201");
  CHECK(r.error().message == "bad parameter");
  CHECK(r.error().request_id == "req-7");
  CHECK(r.error().http_status == 200);
}

TEST_CASE("P-5: every error body shape becomes a typed error", "[client][errors][P-5]") {
  struct shape {
    int status;
    std::string body;
    kling::errc code;
    std::string message;
    std::string provider_code;
  };
  const std::vector<shape> shapes = {
      {400, R"({"error":"prompt too long"})", kling::errc::bad_request, "prompt too long", ""},
      {401, R"({"error":{"message":"invalid key","code":"invalid_api_key","type":"auth"}})",
       kling::errc::auth, "invalid key", "invalid_api_key"},
      {429, R"({"code":1302,"message":"rate limit"})", kling::errc::rate_limited, "rate limit", "1302"},
      {403, R"({"error":{"type":"forbidden"}})", kling::errc::permission, "forbidden", ""},
      {404, R"({"error":{"message":"no such task","code":404}})", kling::errc::not_found, "no such task",
       "404"},
      {502, "<html><body>Bad Gateway</body></html>", kling::errc::server,
       "HTTP 502 with a body that is not JSON", ""},
      {503, "", kling::errc::server, "HTTP 503 with a body that is not JSON", ""},
      {418, R"({"unexpected":true})", kling::errc::http, "HTTP 418", ""},
  };
  for (const auto &s : shapes) {
    mock_client fake{local_options()};
    fake.transport().respond(s.status, s.body, {{"X-Request-Id", "rid-1"}});
    auto r = fake.videos().get("t");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == s.code);
    CHECK(r.error().http_status == s.status);
    CHECK(r.error().message == s.message);
    CHECK(r.error().provider_code == s.provider_code);
    CHECK(r.error().request_id == "rid-1");
    CHECK(r.error().body_excerpt == s.body);
  }
}

TEST_CASE("a 2xx answer that is not a task is a parse error naming the field", "[client][errors]") {
  mock_client fake{local_options()};
  fake.transport().respond(200, "<html>maintenance</html>");
  fake.transport().respond(200, R"({"id":"t","status":5})");
  fake.transport().respond(200, R"({"id":"t","created_at":"yesterday"})");
  fake.transport().respond(200, R"([1,2])");

  auto html = fake.videos().get("t");
  REQUIRE_FALSE(html);
  CHECK(html.error().code == kling::errc::parse);
  CHECK(html.error().body_excerpt == "<html>maintenance</html>");

  auto status = fake.videos().get("t");
  REQUIRE_FALSE(status);
  CHECK(status.error().message == "/status: expected a string, got number");

  auto time = fake.videos().get("t");
  REQUIRE_FALSE(time);
  CHECK(time.error().message.rfind("/created_at: not an ISO 8601 date-time", 0) == 0);

  auto array = fake.videos().get("t");
  REQUIRE_FALSE(array);
  CHECK(array.error().message == "/: expected an object, got array");
}

TEST_CASE("P-1: the gateway's and the provider's status words", "[model][P-1]") {
  using kling::task_status;
  CHECK(kling::parse_task_status("pending") == task_status::pending);
  CHECK(kling::parse_task_status("submitted") == task_status::pending);
  CHECK(kling::parse_task_status("processing") == task_status::processing);
  CHECK(kling::parse_task_status("completed") == task_status::completed);
  CHECK(kling::parse_task_status("succeed") == task_status::completed);
  CHECK(kling::parse_task_status("Succeeded") == task_status::completed);
  CHECK(kling::parse_task_status("failed") == task_status::failed);
  CHECK(kling::parse_task_status("paused") == task_status::unknown);
  CHECK(kling::parse_task_status("") == task_status::unknown);

  auto t = kling::parse_task(kling::json::parse(R"({"id":"x","status":"mystery","extra":{"a":1}})"));
  REQUIRE(t);
  CHECK(t->status == task_status::unknown);
  CHECK(t->status_text == "mystery");
  CHECK(t->raw["extra"]["a"] == 1); // P-6: unknown fields are kept
}

TEST_CASE("transport failures reach the caller as they are", "[client][errors]") {
  mock_client fake{local_options()};
  kling::error refused{kling::errc::connection, "could not connect"};
  refused.request_sent = false;
  fake.transport().fail(refused);
  auto r = fake.videos().get("t");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == kling::errc::connection);
  CHECK_FALSE(r.error().request_sent);

  auto unscripted = fake.videos().get("t2");
  REQUIRE_FALSE(unscripted);
  CHECK(unscripted.error().message == "mock_transport: no scripted answer for GET /v1/videos/t2");
}

TEST_CASE("mock_transport answers from a handler and shares state between copies", "[transport][mock]") {
  kling::testing::mock_transport kept;
  mock_client fake{local_options(), kept};
  kept.on_request([](const kling::http_request &r) {
    kling::http_response res;
    res.status = 200;
    res.body = R"({"id":")" + r.path.substr(r.path.rfind('/') + 1) + R"(","status":"processing"})";
    return kling::result<kling::http_response>(res);
  });
  auto t = fake.videos().get("abc");
  REQUIRE(t);
  CHECK(t->id == "abc");
  CHECK(t->status == kling::task_status::processing);
  CHECK(kept.request_count() == 1); // the copy the test kept sees the client's request
  kept.reset();
  CHECK(kept.request_count() == 0);
  CHECK_FALSE(fake.videos().get("abc"));
}

// ----- configuration and secrets ------------------------------------------

TEST_CASE("bad configuration is an error on every call, never a crash", "[client][configuration]") {
  struct config_case {
    kling::options opts;
    std::string message_start;
  };
  const std::vector<config_case> cases = {
      {kling::options{}.api_key(test_key), "no base URL"},
      {kling::options{}.base_url("gateway.example.com").api_key(test_key), "base URL: not an absolute URL"},
      {kling::options{}.base_url("ftp://x").api_key(test_key), "base URL: scheme must be http or https"},
      {kling::options{}.base_url("https://u:p@x.example.com").api_key(test_key),
       "base URL must not contain credentials"},
      {kling::options{}.base_url("https://x.example.com/?a=1").api_key(test_key),
       "base URL must not have a query"},
      {kling::options{}.base_url("http://gw.example.com").api_key(test_key),
       "base URL uses plain http to gw.example.com"},
      {kling::options{}.base_url("https://gw.example.com"), "no API key"},
  };
  for (const auto &c : cases) {
    mock_client fake{c.opts};
    auto r = fake.videos().get("t");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::configuration);
    CHECK(r.error().message.rfind(c.message_start, 0) == 0);
    // Only the plain-http refusal carries its cause, for programs that explain it their own way.
    CHECK((r.error().cause == kling::error_cause::insecure_http) ==
          (c.message_start.find("plain http") != std::string::npos));
    CHECK(fake.transport().request_count() == 0);
  }

  mock_client allowed{
      kling::options{}.base_url("http://gw.example.com").api_key(test_key).allow_insecure_http(true)};
  allowed.transport().respond(200, pending_task);
  CHECK(allowed.videos().get("t"));
  for (const char *loopback : {"http://localhost:1", "http://127.0.0.1:2", "http://[::1]:3"}) {
    mock_client local{kling::options{}.base_url(loopback).api_key(test_key)};
    local.transport().respond(200, pending_task);
    CHECK(local.videos().get("t"));
  }
}

TEST_CASE("the API key never appears in an error, even when the server echoes it", "[client][secrets]") {
  mock_client fake{local_options()};
  fake.transport().respond(401, std::string(R"({"error":"key )") + test_key + R"( is not valid"})");
  auto r = fake.videos().get("t");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "key [REDACTED] is not valid");
  CHECK(r.error().body_excerpt.find(test_key) == std::string::npos);
  CHECK(kling::to_string(r.error()).find(test_key) == std::string::npos);
}

TEST_CASE("options read the base URL and key from the environment", "[client][configuration]") {
  // Only reads; the variables may or may not be set where the tests run.
  const auto o = kling::options::from_environment();
  const char *url = std::getenv("KLING_BASE_URL");
  CHECK(o.base_url() == (url ? url : ""));
}

TEST_CASE("clients are cheap handles that share one session", "[client]") {
  mock_client a{local_options()};
  mock_client b = a;
  b.transport().respond(200, pending_task);
  CHECK(a.videos().get("t"));
  CHECK(b.transport().request_count() == 1);
  STATIC_REQUIRE(std::is_copy_constructible<mock_client>::value);
}

// ----- per-call options ------------------------------------------------------------------

TEST_CASE("per-call options: a timeout, headers and an external_task_id for one call",
          "[client][call_options]") {
  mock_client client{local_options().header("X-Team", "client-wide")};
  client.transport().respond(200, pending_task).respond(200, pending_task).respond(200, pending_task);
  kling::call_options call;
  call.request_timeout = std::chrono::milliseconds(1234);
  call.headers = {{"X-Team", "this-call"}, {"X-Trace", "t-1"}};
  call.external_task_id = "shot-042";
  auto created = client.videos().create(kling::json{{"model", "Kling-V2.6"}, {"prompt", "a cat"}}, call);
  REQUIRE(created);
  auto got = client.videos().get("task_abc123"); // the next call is back to the client's defaults
  REQUIRE(got);
  const auto log = client.transport().requests();
  REQUIRE(log.size() == 2);
  CHECK(log[0].timeout == std::chrono::milliseconds(1234));
  CHECK(kling::find_header(log[0].headers, "X-Team") == std::string_view("this-call"));
  CHECK(kling::find_header(log[0].headers, "X-Trace") == std::string_view("t-1"));
  CHECK(kling::parse_json(log[0].body)->at("external_task_id") == "shot-042");
  CHECK(created->external_task_id == "shot-042");
  CHECK(log[1].timeout == client.options().request_timeout());
  CHECK(kling::find_header(log[1].headers, "X-Team") == std::string_view("client-wide"));
  CHECK_FALSE(kling::find_header(log[1].headers, "X-Trace"));
}

TEST_CASE("per-call options that cannot work are refused, unsent, naming the setting",
          "[client][call_options]") {
  mock_client client{local_options()};
  client.transport().respond(200, pending_task);
  const kling::json body{{"model", "Kling-V2.6"}, {"prompt", "a cat"}, {"external_task_id", "mine"}};

  kling::call_options other_id;
  other_id.external_task_id = "another";
  auto conflict = client.videos().create(body, other_id);
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == kling::errc::configuration);
  CHECK(conflict.error().message.find("call_options::external_task_id") != std::string::npos);

  kling::call_options same_id;
  same_id.external_task_id = "mine"; // the same id twice is no conflict
  CHECK(client.videos().create(body, same_id));

  auto on_get = client.videos().get("task_abc123", "", other_id);
  REQUIRE_FALSE(on_get);
  CHECK(on_get.error().message.find("creates only") != std::string::npos);

  kling::call_options bad_header;
  bad_header.headers = {{"X-Evil", "a\r\nHost: elsewhere"}};
  auto smuggled = client.videos().get("task_abc123", "", bad_header);
  REQUIRE_FALSE(smuggled);
  CHECK(smuggled.error().code == kling::errc::configuration);
  CHECK(smuggled.error().message.find("call_options::headers") != std::string::npos);

  kling::call_options zero_timeout;
  zero_timeout.request_timeout = std::chrono::milliseconds(0);
  auto never = client.elements().list({}, zero_timeout);
  REQUIRE_FALSE(never);
  CHECK(never.error().message.find("call_options::request_timeout") != std::string::npos);

  kling::call_options bad_id; // C-7 applies to the call's id as to the request's own
  bad_id.external_task_id = "line\nbreak";
  auto broken = client.videos().create(kling::json{{"model", "Kling-V2.6"}, {"prompt", "a cat"}}, bad_id);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == kling::errc::invalid_request);
  REQUIRE_FALSE(broken.error().violations.empty());
  CHECK(broken.error().violations.front().rule == "C-7");

  CHECK(client.transport().requests().size() == 1); // only the valid create went out
}

TEST_CASE("a cancellation token ends a create that sleeps on Retry-After", "[client][call_options][cancel]") {
  // The sleep itself cancels the call, as a user pressing Stop during a long
  // Retry-After would: the create must not go out again.
  kling::cancellation_source stop;
  kling::time_source clock = kling::time_source::system();
  std::chrono::milliseconds slept{0};
  clock.sleep_until = [&](kling::protocol::time_point until, const kling::cancellation_token &token) {
    slept += std::chrono::duration_cast<std::chrono::milliseconds>(until - clock.now());
    stop.cancel();
    CHECK(token.cancelled()); // the call's own token is the one it sleeps on
  };
  kling::protocol::retry_policy retry;
  retry.max_attempts = 5;
  mock_client client{local_options().retry(retry).time(clock)};
  client.transport().respond(429, R"({"code":1303,"message":"busy"})", {{"Retry-After", "120"}});
  kling::wait_settings settings;
  settings.cancel = stop.token();
  auto done =
      client.videos().create_and_wait(kling::json{{"model", "Kling-V2.6"}, {"prompt", "a cat"}}, settings);
  REQUIRE_FALSE(done);
  CHECK(done.error().code == kling::errc::cancelled);
  CHECK(slept > std::chrono::seconds(100)); // it was the Retry-After sleep
  CHECK(client.transport().requests().size() == 1);
}

TEST_CASE("create returns the rules' warnings and the answer's status, headers and request id",
          "[client][warnings]") {
  mock_client client{local_options()};
  client.transport().respond(200, pending_task, {{"X-Request-Id", "req-77"}});
  auto created = client.videos().create(kling::json{{"model", "kling-v1"}, {"prompt", "a cat"}});
  REQUIRE(created);
  REQUIRE(created->warnings.size() == 1);
  CHECK(created->warnings[0].rule == "ROUTE-4");
  CHECK(created->response.http_status == 200);
  CHECK(created->response.request_id == "req-77");
  CHECK(kling::find_header(created->response.headers, "X-Request-Id") == std::string_view("req-77"));

  // A request without warnings has none; the validation ran once, in create.
  client.transport().respond(200, pending_task);
  auto clean = client.videos().create(kling::json{{"model", "Kling-V2.6"}, {"prompt", "a cat"}});
  REQUIRE(clean);
  CHECK(clean->warnings.empty());
}

TEST_CASE("element pages are walked lazily, page by page, to the last", "[client][elements][pages]") {
  mock_client client{local_options()};
  const auto page_of = [](int n) {
    kling::json data = kling::json::array();
    for (int i = 0; i < n; ++i)
      data.push_back({{"element_id", "e" + std::to_string(i)}, {"element_name", "n"}});
    return kling::json{{"code", 0}, {"message", "ok"}, {"request_id", "r"}, {"data", data}}.dump();
  };
  client.transport().respond(200, page_of(2)).respond(200, page_of(2)).respond(200, page_of(1));
  auto pages = client.elements().pages({1, 2});
  CHECK(client.transport().requests().empty()); // nothing asked before the first next()
  std::vector<std::size_t> sizes;
  while (auto page = pages.next()) {
    REQUIRE(*page);
    sizes.push_back((*page)->data.items.size());
    CHECK(client.transport().requests().size() == sizes.size()); // one request per page, when asked
  }
  CHECK(sizes == std::vector<std::size_t>{2, 2, 1});
  const auto log = client.transport().requests();
  CHECK(log[2].query ==
        std::vector<std::pair<std::string, std::string>>{{"page_num", "3"}, {"page_size", "2"}});
  CHECK_FALSE(pages.next()); // finished stays finished

  // An error ends the walk after reporting it.
  client.transport().respond(500, "down");
  auto failing = client.elements().preset_pages();
  auto first = failing.next();
  REQUIRE(first);
  CHECK_FALSE(*first);
  CHECK_FALSE(failing.next());
}

TEST_CASE("download_all fetches every video of a task, numbering the paths", "[client][download]") {
  mock_client client{local_options()};
  client.transport().respond(200, "first").respond(200, "second");
  kling::task t;
  t.id = "t1";
  t.status = kling::task_status::completed;
  t.videos.resize(2);
  t.videos[0].url = "https://cdn.example.com/a.mp4";
  t.videos[1].url = "https://cdn.example.com/b.mp4";
  const std::string path = kling_test::scratch_path("shot.mp4");
  auto saved = client.videos().download_all(t, path);
  REQUIRE(saved);
  REQUIRE(saved->size() == 2);
  CHECK((*saved)[0].path == path);
  CHECK((*saved)[1].path == kling_test::scratch_path("shot-2.mp4"));
  CHECK(kling::files::read_file((*saved)[0].path, 100).value() == "first");
  CHECK(kling::files::read_file((*saved)[1].path, 100).value() == "second");

  kling::task none;
  none.id = "t2";
  none.status = kling::task_status::processing;
  auto nothing = client.videos().download_all(none, kling_test::scratch_path("none.mp4"));
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().message.find("no video") != std::string::npos);
}
