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

#include <algorithm>
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
  mock_transport &respond_truncated(int status, std::string body, std::size_t deliver, http_headers headers = {}) {
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
    if (next) return deliver(request, std::move(next->answer), next->cut_after);
    if (fallback) return deliver(request, fallback(request), std::nullopt);
    return error{errc::connection, "mock_transport: no scripted answer for " + request.method +
                                       " " + request.target()};
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
  }

private:
  struct scripted {
    result<http_response> answer;
    std::optional<std::size_t> cut_after; // drop the connection after this many body bytes
  };

  // Hands a streaming request its body in pieces, as a network would.
  static result<http_response> deliver(const http_request &request, result<http_response> answer,
                                       std::optional<std::size_t> cut_after) {
    if (!answer) return answer;
    const std::size_t limit = cut_after ? std::min(*cut_after, answer->body.size()) : answer->body.size();
    if (request.on_body) {
      http_response head = *answer;
      head.body.clear();
      if (request.on_head && !request.on_head(head)) return error{errc::cancelled, "transfer stopped by the receiver"};
      constexpr std::size_t piece = 16 * 1024;
      for (std::size_t pos = 0; pos < limit; pos += piece) {
        if (!request.on_body(std::string_view(answer->body).substr(pos, std::min(piece, limit - pos)))) {
          return error{errc::cancelled, "transfer stopped by the receiver"};
        }
      }
      answer->body.clear();
    }
    if (cut_after) return error{errc::connection, "mock_transport: connection dropped mid-answer"};
    return answer;
  }

  struct state {
    mutable std::mutex mutex;
    std::deque<scripted> queue;
    std::vector<http_request> log;
    handler fallback;
  };
  std::shared_ptr<state> state_;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_MOCK_TRANSPORT_HPP
