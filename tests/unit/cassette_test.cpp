// Cassettes: the committed corpus replays without a network; recording
// redacts secrets; an unmatched request says what differs.
#include <kling/testing.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "../support/cassette_scenarios.hpp"
#include "../support/catch.hpp"

namespace {

std::string cassette_path(const std::string &name) {
  return std::string(KLING_TEST_FIXTURES) + "/cassettes/" + name + ".json";
}

} // namespace

TEST_CASE("the cassette corpus replays every route and endpoint", "[cassettes]") {
  for (const auto &s : kling_test::cassette_scenarios()) {
    auto tape = kling::testing::replay_transport::load(cassette_path(s.name));
    REQUIRE(tape);
    kling::testing::virtual_clock clock; // replayed polls do not wait
    kling::basic_client<kling::testing::replay_transport> client{
        kling_test::cassette_options("http://127.0.0.1:1", "replayed-key").time(clock.source()), *tape};
    kling_test::run_cassette_scenario(client, s);
    CHECK(tape->unused() == 0);
  }
}

TEST_CASE("no committed fixture holds a key", "[cassettes][secrets]") {
  for (const auto &s : kling_test::cassette_scenarios()) {
    const std::string text = kling_test::read_text(cassette_path(s.name));
    REQUIRE_FALSE(text.empty());
    CHECK(text.find("fake-gateway-key") == std::string::npos);
    std::size_t at = 0;
    while ((at = text.find("Bearer ", at)) != std::string::npos) {
      CHECK(text.compare(at, 17, "Bearer [REDACTED]") == 0);
      at += 7;
    }
  }
}

TEST_CASE("recording redacts the key and named secrets, and replays what it recorded", "[cassettes]") {
  const std::string path = kling_test::scratch_path("cassette-test.json");
  kling::testing::mock_transport network;
  network.respond(200, R"({"id":"t1","status":"pending","note":"token s3cr3t-value here"})");
  network.fail(kling::error{kling::errc::timeout, "no answer"});
  network.respond(200, std::string("\x00\x01\xFF video", 9));
  {
    kling::testing::recording_transport<kling::testing::mock_transport> recorder{
        network, path, {{"s3cr3t-value"}}};
    kling::basic_client<kling::testing::recording_transport<kling::testing::mock_transport>> client{
        kling::options{}
            .base_url("http://127.0.0.1:1")
            .api_key("very-secret-key")
            .retry(kling::protocol::retry_policy::none()),
        recorder};
    REQUIRE(client.videos().get("t1"));
    REQUIRE_FALSE(client.videos().get("t2"));
    std::string bytes;
    REQUIRE(client.videos().download_to("http://127.0.0.1:1/v.mp4", [&](std::string_view p) {
      bytes.append(p);
      return true;
    }));
    CHECK(bytes == std::string("\x00\x01\xFF video", 9));
  }
  const std::string text = kling_test::read_text(path);
  CHECK(text.find("very-secret-key") == std::string::npos);
  CHECK(text.find("s3cr3t-value") == std::string::npos);
  CHECK(text.find("Bearer [REDACTED]") != std::string::npos);
  CHECK(text.find("$base64") != std::string::npos);

  auto tape = kling::testing::replay_transport::load(path);
  REQUIRE(tape);
  kling::basic_client<kling::testing::replay_transport> replayed{
      kling::options{}
          .base_url("http://127.0.0.1:1")
          .api_key("k-1234")
          .retry(kling::protocol::retry_policy::none()),
      *tape};
  auto t = replayed.videos().get("t1");
  REQUIRE(t);
  CHECK(t->raw["note"] == "token [REDACTED] here");
  auto timeout = replayed.videos().get("t2");
  REQUIRE_FALSE(timeout);
  CHECK(timeout.error().code == kling::errc::timeout);
  std::string bytes;
  REQUIRE(replayed.videos().download_to("http://127.0.0.1:1/v.mp4", [&](std::string_view p) {
    bytes.append(p);
    return true;
  }));
  CHECK(bytes == std::string("\x00\x01\xFF video", 9));
  CHECK(tape->unused() == 0);
  std::remove(path.c_str());
}

TEST_CASE("an unmatched request names the closest recorded one and the difference", "[cassettes]") {
  const kling::json interactions = kling::json::array(
      {{{"request",
         {{"method", "POST"},
          {"path", "/v1/videos"},
          {"query", kling::json::array()},
          {"body", {{"model", "Kling-V2.6"}, {"prompt", "a dog"}, {"external_task_id", "x1"}}}}},
        {"response", {{"status", 200}, {"body", {{"id", "t"}, {"status", "pending"}}}}}}});
  kling::testing::replay_transport tape{interactions, "inline"};
  kling::http_request r;
  r.method = "POST";
  r.path = "/v1/videos";
  r.body = R"({"model":"Kling-V2.6","prompt":"a cat","external_task_id":"x1"})";
  auto miss = tape.send(r);
  REQUIRE_FALSE(miss);
  CHECK(
      miss.error().message ==
      "replay_transport (inline): no recorded interaction left for POST /v1/videos; the closest is #0, which "
      "differs: body at /prompt: replace \"a cat\"");

  // Member order does not matter; ignored members do not count.
  kling::testing::replay_transport lenient{interactions, "inline", {{"external_task_id"}}};
  r.body = R"({"external_task_id":"other","prompt":"a dog","model":"Kling-V2.6"})";
  CHECK(lenient.send(r));
  CHECK_FALSE(lenient.send(r)); // each interaction serves once
}

TEST_CASE("a cassette with a field of the wrong type is an error, not an abort", "[cassettes]") {
  const kling::json interactions = kling::json::array(
      {{{"request",
         {{"method", "GET"}, {"path", "/v1/videos/t"}, {"query", kling::json::array()}, {"body", nullptr}}},
        {"response", {{"status", "200"}, {"body", {{"id", "t"}}}}}}});
  kling::testing::replay_transport tape{interactions, "typed"};
  kling::http_request r;
  r.path = "/v1/videos/t";
  auto answer = tape.send(r);
  REQUIRE_FALSE(answer);
  CHECK(answer.error().code == kling::errc::parse);
  CHECK(answer.error().message == "cassette: /response/status: expected an integer in range, got string");
}
