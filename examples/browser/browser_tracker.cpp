// A page (or node) following several video tasks through the browser's fetch,
// the way a web game would: the frame callback calls task_tracker::tick, and
// nothing ever blocks the main thread. Built with Emscripten (see the README's
// "WebAssembly and browsers"):
//
//   em++ -std=c++17 -O1 -fno-exceptions -fno-rtti -I include -I <nlohmann_json's include dir>
//        examples/browser/browser_tracker.cpp examples/transports/fetch_transport.cpp
//        -sEXIT_RUNTIME=1 -sWASM_ASYNC_COMPILATION=0 -o browser_tracker.js
//   node browser_tracker.js <proxy base URL> <session token>
//
// In a page, Module.arguments gives the same two strings. The base URL is a
// proxy of your own that adds the API key: a page holds no secret, so the
// token is whatever the proxy checks to know the user (tests pass the fake
// gateway's key here, since it plays the proxy). Exits 0 when every task
// finished; in a page it would keep running and show the videos instead.
#include "../transports/fetch_transport.hpp"

#include <emscripten.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace {

using browser_client = kling::basic_client<fetch_example::fetch_transport>;
using browser_tracker = kling::basic_task_tracker<fetch_example::fetch_transport>;

struct app {
  browser_client client;
  browser_tracker tracker{client};
  int submitted = 0, finished = 0, failed = 0;

  explicit app(kling::options options) : client(std::move(options)) {}
};

app *running = nullptr; // what the frame callback drives

void frame() {
  running->tracker.tick(std::chrono::steady_clock::now()); // polls what is due, runs the callbacks
  if (running->tracker.active() > 0) return;
  std::printf("%d of %d tasks finished, %d failed\n", running->finished, running->submitted, running->failed);
  const int status = running->finished == running->submitted ? 0 : 1;
  emscripten_cancel_main_loop();
  delete running;
  running = nullptr;
  emscripten_force_exit(status); // a page would not exit: it would play the videos
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: browser_tracker <proxy base URL> <session token>\n");
    return 2;
  }
  running = new app(kling::options{}.base_url(argv[1]).api_key(argv[2]));
  for (const char *idea : {"A lantern festival over a river", "Snow on a quiet mountain village",
                           "A hummingbird in slow motion"}) {
    kling::text_to_video request;
    request.prompt = idea;
    ++running->submitted;
    running->tracker.submit(request, {[idea](const kling::task &t) {
                                        std::printf("  %-34s %s\n", idea, kling::to_string(t.status));
                                      },
                                      [](const kling::task &t) {
                                        ++running->finished;
                                        std::printf("done: %s -> %s\n", t.id.c_str(), t.video_url().c_str());
                                      },
                                      [](const kling::error &e) {
                                        ++running->failed;
                                        std::printf("failed: %s\n", kling::to_string(e).c_str());
                                      }});
  }
  // 0 frames a second: the browser's own pace (requestAnimationFrame). The
  // call does not return: main gives the event loop back, which is what lets
  // fetch's answers in between frames.
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
