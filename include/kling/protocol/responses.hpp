// Reading the gateway's answers into results: a success status with the
// expected JSON becomes a value; anything else becomes a typed error (P-3,
// P-5) that keeps the HTTP status, the provider's code and an excerpt.
//
// Thread safety: pure functions.
#ifndef KLING_PROTOCOL_RESPONSES_HPP
#define KLING_PROTOCOL_RESPONSES_HPP

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/core/boxed.hpp"
#include "kling/model/element.hpp"
#include "kling/model/envelope.hpp"
#include "kling/model/task.hpp"
#include "kling/protocol/errors.hpp"
#include "kling/protocol/requests.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

namespace responses_detail {
KLING_LAZY error with_excerpt(error e, const http_response &response);

// All of an envelope but its data (see read_envelope): code 0 checked, else
// the provider's error; the answer kept whole in raw.
KLING_LAZY result<void> read_envelope_head(const http_response &response, std::string &message,
                                           std::string &request_id, json &raw, response_info &info);

// The envelope's data member; null when it has none.
KLING_LAZY const json &data_of(const json &raw);
} // namespace responses_detail

// What a value read from response keeps of the answer besides its body.
KLING_FUNCTION_OBJECT info_of_function { response_info operator()(const http_response &response) const; };
inline constexpr KLING_FUNCTION_TYPE(info_of) info_of{};

// The JSON body of a 2xx answer, or the error the answer stands for.
KLING_FUNCTION_OBJECT read_json_function { result<json> operator()(const http_response &response) const; };
inline constexpr KLING_FUNCTION_TYPE(read_json) read_json{};

// A task from POST /v1/videos or GET /v1/videos/{id}. The ids the caller
// asked by fill what the answer leaves out (the unified result shape carries
// no id), so every call returns a task that names itself.
KLING_FUNCTION_OBJECT read_task_function {
  result<task> operator()(const http_response &response, std::string_view asked_id = {},
                          std::string_view asked_external_id = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_task) read_task{};

// The provider's code for why a task failed, when its answer carries one.
KLING_FUNCTION_OBJECT failure_code_function { std::string operator()(const json &raw) const; };
inline constexpr KLING_FUNCTION_TYPE(failure_code) failure_code{};

// The outcome of the task in `seen` (which must hold one) once it has
// finished, or is in a state no waiting can change: the task itself when it
// completed, moved out of `seen` (emptied: the outcome now holds it); else
// the error every call reports for it (task_failed with the provider's
// message and code; parse for a status this client does not know), and
// `seen` keeps the task. Asked too early, it moves out a pending or
// processing task as it is.
KLING_FUNCTION_OBJECT outcome_of_function { result<task> operator()(boxed<task> &seen) const; };
inline constexpr KLING_FUNCTION_TYPE(outcome_of) outcome_of{};

// {code, message, request_id, data}: code 0 gives data read by parse_data;
// any other code is a provider error with the code, message and request id (P-3).
template <class T, class ParseData>
result<envelope<T>> read_envelope(const http_response &response, ParseData parse_data) {
  envelope<T> out;
  auto head =
      responses_detail::read_envelope_head(response, out.message, out.request_id, out.raw, out.response);
  if (!head) return std::move(head).error();
  auto parsed = parse_data(responses_detail::data_of(out.raw), std::string("/data"));
  if (!parsed) return responses_detail::with_excerpt(std::move(parsed).error(), response);
  out.data = std::move(*parsed);
  return out;
}

KLING_FUNCTION_OBJECT read_element_function {
  result<envelope<element>> operator()(const http_response &response) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_element) read_element{};

KLING_FUNCTION_OBJECT read_element_page_function {
  result<envelope<page<element>>> operator()(const http_response &response, const page_request &asked) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_element_page) read_element_page{};

KLING_FUNCTION_OBJECT read_element_deletion_function {
  result<envelope<element_deletion>> operator()(const http_response &response) const;
};
inline constexpr KLING_FUNCTION_TYPE(read_element_deletion) read_element_deletion{};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_RESPONSES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_RESPONSES_IPP)
#define KLING_PROTOCOL_RESPONSES_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

namespace responses_detail {

KLING_LAZY_DEF error with_excerpt(error e, const http_response &response) {
  e.http_status = response.status;
  e.body_excerpt = utf8::excerpt(response.body, body_excerpt_bytes);
  return e;
}

KLING_LAZY_DEF result<void> read_envelope_head(const http_response &response, std::string &message,
                                               std::string &request_id, json &raw, response_info &info) {
  auto body = read_json(response);
  if (!body) return std::move(body).error();
  field_reader r(*body);
  std::int64_t code = 0;
  const bool has_code = r.integer("code", code);
  r.text("message", message);
  r.text("request_id", request_id);
  if (!r.ok()) return with_excerpt(r.failure(), response);
  if (!has_code) return with_excerpt(error{errc::parse, "/code: envelope has no code"}, response);
  if (code != 0) {
    error e{errc::provider, message.empty() ? "gateway answered code " + std::to_string(code) : message};
    e.provider_code = std::to_string(code);
    e.request_id = request_id;
    return with_excerpt(std::move(e), response);
  }
  raw = std::move(*body);
  info = info_of(response);
  if (info.request_id.empty()) info.request_id = request_id;
  return {};
}

KLING_LAZY_DEF const json &data_of(const json &raw) {
  static const json none;
  const json *data = find_member(raw, "data");
  return data ? *data : none;
}

} // namespace responses_detail

KLING_LAZY_DEF response_info KLING_FUNCTION(info_of)::operator()(const http_response &response) const {
  response_info info;
  info.http_status = response.status;
  info.headers = response.headers;
  if (auto id = response.header("X-Request-Id")) info.request_id = std::string(*id);
  return info;
}

KLING_LAZY_DEF result<json> KLING_FUNCTION(read_json)::operator()(const http_response &response) const {
  if (response.status < 200 || response.status > 299) return error_from_response(response);
  auto body = parse_json(response.body);
  if (!body) {
    return responses_detail::with_excerpt(
        error{errc::parse, "HTTP " + std::to_string(response.status) + " answer is " + body.error().message},
        response);
  }
  return body;
}

KLING_LAZY_DEF result<task> KLING_FUNCTION(read_task)::operator()(const http_response &response,
                                                                  std::string_view asked_id,
                                                                  std::string_view asked_external_id) const {
  auto body = read_json(response);
  std::string body_request_id;
  if (const json *id = body ? find_member(*body, "request_id") : nullptr; id && id->is_string())
    body_request_id = id->get<std::string>();
  // One result that every path returns, so its move is elided: a task has about 20 members.
  // The parsed answer becomes task::raw, not copied.
  result<task> t = body ? parse_task(std::move(*body)) : result<task>(std::move(body).error());
  if (!t) {
    if (body) t = responses_detail::with_excerpt(std::move(t).error(), response); // JSON, but not a task
    return t;
  }
  if (t->id.empty()) t->id = std::string(asked_id);
  if (t->external_task_id.empty()) t->external_task_id = std::string(asked_external_id);
  t->response = info_of(response);
  if (t->response.request_id.empty()) t->response.request_id = std::move(body_request_id);
  return t;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(failure_code)::operator()(const json &raw) const {
  for (const char *key : {"error_code", "code"}) {
    if (const json *c = find_member(raw, key)) {
      if (c->is_string()) return c->get<std::string>();
      if (c->is_number_integer()) return std::to_string(c->get<long long>());
    }
  }
  return {};
}

KLING_LAZY_DEF result<task> KLING_FUNCTION(outcome_of)::operator()(boxed<task> &seen) const {
  const task &t = *seen;
  switch (t.status) {
  case task_status::failed: {
    error e{errc::task_failed,
            "task " + t.id + " failed" + (t.error_message.empty() ? "" : ": " + t.error_message)};
    e.provider_code = failure_code(t.raw);
    e.request_id = t.response.request_id;
    return e;
  }
  case task_status::unknown:
    return error{errc::parse, "task " + t.id + " reports status \"" + t.status_text +
                                  "\", which this client does not know; stopped waiting"};
  case task_status::completed:
  case task_status::pending:
  case task_status::processing: break;
  }
  result<task> done(std::move(*seen));
  seen.reset();
  return done;
}

KLING_LAZY_DEF result<envelope<element>>
KLING_FUNCTION(read_element)::operator()(const http_response &response) const {
  return read_envelope<element>(response, parse_element);
}

KLING_LAZY_DEF result<envelope<page<element>>>
KLING_FUNCTION(read_element_page)::operator()(const http_response &response,
                                              const page_request &asked) const {
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

KLING_LAZY_DEF result<envelope<element_deletion>>
KLING_FUNCTION(read_element_deletion)::operator()(const http_response &response) const {
  return read_envelope<element_deletion>(response, parse_element_deletion);
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_RESPONSES_IPP
