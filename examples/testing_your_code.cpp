// Testing code that uses kling-cpp: three ways, from the fastest to the most
// realistic. Your own code here is `make_trailer`, which turns an idea into
// a downloaded video.
//
// Built and run by the project's tests; copy it into your own suite.
#include <kling/kling.hpp>
#include <kling/testing.hpp>
#include <kling/testing/fake_gateway.hpp>

#define CATCH_CONFIG_MAIN
#include "../tests/support/catch.hpp"

#include <string>

// ---- the code under test -----------------------------------------------------------
template <class Client>
kling::result<std::string> make_trailer(Client &client, const std::string &idea) {
  kling::text_to_video request;
  request.prompt = idea;
  request.mode = kling::mode::pro;
  request.seconds = 5;
  auto task = client.videos().create_and_wait(request);
  if (!task) return task.error();
  return task->video_url();
}

// ---- 1. a scripted mock and a virtual clock: no server, no waiting ---------------------
TEST_CASE("make_trailer returns the video of the finished task") {
  kling::testing::virtual_clock clock;
  kling::basic_client<kling::testing::mock_transport> client{
      kling::options{}.base_url("http://127.0.0.1:1").api_key("test").time(clock.source())};
  client.transport()
      .respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"processing"})")
      .respond(200, R"({"id":"t1","status":"completed","video_url":"https://cdn.example.com/t1.mp4"})");

  auto url = make_trailer(client, "A cat playing in a sunny garden");

  REQUIRE(url);
  CHECK(*url == "https://cdn.example.com/t1.mp4");
  const auto sent = client.transport().requests();
  CHECK(sent.at(0).method == "POST");
  CHECK(kling::json::parse(sent.at(0).body)["prompt"] == "A cat playing in a sunny garden");
  CHECK(clock.elapsed() >= std::chrono::seconds(6)); // two polls, 3 s apart, took no real time
}

TEST_CASE("make_trailer reports a refused prompt") {
  kling::testing::virtual_clock clock;
  kling::basic_client<kling::testing::mock_transport> client{
      kling::options{}.base_url("http://127.0.0.1:1").api_key("test").time(clock.source())};
  client.transport()
      .respond(200, R"({"id":"t1","status":"pending"})")
      .respond(200, R"({"id":"t1","status":"failed","error":"content policy"})");
  auto url = make_trailer(client, "something forbidden");
  REQUIRE_FALSE(url);
  CHECK(url.error().code == kling::errc::task_failed);
}

// ---- 2. the fake gateway: real HTTP on loopback, the whole contract, faults -----------
TEST_CASE("make_trailer survives a lost answer without paying twice") {
  kling::testing::fake_gateway gateway;
  REQUIRE(gateway.start());
  gateway.inject(kling::testing::fault::dropped_after_create(), kling::testing::request_match::creates());

  kling::protocol::wait_options quick;
  quick.first_interval = quick.max_interval = std::chrono::milliseconds(20);
  kling::client client{kling::options{}.base_url(gateway.base_url()).api_key(gateway.api_key()).wait(quick)};

  auto url = make_trailer(client, "A cat playing in a sunny garden");

  REQUIRE(url);
  CHECK(gateway.tasks_created() == 1); // the create was looked up, not sent again
}

// ---- 3. a cassette: recorded once, replayed forever ---------------------------------------
TEST_CASE("make_trailer against a recorded session") {
  // Record with KLING_RECORD_CASSETTES=1 against any gateway (here the fake
  // one); the key is redacted before anything is written.
  kling::testing::fake_gateway gateway;
  REQUIRE(gateway.start());
  const std::string tape_path = "/tmp/make_trailer.cassette.json";
  const std::uint64_t fixed_ids = 7; // the same generated external_task_id each run, so the replay matches
  kling::protocol::wait_options quick;
  quick.first_interval = quick.max_interval = std::chrono::milliseconds(20);
  {
    kling::testing::recording_transport<kling::httplib_transport> recorder{kling::httplib_transport{},
                                                                           tape_path};
    kling::basic_client<decltype(recorder)> client{kling::options{}
                                                       .base_url(gateway.base_url())
                                                       .api_key(gateway.api_key())
                                                       .external_task_id_seed(fixed_ids)
                                                       .wait(quick),
                                                   recorder};
    REQUIRE(make_trailer(client, "A cat playing in a sunny garden"));
  }
  gateway.stop(); // no network from here on

  auto tape = kling::testing::replay_transport::load(tape_path);
  REQUIRE(tape);
  kling::testing::virtual_clock clock;
  kling::basic_client<kling::testing::replay_transport> client{kling::options{}
                                                                   .base_url("http://127.0.0.1:1")
                                                                   .api_key("any")
                                                                   .external_task_id_seed(fixed_ids)
                                                                   .time(clock.source()),
                                                               *tape};
  auto url = make_trailer(client, "A cat playing in a sunny garden");
  REQUIRE(url);
  CHECK(url->find("/files/task_1.mp4") != std::string::npos);
  CHECK(tape->unused() == 0);
  kling::files::remove(tape_path);
}
