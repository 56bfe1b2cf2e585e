// What the client costs per call, apart from the network: validating the
// document's requests, reading answers, decoding inline images, reading
// video headers, signing webhooks, running a wait to completion on a mock.
#include <kling/testing.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_text(const std::string &path) {
  return kling::media::read_file(path, std::uint64_t{1} << 30).value_or(std::string());
}

std::vector<kling::json> seed_requests() {
  std::vector<kling::json> out;
  for (const char *name : {"o1_text_to_video", "o1_image_element_reference", "o1_video_edit",
                           "t2v_camera_simple", "i2v_motion_brush", "i2v_sound_voice", "motion_prompt"}) {
    out.push_back(
        kling::json::parse(read_text(std::string(KLING_TEST_FIXTURES) + "/requests/" + name + ".json")));
  }
  return out;
}

void validate_seed_requests(benchmark::State &state) {
  const auto requests = seed_requests();
  for (auto _ : state) {
    for (const auto &r : requests)
      benchmark::DoNotOptimize(kling::rules::validate(r));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(requests.size()));
}
BENCHMARK(validate_seed_requests);

void validate_inline_image(benchmark::State &state) {
  // A request with a Base64 image of the given size: decoded and its header read.
  const std::string png = kling::testing::sample_png(1920, static_cast<std::uint32_t>(state.range(0)));
  kling::json request = {{"model", "Kling-V2.6"}, {"image", kling::base64::encode(png)}, {"prompt", "x"}};
  for (auto _ : state)
    benchmark::DoNotOptimize(kling::rules::validate(request));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(png.size()));
}
BENCHMARK(validate_inline_image)->Arg(1080)->Arg(4000);

void parse_finished_task(benchmark::State &state) {
  const std::string flat =
      read_text(std::string(KLING_TEST_FIXTURES) + "/responses/task_completed_flat.json");
  const std::string unified =
      read_text(std::string(KLING_TEST_FIXTURES) + "/responses/task_completed_unified.json");
  kling::http_response a, b;
  a.status = b.status = 200;
  a.body = flat;
  b.body = unified;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kling::protocol::read_task(a));
    benchmark::DoNotOptimize(kling::protocol::read_task(b));
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(parse_finished_task);

void base64_decode(benchmark::State &state) {
  const std::string text = kling::base64::encode(std::string(static_cast<std::size_t>(state.range(0)), 'x'));
  for (auto _ : state)
    benchmark::DoNotOptimize(kling::base64::decode(text));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(base64_decode)->Arg(1 << 20)->Arg(10 << 20);

void probe_video(benchmark::State &state) {
  const std::string mp4 = kling::testing::sample_mp4(10, 1920, 1080, 30, 1 << 20);
  for (auto _ : state)
    benchmark::DoNotOptimize(kling::media::probe_video(mp4));
}
BENCHMARK(probe_video);

void webhook_verify(benchmark::State &state) {
  const std::string secret = "whsec_" + kling::base64::encode("a webhook secret of 32 bytes....");
  const std::string body =
      read_text(std::string(KLING_TEST_FIXTURES) + "/responses/callback_provider_task_result.json");
  const std::string signature = kling::webhooks::sign(secret, "msg_1", 1736762400, body);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        kling::webhooks::verify(secret, "msg_1", "1736762400", signature, body, 1736762400));
  }
}
BENCHMARK(webhook_verify);

void wait_to_completion_on_a_mock(benchmark::State &state) {
  // The whole blocking wait (8 polls) on a mock transport and a virtual clock: the client's own overhead.
  for (auto _ : state) {
    state.PauseTiming();
    kling::testing::virtual_clock clock;
    kling::basic_client<kling::testing::mock_transport> client{
        kling::options{}.base_url("http://127.0.0.1:1").api_key("bench-key").time(clock.source())};
    for (int i = 0; i < 7; ++i)
      client.transport().respond(200, R"({"id":"t","status":"processing"})");
    client.transport().respond(200, R"({"id":"t","status":"completed","video_url":"https://e/v.mp4"})");
    state.ResumeTiming();
    benchmark::DoNotOptimize(client.videos().wait("t"));
  }
}
BENCHMARK(wait_to_completion_on_a_mock);

} // namespace

BENCHMARK_MAIN();
