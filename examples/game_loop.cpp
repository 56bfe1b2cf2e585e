// A game loop following several video tasks, the way an engine plugin would:
// the engine's HTTP module completes requests a few frames later on the game
// thread, and the frame loop calls task_tracker::tick once per frame. Built
// from the single core header alone, without exceptions or RTTI:
//
//   g++ -std=c++17 -fno-exceptions -fno-rtti -I single_include examples/game_loop.cpp -o game_loop &&
//   ./game_loop
//
// Nothing here needs a network: the "engine" answers from a small simulated gateway.
#include <kling/core.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

// What the simulated gateway answers: tasks finish after a few polls.
class simulated_gateway {
public:
  kling::http_response handle(const kling::http_request &request) {
    kling::http_response response;
    response.status = 200;
    if (request.method == "POST") {
      const std::string id = "task_" + std::to_string(++created_);
      polls_[id] = 0;
      response.body = R"({"id":")" + id + R"(","status":"pending"})";
      return response;
    }
    const std::string id = request.path.substr(request.path.rfind('/') + 1);
    const int polls = ++polls_[id];
    const char *status = polls < 2 ? "pending" : polls < 4 ? "processing" : "completed";
    response.body =
        R"({"id":")" + id + R"(","status":")" + status + R"(")" +
        (polls >= 4 ? R"(,"video_url":"https://cdn.example.com/)" + id + R"(.mp4")" : std::string()) + "}";
    return response;
  }
  int created() const { return created_; }

private:
  int created_ = 0;
  std::map<std::string, int> polls_;
};

// The engine's HTTP module, as kling-cpp sees it: async_send only. Requests
// complete three frames later, on the game thread, in update().
class engine_http_module {
public:
  explicit engine_http_module(simulated_gateway *gateway) : gateway_(gateway) {}

  void async_send(kling::http_request request, kling::http_completion done) {
    in_flight_.push_back(pending{3, std::move(request), std::move(done)});
  }

  // Called by the engine once per frame.
  void update() {
    std::vector<pending> still;
    std::vector<pending> due;
    for (auto &p : in_flight_)
      (--p.frames_left == 0 ? due : still).push_back(std::move(p));
    in_flight_ = std::move(still);
    for (auto &p : due)
      p.done(gateway_->handle(p.request));
  }

private:
  struct pending {
    int frames_left;
    kling::http_request request;
    kling::http_completion done;
  };
  simulated_gateway *gateway_;
  std::vector<pending> in_flight_;
};

} // namespace

int main() {
  simulated_gateway gateway;
  // In a shipped game, point base_url at your own proxy that adds the key:
  // never ship the API key in the game's files.
  kling::basic_client<engine_http_module> client{
      kling::options{}.base_url("https://game-proxy.example.com").api_key("key-held-by-the-proxy"),
      engine_http_module(&gateway)};
  kling::basic_task_tracker<engine_http_module> tracker{client};

  const char *ideas[] = {"A dragon over the castle at dawn", "Rain on a neon street", "A ship in a storm",
                         "Leaves falling in an autumn forest"};
  int finished = 0, failed = 0;
  for (const char *idea : ideas) {
    kling::text_to_video request;
    request.prompt = idea;
    request.mode = kling::mode::std;
    tracker.submit(request, {[idea](const kling::task &t) {
                               std::printf("  %-36s %s\n", idea, kling::to_string(t.status));
                             },
                             [&finished](const kling::task &t) {
                               ++finished;
                               std::printf("done: %s -> %s\n", t.id.c_str(), t.video_url().c_str());
                             },
                             [&failed](const kling::error &e) {
                               ++failed;
                               std::printf("failed: %s\n", kling::to_string(e).c_str());
                             }});
  }

  // The frame loop: 60 frames a second of game time (simulated, so it runs fast).
  const auto start = std::chrono::steady_clock::now();
  int frame = 0;
  for (; frame < 60 * 120 && tracker.active() > 0; ++frame) {
    const auto now = start + std::chrono::milliseconds(frame * 1000 / 60);
    client.transport().update(); // the engine's HTTP module delivers what has arrived
    tracker.tick(now);           // polls what is due, runs the callbacks
  }
  std::printf("%d tasks finished, %d failed, %d created, in %d frames (%.1f s of game time)\n", finished,
              failed, gateway.created(), frame, frame / 60.0);
  return finished == 4 && failed == 0 && gateway.created() == 4 ? 0 : 1;
}
