// The JavaScript side of fetch_transport.hpp: compile this file once per
// program. The bridge calls globalThis.fetch, which pages and node 18+ both
// have (Emscripten's own Fetch API rides on XMLHttpRequest, which node lacks).
#include "fetch_transport.hpp"

#include <emscripten.h>

#include <limits>

namespace {

// Starts fetch(url, init) and reports back through fetch_example_done. The
// answer waits in a JavaScript table until fetch_example_take copies it into
// buffers the C++ side allocated (so JavaScript never allocates wasm memory).
// failure: 0 an answer, 1 no answer (network down, refused, blocked by CORS),
// 2 the timeout passed, 3 abandoned.
// clang-format off
EM_JS(void, fetch_example_start, (double id, const char *method, const char *url, const char *headers_json,
                                  const char *body, double body_size, double timeout_ms), {
  const table = Module.klingFetches || (Module.klingFetches = new Map());
  const controller = new AbortController();
  const entry = { controller: controller, why: 0, answer: null };
  table.set(id, entry);
  const init = { method: UTF8ToString(method), headers: JSON.parse(UTF8ToString(headers_json)),
                 signal: controller.signal, redirect: 'follow' };
  if (body_size > 0) init.body = HEAPU8.slice(body >>> 0, (body >>> 0) + body_size);
  const timer = setTimeout(function() { entry.why = 2; controller.abort(); }, timeout_ms);
  const finish = function(status, failure, headers, bytes) {
    clearTimeout(timer);
    if (entry.answer) return;
    entry.answer = { headers: new TextEncoder().encode(JSON.stringify(headers)), body: bytes };
    _fetch_example_done(id, status, failure, bytes.length, entry.answer.headers.length);
  };
  fetch(UTF8ToString(url), init).then(function(response) {
    const headers = [];
    response.headers.forEach(function(value, name) { headers.push([name, value]); });
    return response.arrayBuffer().then(function(buffer) {
      return { status: response.status, headers: headers, body: new Uint8Array(buffer) };
    });
  }).then(function(answer) {
    finish(answer.status, 0, answer.headers, answer.body);
  }, function(e) { // only fetch's failures: one thrown by the completion is not taken for one
    finish(0, entry.why || 1, [], new TextEncoder().encode(String(e && e.cause ? e.cause : e)));
  });
});

EM_JS(void, fetch_example_take, (double id, char *body, char *headers), {
  const table = Module.klingFetches;
  const entry = table.get(id);
  table.delete(id);
  HEAPU8.set(entry.answer.body, body >>> 0);
  HEAPU8.set(entry.answer.headers, headers >>> 0);
});

EM_JS(void, fetch_example_abort, (double id), {
  const entry = Module.klingFetches && Module.klingFetches.get(id);
  if (entry && !entry.answer && !entry.why) {
    entry.why = 3;
    entry.controller.abort();
  }
});
// clang-format on

// The answer's headers, sent as JSON [[name, value], ...].
kling::result<kling::http_headers> read_headers(const std::string &text) {
  auto parsed = kling::parse_json(text);
  if (!parsed) return std::move(parsed).error();
  kling::http_headers headers;
  if (!parsed->is_array()) return kling::error{kling::errc::parse, "fetch's headers are not a list"};
  for (const auto &pair : *parsed) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return kling::error{kling::errc::parse, "fetch's headers are not [name, value] pairs"};
    headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return headers;
}

kling::result<kling::http_response> outcome(const kling::http_request &request, int status, int failure,
                                            std::string body, std::string headers) {
  switch (failure) {
  case 0: break;
  case 2:
    return kling::error{kling::errc::timeout, request.method + " " + request.path + ": no answer within " +
                                                  std::to_string(request.timeout.count()) + " ms"};
  case 3: return kling::error{kling::errc::cancelled, "the request was abandoned"};
  default:
    // fetch does not tell a refused connection from one dropped after the
    // request left, so request_sent stays true: a create is then looked up.
    return kling::error{kling::errc::connection, request.method + " " + request.path + ": fetch failed (" +
                                                     kling::utf8::excerpt(body, 200) +
                                                     "; a cross-origin server must allow it with CORS)"};
  }
  auto parsed = read_headers(headers);
  if (!parsed) return std::move(parsed).error();
  kling::http_response response;
  response.status = status;
  response.headers = std::move(*parsed);
  response.body = std::move(body);
  return kling::deliver_body(request, std::move(response));
}

} // namespace

// Called from JavaScript when an exchange ends, on the thread of its event loop.
extern "C" EMSCRIPTEN_KEEPALIVE void fetch_example_done(double id, int status, int failure, double body_size,
                                                        double headers_size) {
  auto &table = fetch_example::detail::in_flight();
  const auto found = table.out.find(static_cast<std::uint64_t>(id));
  const double most = static_cast<double>(std::numeric_limits<std::size_t>::max() / 2);
  std::string body(body_size <= most ? static_cast<std::size_t>(body_size) : 0, '\0');
  std::string headers(headers_size <= most ? static_cast<std::size_t>(headers_size) : 0, '\0');
  fetch_example_take(id, &body[0], &headers[0]); // also forgets the JavaScript side
  if (found == table.out.end()) return;
  fetch_example::detail::exchange x = std::move(found->second);
  table.out.erase(found); // before the completion, which may send again
  x.done(outcome(x.request, status, failure, std::move(body), std::move(headers)));
}

namespace fetch_example::detail {

exchanges &in_flight() {
  static exchanges table;
  return table;
}

void start_fetch(std::uint64_t id, const kling::http_request &request) {
  kling::json headers = kling::json::array();
  for (const auto &h : request.headers)
    headers.push_back(kling::json::array({h.first, h.second}));
  const std::string headers_json = headers.dump(-1, ' ', false, kling::json::error_handler_t::replace);
  const std::string url = request.url();
  fetch_example_start(static_cast<double>(id), request.method.c_str(), url.c_str(), headers_json.c_str(),
                      request.body.data(), static_cast<double>(request.body.size()),
                      static_cast<double>(request.timeout.count()));
}

void abort_fetch(std::uint64_t id) { fetch_example_abort(static_cast<double>(id)); }

} // namespace fetch_example::detail
