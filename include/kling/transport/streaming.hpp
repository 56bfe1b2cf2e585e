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
#include <optional>
#include <string_view>
#include <utility>

#include "kling/core/result.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

// cut_after: deliver only that many bytes, then fail as a dropped connection would.
inline result<http_response> deliver_body(const http_request &request, result<http_response> answer,
                                          std::optional<std::size_t> cut_after = std::nullopt) {
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

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_STREAMING_HPP
