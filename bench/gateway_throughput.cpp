// How many tasks a second the fake gateway carries (create, then polls until
// completed) against the cpp-httplib client, for several numbers of
// concurrent callers, each with a keep-alive connection of its own. Prints
// figures; nothing depends on them.
//   cmake --build <build> --target kling_gateway_throughput && <build>/bench/kling_gateway_throughput
//   [seconds]
#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char **argv) {
  using namespace std::chrono_literals;
  const auto run_for = std::chrono::milliseconds(argc > 1 ? std::atoi(argv[1]) * 1000 : 3000);
  std::printf("callers  tasks/s  requests/s\n");
  for (int callers : {1, 2, 4, 6, 8, 12, 16}) {
    kling::testing::fake_gateway gateway;
    if (!gateway.start()) return 1;
    kling::protocol::wait_options wait;
    wait.first_interval = 1ms;
    wait.max_interval = 1ms;
    kling::network_settings network;
    network.max_idle_connections = static_cast<std::size_t>(callers);
    kling::client client{
        kling::options{}.base_url(gateway.base_url()).api_key(gateway.api_key()).wait(wait).network(network)};
    std::atomic<bool> stop{false};
    std::atomic<int> done{0}, failed{0};
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < callers; ++i) {
      threads.emplace_back([&] {
        while (!stop) {
          kling::text_to_video request;
          request.prompt = "A cat playing in a sunny garden";
          (client.videos().create_and_wait(request) ? done : failed)++;
        }
      });
    }
    std::this_thread::sleep_for(run_for);
    stop = true;
    for (auto &t : threads)
      t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%7d  %7.0f  %10.0f%s\n", callers, done / seconds,
                static_cast<double>(gateway.requests()) / seconds, failed ? "  (some failed)" : "");
    std::fflush(stdout);
  }
}
