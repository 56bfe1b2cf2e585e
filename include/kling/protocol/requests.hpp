// The HTTP request of every gateway operation, relative to the base URL:
// method, path, query and body. The client adds origin, path prefix,
// authentication and timeouts. No I/O here.
//
// Thread safety: pure functions.
#ifndef KLING_PROTOCOL_REQUESTS_HPP
#define KLING_PROTOCOL_REQUESTS_HPP

#include <string>
#include <string_view>

#include "kling/core/json.hpp"
#include "kling/rules/queries.hpp"
#include "kling/transport/http.hpp"

KLING_NAMESPACE_BEGIN

namespace protocol {

struct page_request {
  int page_num = 1;   // 1..1000 (E-2)
  int page_size = 30; // 1..500 (E-2)
};

// POST /v1/videos with the body as given (validation happens before this).
KLING_FUNCTION_OBJECT create_video_function { http_request operator()(const json &body) const; };
inline constexpr KLING_FUNCTION_TYPE(create_video) create_video{};

// GET /v1/videos/{task_id}[?provider=...]. Also finds a task by its
// external_task_id.
KLING_FUNCTION_OBJECT get_video_function {
  result<http_request> operator()(std::string_view task_id, std::string_view provider = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(get_video) get_video{};

// POST /v1/elements/custom
KLING_FUNCTION_OBJECT create_element_function { http_request operator()(const json &body) const; };
inline constexpr KLING_FUNCTION_TYPE(create_element) create_element{};

// GET /v1/elements/custom?page_num=&page_size=
KLING_FUNCTION_OBJECT list_elements_function {
  result<http_request> operator()(const page_request &page = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(list_elements) list_elements{};

// GET /v1/elements/presets?page_num=&page_size=
KLING_FUNCTION_OBJECT list_preset_elements_function {
  result<http_request> operator()(const page_request &page = {}) const;
};
inline constexpr KLING_FUNCTION_TYPE(list_preset_elements) list_preset_elements{};

// POST /v1/elements/delete {"element_id": "..."}: the id is sent as a string (E-3).
KLING_FUNCTION_OBJECT delete_element_function {
  result<http_request> operator()(std::string_view element_id) const;
};
inline constexpr KLING_FUNCTION_TYPE(delete_element) delete_element{};

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_REQUESTS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_PROTOCOL_REQUESTS_IPP)
#define KLING_PROTOCOL_REQUESTS_IPP

KLING_NAMESPACE_BEGIN

namespace protocol {

namespace requests_detail {

KLING_LAZY http_request json_post(std::string path, const json &body) {
  http_request r;
  r.method = "POST";
  r.path = std::move(path);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = dump_json(body);
  return r;
}

KLING_LAZY result<http_request> page_get(std::string path, const page_request &page) {
  auto violations = rules::check_element_page(page.page_num, page.page_size);
  if (!violations.empty()) return rules::rejection(std::move(violations));
  http_request r;
  r.path = std::move(path);
  r.query = {{"page_num", std::to_string(page.page_num)}, {"page_size", std::to_string(page.page_size)}};
  return r;
}

} // namespace requests_detail

KLING_LAZY_DEF http_request KLING_FUNCTION(create_video)::operator()(const json &body) const {
  return requests_detail::json_post("/v1/videos", body);
}

KLING_LAZY_DEF result<http_request> KLING_FUNCTION(get_video)::operator()(std::string_view task_id,
                                                                          std::string_view provider) const {
  auto violations = rules::check_task_query(task_id, provider);
  if (!violations.empty()) return rules::rejection(std::move(violations));
  http_request r;
  r.path = "/v1/videos/" + percent_encode(task_id);
  if (!provider.empty()) r.query.emplace_back("provider", std::string(provider));
  return r;
}

KLING_LAZY_DEF http_request KLING_FUNCTION(create_element)::operator()(const json &body) const {
  return requests_detail::json_post("/v1/elements/custom", body);
}

KLING_LAZY_DEF result<http_request>
KLING_FUNCTION(list_elements)::operator()(const page_request &page) const {
  return requests_detail::page_get("/v1/elements/custom", page);
}

KLING_LAZY_DEF result<http_request>
KLING_FUNCTION(list_preset_elements)::operator()(const page_request &page) const {
  return requests_detail::page_get("/v1/elements/presets", page);
}

KLING_LAZY_DEF result<http_request>
KLING_FUNCTION(delete_element)::operator()(std::string_view element_id) const {
  auto violations = rules::check_element_delete(element_id);
  if (!violations.empty()) return rules::rejection(std::move(violations));
  return requests_detail::json_post("/v1/elements/delete", json{{"element_id", std::string(element_id)}});
}

} // namespace protocol

KLING_NAMESPACE_END

#endif // KLING_PROTOCOL_REQUESTS_IPP
