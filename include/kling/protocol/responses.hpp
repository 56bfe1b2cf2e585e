// Reading the gateway's answers into results: a success status with the
// expected JSON becomes a value; anything else becomes a typed error (P-3,
// P-5) that keeps the HTTP status, the provider's code and an excerpt.
//
// Thread safety: pure functions.
#ifndef KLING_PROTOCOL_RESPONSES_HPP
#define KLING_PROTOCOL_RESPONSES_HPP

#include <string>
#include <utility>
#include <vector>

#include "kling/model/element.hpp"
#include "kling/model/envelope.hpp"
#include "kling/model/task.hpp"
#include "kling/protocol/errors.hpp"
#include "kling/protocol/requests.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

namespace responses_detail {
inline error with_excerpt(error e, const http_response &response) {
  e.http_status = response.status;
  e.body_excerpt = utf8::excerpt(response.body, body_excerpt_bytes);
  return e;
}
} // namespace responses_detail

// The JSON body of a 2xx answer, or the error the answer stands for.
inline result<json> read_json(const http_response &response) {
  if (response.status < 200 || response.status > 299) return error_from_response(response);
  auto body = parse_json(response.body);
  if (!body) {
    return responses_detail::with_excerpt(
        error{errc::parse, "HTTP " + std::to_string(response.status) + " answer is " + body.error().message},
        response);
  }
  return body;
}

// A task from POST /v1/videos or GET /v1/videos/{id}.
inline result<task> read_task(const http_response &response) {
  return read_json(response).and_then([&](const json &body) {
    return parse_task(body).map_error(
        [&](error e) { return responses_detail::with_excerpt(std::move(e), response); });
  });
}

// {code, message, request_id, data}: code 0 gives data read by parse_data;
// any other code is a provider error with the code, message and request id (P-3).
template <class T, class ParseData>
result<envelope<T>> read_envelope(const http_response &response, ParseData parse_data) {
  auto body = read_json(response);
  if (!body) return std::move(body).error();
  field_reader r(*body);
  std::int64_t code = 0;
  const bool has_code = r.integer("code", code);
  envelope<T> out;
  r.text("message", out.message);
  r.text("request_id", out.request_id);
  if (!r.ok()) return responses_detail::with_excerpt(r.failure(), response);
  if (!has_code) {
    return responses_detail::with_excerpt(error{errc::parse, "/code: envelope has no code"}, response);
  }
  if (code != 0) {
    error e{errc::provider,
            out.message.empty() ? "gateway answered code " + std::to_string(code) : out.message};
    e.provider_code = std::to_string(code);
    e.request_id = out.request_id;
    return responses_detail::with_excerpt(std::move(e), response);
  }
  const json *data = r.get("data");
  auto parsed = parse_data(data ? *data : json(), std::string("/data"));
  if (!parsed) return responses_detail::with_excerpt(std::move(parsed).error(), response);
  out.data = std::move(*parsed);
  out.raw = std::move(*body);
  return out;
}

inline result<envelope<element>> read_element(const http_response &response) {
  return read_envelope<element>(response, parse_element);
}

inline result<envelope<page<element>>> read_element_page(const http_response &response,
                                                         const page_request &asked) {
  return read_envelope<page<element>>(response, [&](const json &data, std::string path) {
    return parse_element_list(data, std::move(path)).map([&](std::vector<element> items) {
      page<element> p;
      p.items = std::move(items);
      p.page_num = asked.page_num;
      p.page_size = asked.page_size;
      return p;
    });
  });
}

inline result<envelope<element_deletion>> read_element_deletion(const http_response &response) {
  return read_envelope<element_deletion>(response, parse_element_deletion);
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_RESPONSES_HPP
