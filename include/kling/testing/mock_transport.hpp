// mock_transport: a transport for tests that answers from a script and
// records every request, so code that uses the client runs without a network.
//
//   kling::basic_client<kling::testing::mock_transport> fake{kling::options{}.api_key("test")};
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
#ifndef KLING_TESTING_MOCK_TRANSPORT_HPP
#define KLING_TESTING_MOCK_TRANSPORT_HPP

#include <cstddef>
#include <cstdint>
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

namespace testing {

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
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->log.push_back(request);
    }
    return answer(request);
  }

  // Asynchronous sends answer from the same script. By default the
  // completion runs at once, inside async_send; after defer_async(true) it
  // waits for complete_pending(), which runs the queued completions on the
  // caller's thread (as an engine's HTTP module would, a few frames later).
  // A deferred request is logged when sent and takes its answer from the
  // script when completed. The returned function abandons it: its completion
  // runs at once with errc::cancelled (no scripted answer is used), and
  // abandoned_count() counts it.
  abandon_request async_send(http_request request, http_completion done) {
    std::uint64_t serial;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->defer) {
        state_->log.push_back(request);
        serial = ++state_->last_serial;
        state_->waiting.push_back({serial, std::move(request), std::move(done)});
      } else {
        serial = 0;
      }
    }
    if (serial == 0) {
      done(send(request));
      return {}; // already answered: nothing to abandon
    }
    std::weak_ptr<state> weak = state_;
    return [weak, serial] {
      auto s = weak.lock();
      if (!s) return;
      http_completion abandoned;
      {
        std::lock_guard<std::mutex> lock(s->mutex);
        for (auto it = s->waiting.begin(); it != s->waiting.end(); ++it) {
          if (it->serial != serial) continue;
          abandoned = std::move(it->done);
          s->waiting.erase(it);
          ++s->abandoned;
          break;
        }
      }
      if (abandoned) abandoned(error{errc::cancelled, "mock_transport: the request was abandoned"});
    };
  }
  mock_transport &defer_async(bool on) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->defer = on;
    return *this;
  }
  // Completes every deferred request; returns how many.
  std::size_t complete_pending() {
    std::deque<deferred_request> batch;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      batch.swap(state_->waiting);
    }
    for (auto &w : batch)
      w.done(answer(w.request));
    return batch.size();
  }
  std::size_t deferred_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->waiting.size();
  }
  // Deferred requests abandoned by their sender.
  std::size_t abandoned_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->abandoned;
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
    state_->abandoned = 0;
  }

private:
  // The next scripted answer (or the handler's) for a request already logged.
  result<http_response> answer(const http_request &request) {
    handler fallback;
    std::optional<scripted> next;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
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

  struct scripted {
    result<http_response> answer;
    std::optional<std::size_t> cut_after; // drop the connection after this many body bytes
  };

  struct deferred_request {
    std::uint64_t serial;
    http_request request;
    http_completion done;
  };

  struct state {
    mutable std::mutex mutex;
    std::deque<scripted> queue;
    std::vector<http_request> log;
    handler fallback;
    bool defer = false;
    std::uint64_t last_serial = 0;
    std::deque<deferred_request> waiting;
    std::size_t abandoned = 0;
  };
  std::shared_ptr<state> state_;
};

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_MOCK_TRANSPORT_HPP
