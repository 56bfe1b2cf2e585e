// The scenarios of the cassette corpus (tests/fixtures/cassettes): recorded
// against the fake gateway by the end-to-end suite, replayed by the unit
// suite, with the same checks both times.
#ifndef KLING_TESTS_SUPPORT_CASSETTE_SCENARIOS_HPP
#define KLING_TESTS_SUPPORT_CASSETTE_SCENARIOS_HPP

#include <kling/core.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "text.hpp"

namespace kling_test {

inline kling::json request_example(const std::string &name) {
  return kling::parse_json(fixture_text("requests/" + name + ".json")).value_or(kling::json());
}

// Options shared by recording and replay: a fixed id seed, so the generated
// external_task_ids (and with them every request) are the same each time.
inline kling::options cassette_options(const std::string &base_url, const std::string &key) {
  kling::protocol::retry_policy retry;
  retry.initial_backoff = std::chrono::milliseconds(10);
  retry.max_backoff = std::chrono::milliseconds(50);
  kling::protocol::wait_options wait;
  wait.first_interval = std::chrono::milliseconds(20);
  wait.max_interval = std::chrono::milliseconds(20);
  return kling::options{}.base_url(base_url).api_key(key).retry(retry).wait(wait).external_task_id_seed(
      20250113);
}

struct cassette_scenario {
  const char *name;
  const char *example; // request fixture; empty for the element scenario
};

// One cassette per route and endpoint.
inline const std::vector<cassette_scenario> &cassette_scenarios() {
  static const std::vector<cassette_scenario> all = {
      {"omni_video", "o1_image_element_reference"},
      {"text_to_video", "t2v_camera_simple"},
      {"image_to_video", "i2v_first_last_frame"},
      {"motion_control", "motion_prompt"},
      {"elements", ""},
  };
  return all;
}

// Runs a scenario through any client, checking what it got.
template <class Client>
void run_cassette_scenario(Client &client, const cassette_scenario &s) {
  INFO("cassette " << s.name);
  if (std::string(s.example).empty()) {
    auto created = client.elements().create(request_example("element_create"));
    REQUIRE(created);
    CHECK(created->data.element_id == "842130978230767622");
    auto listed = client.elements().list({1, 10});
    REQUIRE(listed);
    CHECK(listed->data.items.size() == 1);
    auto presets = client.elements().presets();
    REQUIRE(presets);
    CHECK(presets->data.items.size() == 3);
    auto removed = client.elements().remove(created->data.element_id);
    REQUIRE(removed);
    CHECK(removed->data.task_status == "succeed");
    return;
  }
  auto t = client.videos().create_and_wait(request_example(s.example));
  REQUIRE(t);
  CHECK(t->status == kling::task_status::completed);
  CHECK(t->external_task_id.rfind("kling-cpp-", 0) == 0);
  auto again = client.videos().get(t->external_task_id);
  REQUIRE(again);
  CHECK(again->id == t->id);
  std::string video;
  auto n = client.videos().download_to(t->video_url(), [&](std::string_view piece) {
    video.append(piece);
    return true;
  });
  REQUIRE(n);
  CHECK(video.compare(4, 4, "ftyp") == 0);
}

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_CASSETTE_SCENARIOS_HPP
