// A callback receiver: the gateway POSTs a task to the create's callback_url
// whenever its status changes. This server checks the Standard Webhooks
// signature, refuses replays, reads the task in whatever shape it comes, and
// answers 204.
//
//   ./callback_receiver                  a self-contained tour: starts the fake
//                                        gateway, creates a task whose callbacks
//                                        come here, exits when it has finished
//   ./callback_receiver --port 9000      just receive (KLING_WEBHOOK_SECRET=whsec_...;
//                                        without it, callbacks are accepted unverified)
#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The receiving end, ready to copy into a service: verify, parse, acknowledge.
// Replays are refused through the process's default replay store; a service
// with several processes passes a kling::webhooks::replay_store of its own.
void handle_callback(const std::string &secret, const httplib::Request &req, httplib::Response &res,
                     const std::function<void(const kling::task &)> &on_task) {
  kling::http_headers headers(req.headers.begin(), req.headers.end());
  auto t = secret.empty() ? kling::receive_unverified_callback(req.body)
                          : kling::receive_callback(secret, headers, req.body, unix_now());
  if (!t) {
    std::cerr << "callback refused: " << kling::to_string(t.error()) << '\n';
    switch (t.error().code) {
    case kling::errc::replay: res.status = 204; break; // handled when it first came: the sender may stop
    case kling::errc::bad_signature: res.status = 401; break;
    case kling::errc::configuration:
      res.status = 500;
      break; // our secret is unusable, not the sender's fault
    default: res.status = 400; break;
    }
    return;
  }
  std::cout << "callback: task " << t->id << " is " << kling::to_string(t->status)
            << (t->video_url().empty() ? "" : " -> " + t->video_url()) << '\n';
  res.status = 204;
  on_task(*t);
}

} // namespace

int main(int argc, char **argv) {
  const bool tour = argc == 1;
  const char *env_secret = std::getenv("KLING_WEBHOOK_SECRET");
  const std::string secret = tour ? "whsec_" + kling::base64::encode("a secret shared with the gateway")
                                  : (env_secret ? env_secret : "");

  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  httplib::Server receiver;
  receiver.Post("/kling-callback", [&](const httplib::Request &req, httplib::Response &res) {
    handle_callback(secret, req, res, [&](const kling::task &t) {
      if (!t.finished()) return;
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      finished.notify_all();
    });
  });
  const int wanted = argc == 3 && std::string(argv[1]) == "--port"
                         ? kling::numbers::parse_integer<int>(argv[2]).value_or(-1)
                         : -1;
  const int port = tour ? receiver.bind_to_any_port("127.0.0.1")
                        : (wanted > 0 && receiver.bind_to_port("127.0.0.1", wanted) ? wanted : -1);
  if (port <= 0) {
    std::cerr << "usage: callback_receiver [--port N]\n";
    return 2;
  }
  if (secret.empty()) std::cerr << "no KLING_WEBHOOK_SECRET: callbacks are accepted without verification\n";
  std::thread server([&] { receiver.listen_after_bind(); });
  std::cout << "receiving callbacks on http://127.0.0.1:" << port << "/kling-callback\n";

  int exit_code = 0;
  if (tour) {
    kling::testing::fake_gateway_options options;
    options.webhook_secret = secret;
    options.pending_for = std::chrono::milliseconds(200);
    options.processing_for = std::chrono::milliseconds(300);
    kling::testing::fake_gateway gateway(options);
    if (!gateway.start()) return 1;
    kling::client client{kling::options{}.base_url(gateway.base_url()).api_key(gateway.api_key())};
    kling::text_to_video request;
    request.prompt = "A cat playing in a sunny garden";
    request.callback_url = "http://127.0.0.1:" + std::to_string(port) + "/kling-callback";
    auto task = client.videos().create(request);
    if (!task) {
      std::cerr << kling::to_string(task.error()) << '\n';
      return 1;
    }
    std::cout << "created " << task->id << "; waiting for its callbacks\n";
    std::unique_lock<std::mutex> lock(mutex);
    if (!finished.wait_for(lock, std::chrono::seconds(20), [&] { return done; })) {
      std::cerr << "no final callback within 20 s\n";
      exit_code = 1;
    }
  } else {
    std::unique_lock<std::mutex> lock(mutex);
    finished.wait(lock, [&] { return done; });
  }
  receiver.stop();
  server.join();
  return exit_code;
}
