// The README's code fragments, each placed where it makes sense, so that every
// piece of code the README shows compiles as shown. tests/readme_code.py puts
// the README block tagged `<!-- snippet: NAME -->` where `// @snippet NAME`
// stands, then compiles this file (C++20: one fragment shows designated
// initializers). The declarations here are what a reader's program would have.
#include <kling/kling.hpp>
#include <kling/testing.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <thread>

#include "transports/curl_transport.hpp"

#include "catch.hpp"

namespace readme {

std::string load();
void save(const std::string &);

// "Your own HTTP stack": the curl transports in a game loop and a tool.
struct frame_timers {
  kling::protocol::time_point now();
  void after(std::chrono::milliseconds delay, std::function<void()> fn);
  void run_due();
};
inline void curl_game_loop() {
  // @snippet curl-game-loop
  (void)task;
}

// "What a transport is": the two members a transport may have.
struct both_calls_transport {
  // @snippet transport-members
};
static_assert(kling::has_send_v<both_calls_transport> && kling::has_async_send_v<both_calls_transport>);

// "Schedulers, asynchronous calls and the task tracker": what a scheduler offers.
struct my_loop {
  // @snippet scheduler-members
};
static_assert(kling::has_scheduler_now<my_loop>::value && kling::has_scheduler_after<my_loop>::value &&
              kling::has_scheduler_post<my_loop>::value);
inline kling::options with_scheduler(my_loop &loop) {
  return kling::options{}.scheduler(kling::make_scheduler(loop));
}

inline void typed_requests() {
  // @snippet typed-requests
  (void)dance;
}

template <class Client>
void waiting(Client &client, const std::string &task_id) {
  // @snippet waiting
  (void)done;
  (void)resumed;
}
template void waiting(kling::client &, const std::string &);

void per_call(kling::client &client, const kling::text_to_video &request) {
  // @snippet call-options
}

struct engine_transport {
  void async_send(kling::http_request, kling::http_completion);
};

inline void asynchronous(kling::basic_client<engine_transport> &client, const kling::text_to_video &request,
                         const std::string &id) {
  auto on_task = [](kling::result<kling::task>) {};
  auto on_page = [](auto &&) {}; // a result of an element page envelope
  // @snippet async-calls
}

inline void tracker(kling::basic_client<engine_transport> &client, const kling::text_to_video &request) {
  auto on_progress = [](const kling::task &) {};
  auto on_done = [](const kling::task &) {};
  auto on_failed = [](const kling::error &) {};
  // @snippet task-tracker
}

// "Batches": the runner over a transport with both calls.
template <class Transport>
void batch_runner(kling::basic_client<Transport> &client, const kling::text_to_video &harbour,
                  const kling::text_to_video &market, const kling::cancellation_source &stop) {
  // @snippet batch-runner
}
template void batch_runner(kling::basic_client<both_calls_transport> &, const kling::text_to_video &,
                           const kling::text_to_video &, const kling::cancellation_source &);

} // namespace readme

// "Testing code that uses kling-cpp": the example test, then the fake gateway.
// @snippet testing-mock

TEST_CASE("the README's fake gateway fragment") {
  // @snippet testing-fake-gateway
}
