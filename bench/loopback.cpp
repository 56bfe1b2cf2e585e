// N sequential tasks (create, then poll to completion without pause) against
// any gateway: `kling serve`, or the real one. Prints the time per task.
//   kling_bench_loopback --url URL --tasks N [--api-key K]
// The key defaults to KLING_API_KEY, else the fake gateway's. Polling
// "without pause": the library refuses a zero poll interval, so the interval
// is 1 ms and the wait's sleeps only move a virtual clock.
#include <kling/kling.hpp>
#include <kling/testing/virtual_clock.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace {

int usage() {
  std::fprintf(stderr, "usage: kling_bench_loopback --url URL --tasks N [--api-key K]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string url;
  std::string key = std::getenv("KLING_API_KEY") ? std::getenv("KLING_API_KEY") : "fake-gateway-key";
  long tasks = 0;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--url") == 0 && has_value) {
      url = argv[++i];
    } else if (std::strcmp(argv[i], "--api-key") == 0 && has_value) {
      key = argv[++i];
    } else if (std::strcmp(argv[i], "--tasks") == 0 && has_value) {
      char *end = nullptr;
      tasks = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || tasks < 1 || tasks > 10000000) {
        std::fprintf(stderr,
                     "kling_bench_loopback: --tasks must be a whole number from 1 to 10000000, got %s\n",
                     argv[i]);
        return 2;
      }
    } else {
      std::fprintf(stderr, "kling_bench_loopback: unknown or incomplete argument %s\n", argv[i]);
      return usage();
    }
  }
  if (url.empty() || tasks == 0) return usage();

  kling::protocol::wait_options wait;
  wait.first_interval = std::chrono::milliseconds(1);
  wait.max_interval = std::chrono::milliseconds(1);
  wait.interval_growth = 1.0;
  kling::client client{
      kling::options{}.base_url(url).api_key(key).wait(wait).time(kling::testing::virtual_clock().source())};

  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < tasks; ++i) {
    kling::text_to_video request;
    request.prompt = "A cat playing in a sunny garden";
    auto task = client.videos().create_and_wait(request);
    if (!task) {
      std::fprintf(stderr, "kling_bench_loopback: task %ld: %s\n", i + 1, task.error().message.c_str());
      return 1;
    }
    if (task->status != kling::task_status::completed) {
      std::fprintf(stderr, "kling_bench_loopback: task %ld finished %s\n", i + 1,
                   kling::to_string(task->status));
      return 1;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("per_task_ms=%.4f\n", seconds * 1000.0 / static_cast<double>(tasks));
  std::printf("tasks_per_second=%.1f\n", static_cast<double>(tasks) / seconds);
  return 0;
}
