// mock_transport: a transport for tests that answers from a script and
// records every request, so code that uses the client runs without a network.
//
//   kling::basic_client<kling::mock_transport> fake{kling::options{}.api_key("test")};
//   fake.transport().respond(200, R"({"id":"task_1","status":"pending"})");
//   auto task = fake.videos().get("task_1");
//   REQUIRE(fake.transport().requests().at(0).path == "/v1/videos/task_1");
//
// Answers come first from the queue (in order), then from the handler if one
// is set; with neither, send returns an error that names the request.
// Copies share one script and one log, so a test may keep a copy and hand
// another to the client.
//
// Thread safety: all members may be called concurrently.
#ifndef KLING_TRANSPORT_MOCK_TRANSPORT_HPP
#define KLING_TRANSPORT_MOCK_TRANSPORT_HPP

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kling/transport/requirements.hpp"
#include "kling/transport/streaming.hpp"

KLING_NAMESPACE_BEGIN

class mock_transport {
public:
  using handler = std::function<result<http_response>(const http_request &)>;

  mock_transport() : state_(std::make_shared<state>()) {}

  // Queues an answer.
  mock_transport &respond(int status, std::string body, http_headers headers = {}) {
    http_response response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    return respond(result<http_response>(std::move(response)));
  }
  mock_transport &respond(result<http_response> answer) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.push_back(scripted{std::move(answer), std::nullopt});
    return *this;
  }
  // Queues an answer whose connection drops after `deliver` bytes of the body
  // (to streaming requests; others just get the connection error).
  mock_transport &respond_truncated(int status, std::string body, std::size_t deliver,
                                    http_headers headers = {}) {
    http_response response;
    response.status = status;
    response.body = std::move(body);
    response.headers = std::move(headers);
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.push_back(scripted{std::move(response), deliver});
    return *this;
  }
  // Queues a transport failure (connection refused, timeout, ...).
  mock_transport &fail(error e) { return respond(result<http_response>(std::move(e))); }

  // Answers every request the queue does not.
  mock_transport &on_request(handler h) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->fallback = std::move(h);
    return *this;
  }

  result<http_response> send(const http_request &request) {
    handler fallback;
    std::optional<scripted> next;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->log.push_back(request);
      if (!state_->queue.empty()) {
        next = std::move(state_->queue.front());
        state_->queue.pop_front();
      } else {
        fallback = state_->fallback;
      }
    }
    if (next) return deliver_body(request, std::move(next->answer), next->cut_after);
    if (fallback) return deliver_body(request, fallback(request));
    return error{errc::connection,
                 "mock_transport: no scripted answer for " + request.method + " " + request.target()};
  }

  // Asynchronous sends answer from the same script. By default the
  // completion runs at once, inside async_send; after defer_async(true) it
  // waits for complete_pending(), which runs the queued completions on the
  // caller's thread (as an engine's HTTP module would, a few frames later).
  void async_send(http_request request, http_completion done) {
    bool deferred;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      deferred = state_->defer;
    }
    if (!deferred) {
      done(send(request));
      return;
    }
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->waiting.emplace_back(std::move(request), std::move(done));
  }
  mock_transport &defer_async(bool on) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->defer = on;
    return *this;
  }
  // Completes every deferred request; returns how many.
  std::size_t complete_pending() {
    std::deque<std::pair<http_request, http_completion>> batch;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      batch.swap(state_->waiting);
    }
    for (auto &w : batch)
      w.second(send(w.first));
    return batch.size();
  }
  std::size_t deferred_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->waiting.size();
  }

  // Every request sent so far, oldest first.
  std::vector<http_request> requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->log;
  }
  std::size_t request_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->log.size();
  }
  // Queued answers not yet used: a test can check its script was consumed.
  std::size_t pending_answers() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->queue.size();
  }
  void reset() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.clear();
    state_->log.clear();
    state_->fallback = nullptr;
    state_->waiting.clear();
  }

private:
  struct scripted {
    result<http_response> answer;
    std::optional<std::size_t> cut_after; // drop the connection after this many body bytes
  };

  struct state {
    mutable std::mutex mutex;
    std::deque<scripted> queue;
    std::vector<http_request> log;
    handler fallback;
    bool defer = false;
    std::deque<std::pair<http_request, http_completion>> waiting;
  };
  std::shared_ptr<state> state_;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_MOCK_TRANSPORT_HPP
