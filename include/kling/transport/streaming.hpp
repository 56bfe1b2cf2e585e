// body_limit: the cap on the size of an answer that is read whole (the
// JSON answers of the gateway). It streams the body through the request's
// receivers, so that a transport that streams stops reading at the limit,
// and also checks a body that a transport collected itself.
//
// deliver_body: for transports that receive an answer whole (an engine's
// HTTP module, a mock, a cassette) but are asked to stream it: hands the
// body to the request's on_head/on_body receivers in pieces, as a network
// transport would, and returns the answer with its body taken out.
//
// Thread safety: a pure function of its arguments (the receivers run on the caller's thread).
#ifndef KLING_TRANSPORT_STREAMING_HPP
#define KLING_TRANSPORT_STREAMING_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kling/core/result.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

// cut_after: deliver only that many bytes, then fail as a dropped connection would.
KLING_FUNCTION_OBJECT deliver_body_function {
  result<http_response> operator()(const http_request &request, result<http_response> answer,
                                   std::optional<std::size_t> cut_after = std::nullopt) const;
};
inline constexpr KLING_FUNCTION_TYPE(deliver_body) deliver_body{};

// Wires a request's body receivers to a buffer of at most max_bytes, and
// turns the transport's answer into the whole answer or an error that names
// the limit. A request that already streams (a download) is left alone: it
// has its own size cap.
class body_limit {
public:
  body_limit() = default;

  KLING_LAZY static body_limit attach(http_request &request, std::uint64_t max_bytes);

  KLING_LAZY result<http_response> finish(result<http_response> answer) const;

private:
  struct state {
    std::uint64_t max_bytes = 0;
    std::string body;
    bool streamed = false;
    bool exceeded = false;
  };

  KLING_LAZY error too_large() const;

  std::shared_ptr<state> state_;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_STREAMING_HPP

#if KLING_DEFINE_HERE && !defined(KLING_TRANSPORT_STREAMING_IPP)
#define KLING_TRANSPORT_STREAMING_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF result<http_response>
KLING_FUNCTION(deliver_body)::operator()(const http_request &request, result<http_response> answer,
                                         std::optional<std::size_t> cut_after) const {
  if (!answer) return answer;
  const std::size_t limit = cut_after ? std::min(*cut_after, answer->body.size()) : answer->body.size();
  if (request.on_body) {
    http_response head = *answer;
    head.body.clear();
    if (request.on_head && !request.on_head(head))
      return error{errc::cancelled, "transfer stopped by the receiver"};
    constexpr std::size_t piece = 16 * 1024;
    for (std::size_t pos = 0; pos < limit; pos += piece) {
      if (!request.on_body(std::string_view(answer->body).substr(pos, std::min(piece, limit - pos)))) {
        return error{errc::cancelled, "transfer stopped by the receiver"};
      }
    }
    answer->body.clear();
  }
  if (cut_after) return error{errc::connection, "connection dropped mid-answer"};
  return answer;
}

KLING_LAZY_DEF body_limit body_limit::attach(http_request &request, std::uint64_t max_bytes) {
  body_limit limit;
  if (request.on_body) return limit;
  limit.state_ = std::make_shared<state>();
  limit.state_->max_bytes = max_bytes;
  // Both receivers, as for a download: a transport may call on_head
  // whenever on_body is set (the README's checklist says so).
  if (!request.on_head) request.on_head = [](const http_response &) { return true; };
  request.on_body = [st = limit.state_](std::string_view piece) {
    if (piece.size() > st->max_bytes - st->body.size()) {
      st->exceeded = true;
      return false;
    }
    st->streamed = true;
    st->body.append(piece);
    return true;
  };
  return limit;
}

KLING_LAZY_DEF result<http_response> body_limit::finish(result<http_response> answer) const {
  if (!state_) return answer;
  if (state_->exceeded) return too_large();
  if (!answer) return answer;
  if (state_->streamed) {
    answer->body = std::move(state_->body);
  } else if (answer->body.size() > state_->max_bytes) { // a transport that ignored the receivers
    return too_large();
  }
  return answer;
}

KLING_LAZY_DEF error body_limit::too_large() const {
  // No HTTP status: the answer was not read, so it is neither retried
  // as a proxy's page nor taken as the gateway's word.
  return error{errc::parse, "the answer's body is larger than " + std::to_string(state_->max_bytes) +
                                " bytes (options::max_response_bytes); stopped reading it"};
}

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_STREAMING_IPP
