// The fetch transport's own promises, under node against `kling serve` with
// every poll slowed down (run_against_gateway.py): an answer's status,
// headers and body; a refused connection; the timeout; abandoning (one
// completion, cancelled, and a late abandon does nothing); and no completion
// inside async_send. The answers come from the JavaScript event loop, so the
// checks run from a frame callback once everything is in, not in Catch2.
//
//   node fetch_transport_test.js <fake gateway base URL> <its key>
#include "../../examples/transports/fetch_transport.hpp"

#include <emscripten.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

struct exchange_seen {
  explicit exchange_seen(const char *what) : name(what) {}
  const char *name;
  int completions = 0;
  std::optional<kling::result<kling::http_response>> answer;
};

struct test_state {
  fetch_example::fetch_transport transport;
  std::vector<exchange_seen *> seen;
  kling::abandon_request abandon;
  int frames = 0, failures = 0;
};
test_state *state = nullptr;

void check(bool ok, const char *what) {
  std::printf("%s %s\n", ok ? "ok:    " : "FAILED:", what);
  if (!ok) ++state->failures;
}

kling::http_request get(const std::string &origin, const std::string &path, const std::string &key,
                        std::chrono::milliseconds timeout) {
  kling::http_request r;
  r.origin = origin;
  r.path = path;
  if (!key.empty()) kling::set_header(r.headers, "Authorization", "Bearer " + key);
  r.timeout = timeout;
  return r;
}

kling::abandon_request send(kling::http_request r, exchange_seen *seen) {
  state->seen.push_back(seen);
  return state->transport.async_send(std::move(r), [seen](kling::result<kling::http_response> answer) {
    ++seen->completions;
    seen->answer = std::move(answer);
  });
}

exchange_seen refused_answer{"unauthorized"}, refused_connection{"refused connection"}, slow{"slow poll"},
    abandoned{"abandoned"};

bool error_is(const exchange_seen &x, kling::errc code) {
  return x.answer && !*x.answer && x.answer->error().code == code;
}

void finish() {
  const auto &a = refused_answer.answer;
  check(a && *a && (*a)->status == 401, "an answer arrives with its status (401 without the key)");
  check(a && *a && (*a)->body.find("invalid_api_key") != std::string::npos, "... and its body");
  check(a && *a && (*a)->header("Content-Type").value_or("").find("application/json") != std::string::npos,
        "... and its headers, found whatever their case");
  check(error_is(refused_connection, kling::errc::connection), "a refused connection is errc::connection");
  check(refused_connection.answer && !*refused_connection.answer &&
            refused_connection.answer->error().request_sent,
        "... which may have left (fetch does not say), so a create would be looked up");
  check(error_is(slow, kling::errc::timeout), "an answer slower than the timeout is errc::timeout");
  check(error_is(abandoned, kling::errc::cancelled), "an abandoned request completes with errc::cancelled");
  for (const auto *x : state->seen)
    check(x->completions == 1, (std::string(x->name) + ": exactly one completion").c_str());
  check(fetch_example::detail::in_flight().out.empty(), "nothing is left in flight");
  const int failures = state->failures;
  emscripten_cancel_main_loop();
  emscripten_force_exit(failures == 0 ? 0 : 1);
}

void frame() {
  ++state->frames;
  if (state->frames == 2) {
    state->abandon(); // out for a frame now, answered only after the slow fault's pause
  }
  bool all_in = true;
  for (const auto *x : state->seen)
    all_in = all_in && x->completions > 0;
  if (!all_in) return;
  state->abandon(); // after its completion: must do nothing
  // One more turn of the event loop, so that a second completion would be seen.
  emscripten_async_call([](void *) { finish(); }, nullptr, 50);
  emscripten_pause_main_loop();
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fetch_transport_test <fake gateway base URL> <its key>\n");
    return 2;
  }
  const std::string origin = argv[1], key = argv[2];
  state = new test_state;
  using std::chrono::milliseconds;
  send(get(origin, "/v1/videos/task_1", "", milliseconds(10000)), &refused_answer);
  send(get("http://127.0.0.1:1", "/v1/videos/task_1", key, milliseconds(10000)), &refused_connection);
  send(get(origin, "/v1/videos/task_1", key, milliseconds(300)), &slow);
  state->abandon = send(get(origin, "/v1/videos/task_2", key, milliseconds(10000)), &abandoned);
  bool none_yet = true;
  for (const auto *x : state->seen)
    none_yet = none_yet && x->completions == 0;
  check(none_yet, "no completion runs inside async_send");
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
