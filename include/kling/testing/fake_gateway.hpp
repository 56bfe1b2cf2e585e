// fake_gateway: the Kling gateway in miniature, a real HTTP server on
// loopback that implements the whole contract, for tests and offline demos.
//
//   kling::testing::fake_gateway gateway;              // port chosen by the system
//   if (!gateway.start()) ...;
//   kling::client client{kling::options{}.base_url(gateway.base_url()).api_key(gateway.api_key())};
//   auto task = client.videos().create_and_wait(request);   // pending -> processing -> completed
//   CHECK(gateway.tasks_created() == 1);
//
// What it does: POST/GET /v1/videos for every route (requests checked by the
// same rules as the client: a bad one gets 400 with the violations), the
// task life cycle on a schedule counted in polls or in time, finished tasks
// in the flat or the unified shape, duplicate external_task_id refused (409),
// lookup by external_task_id, the element library with paging, and the
// result video served at its URL (with Range support, without credentials).
// Authorization: Bearer <api_key> is required everywhere else (401).
//
// The worst the gateway's document allows is there as options: duplicate
// external_task_ids accepted (each create is a new paid task) and lookups by
// external_task_id that answer 404 for a while after the task was created
// (an index that lags).
//
// Faults can be injected for the next requests that match, or at a rate:
// 429 with a provider code and Retry-After, 5xx with an HTML page, the
// answer to a create lost after the task was created (connection dropped,
// too slow, or a 5xx), a slow answer, a body that is not JSON. A log and
// counters (tasks per external_task_id: the paid tasks) let tests assert what happened.
//
// Thread safety: all members may be called from any thread while it runs;
// the server answers on threads of its own (the library proper never does).
#ifndef KLING_TESTING_FAKE_GATEWAY_HPP
#define KLING_TESTING_FAKE_GATEWAY_HPP

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "kling/core/json.hpp"
#include "kling/core/json_reader.hpp"
#include "kling/core/numbers.hpp"
#include "kling/core/random.hpp"
#include "kling/core/time.hpp"
#include "kling/protocol/webhooks.hpp"
#include "kling/rules/validate.hpp"
#include "kling/testing/sample_media.hpp"

KLING_NAMESPACE_BEGIN

namespace testing {

enum class fault_kind {
  rate_limit,         // 429 with provider_code (default 1302) and Retry-After
  truncate,           // a result video: half of it is sent, then the connection drops
  server_error,       // status (default 502) with an HTML page
  drop_after_create,  // a create: the task is created, then the connection drops before the answer
  drop,               // the connection drops before the request is handled
  slow,               // the answer comes after `delay`
  slow_after_create,  // a create: the task is created, then the answer comes after `delay`
  error_after_create, // a create: the task is created, then `status` (default 502) with an HTML page
  not_json,           // 200 with an HTML page instead of JSON
  trickle,            // the answer is written in pieces of `piece_bytes`, `delay` apart
};

struct fault {
  fault_kind kind = fault_kind::server_error;
  int status = 0;                     // server_error: 502 when 0
  std::string provider_code = "1302"; // rate_limit
  int retry_after_seconds = 1;        // rate_limit (0: no header)
  std::chrono::milliseconds delay{0}; // slow, trickle (between pieces)
  std::size_t piece_bytes = 1024;     // trickle

  static fault rate_limited(std::string code = "1302", int retry_after = 1) {
    fault f;
    f.kind = fault_kind::rate_limit;
    f.provider_code = std::move(code);
    f.retry_after_seconds = retry_after;
    return f;
  }
  static fault server(int status = 502) {
    fault f;
    f.status = status;
    return f;
  }
  static fault dropped_after_create() { return of(fault_kind::drop_after_create); }
  static fault slow_after_create(std::chrono::milliseconds d) {
    fault f = of(fault_kind::slow_after_create);
    f.delay = d;
    return f;
  }
  static fault server_after_create(int status = 502) {
    fault f = of(fault_kind::error_after_create);
    f.status = status;
    return f;
  }
  static fault dropped() { return of(fault_kind::drop); }
  static fault slow_answer(std::chrono::milliseconds d) {
    fault f = of(fault_kind::slow);
    f.delay = d;
    return f;
  }
  static fault html_body() { return of(fault_kind::not_json); }
  static fault truncated() { return of(fault_kind::truncate); }
  // The whole answer arrives, slowly: a client must take it piece by piece
  // (and a process can be stopped in the middle of a download).
  static fault trickled(std::chrono::milliseconds between_pieces, std::size_t piece_bytes = 1024) {
    fault f = of(fault_kind::trickle);
    f.delay = between_pieces;
    f.piece_bytes = piece_bytes ? piece_bytes : 1;
    return f;
  }

private:
  static fault of(fault_kind k) {
    fault f;
    f.kind = k;
    return f;
  }
};

// Which requests a fault applies to: a method ("" any) and a path prefix.
struct request_match {
  std::string method;
  std::string path_prefix = "/v1/";

  static request_match creates() { return {"POST", "/v1/videos"}; }
  static request_match polls() { return {"GET", "/v1/videos/"}; }
  static request_match downloads() { return {"GET", "/files/"}; }
  static request_match any() { return {"", "/"}; }

  bool matches(const std::string &m, const std::string &path) const {
    return (method.empty() || method == m) && path.compare(0, path_prefix.size(), path_prefix) == 0;
  }
};

struct fake_gateway_options {
  std::string api_key = "fake-gateway-key";
  std::string host = "127.0.0.1";
  int port = 0; // 0: the system chooses
  // The life cycle, counted in polls of each task (GET /v1/videos/{id})...
  int polls_while_pending = 1;    // answers "pending" this many times
  int polls_while_processing = 2; // then "processing" this many times, then finished
  // ... or, when set, in time since the task was created.
  std::optional<std::chrono::milliseconds> pending_for;
  std::optional<std::chrono::milliseconds> processing_for;
  bool unified_shape = false; // finished tasks as {created, data[], usage, ...} instead of the flat shape
  // Tasks whose prompt contains this text fail (content policy) instead of completing.
  std::string fail_when_prompt_contains = "[fail]";
  bool check_requests = true; // answer 400 with the violations of the rules layer
  // The document asks the user to keep external_task_id unique and does not
  // say the gateway refuses a repeat; false: a repeat creates another paid task.
  bool refuse_duplicate_external_ids = true;
  // The document says a task can be found by external_task_id, not how soon:
  // a lookup by it answers 404 for the first this-many lookups of a task...
  int lookup_lag_lookups = 0;
  // ... and until this long after the task was created.
  std::chrono::milliseconds lookup_lag{0};
  // Tasks created with a callback_url are POSTed there on every change of
  // status, signed as Standard Webhooks when this secret ("whsec_...") is set.
  std::string webhook_secret;
  std::string video = sample_mp4(); // the bytes served at every result URL
};

// One request as the gateway saw it.
struct logged_request {
  std::string method;
  std::string path;
  int status = 0;    // 0: the connection was dropped
  std::string fault; // the injected fault, if any
};

class fake_gateway {
public:
  fake_gateway() : fake_gateway(fake_gateway_options{}) {}
  explicit fake_gateway(fake_gateway_options options) : state_(std::make_shared<state>(std::move(options))) {}
  fake_gateway(const fake_gateway &) = delete;
  fake_gateway &operator=(const fake_gateway &) = delete;
  ~fake_gateway() { stop(); }

  // Binds and starts answering on a thread of the server's own.
  result<void> start() {
    if (thread_.joinable()) return {};
    auto &s = *state_;
    routes(server_);
    serve_like_a_gateway(server_);
    const int port = s.options.port == 0
                         ? server_.bind_to_any_port(s.options.host)
                         : (server_.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1);
    if (port <= 0) {
      return error{errc::connection,
                   "fake_gateway: cannot listen on " + s.options.host + ":" + std::to_string(s.options.port)};
    }
    port_ = port;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stopping_ = false;
    notifier_ = std::thread([this] { notify_loop(); });
    return {};
  }

  void stop() {
    stopping_ = true;
    if (notifier_.joinable()) notifier_.join();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::string base_url() const { return "http://" + state_->options.host + ":" + std::to_string(port_); }
  const std::string &api_key() const { return state_->options.api_key; }

  // The next `count` requests that match get the fault.
  void inject(const fault &f, const request_match &match = request_match::any(), int count = 1) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->faults.push_back(planned_fault{f, match, count, 0.0, 0, 0});
  }
  // Each matching request gets the fault with this probability (a fixed,
  // seeded sequence: runs are repeatable).
  void inject_rate(const fault &f, double probability, const request_match &match = request_match::any()) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->faults.push_back(planned_fault{f, match, -1, probability, 0, 0});
  }
  // Every n-th matching request gets the fault (2: every other one).
  void inject_every(const fault &f, int n, const request_match &match = request_match::any()) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->faults.push_back(planned_fault{f, match, -2, 0.0, n < 1 ? 1 : n, 0});
  }
  void clear_faults() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->faults.clear();
  }

  // ---- what happened -------------------------------------------------------------
  std::vector<logged_request> log() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->log;
  }
  std::size_t requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->log.size();
  }
  // Tasks created (paid for), in all and for one external_task_id.
  std::size_t tasks_created() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->tasks.size();
  }
  std::size_t tasks_created_for(const std::string &external_task_id) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    std::size_t n = 0;
    for (const auto &t : state_->tasks)
      n += t.second.external_id == external_task_id;
    return n;
  }
  // Tasks created per external_task_id ("" for tasks without one): more than
  // one under a key means a request was paid for twice.
  std::map<std::string, std::size_t> tasks_per_external_id() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return count_per_external_id();
  }
  // The JSON body of every create the gateway accepted, in order.
  std::vector<json> created_requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    std::vector<json> out;
    for (const auto &id : state_->order)
      out.push_back(state_->tasks.at(id).request);
    return out;
  }

  // {"requests", "tasks_created", "tasks_per_external_task_id": {id: count}, "tasks": [{id,
  // external_task_id, status}], "log": [{method, path, status, fault}]}
  json stats() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    json tasks = json::array(), log = json::array();
    for (const auto &id : state_->order) {
      const auto &t = state_->tasks.at(id);
      tasks.push_back({{"id", t.id}, {"external_task_id", t.external_id}, {"status", status_of(t)}});
    }
    for (const auto &r : state_->log) {
      log.push_back({{"method", r.method}, {"path", r.path}, {"status", r.status}, {"fault", r.fault}});
    }
    json per_external_id = json::object();
    for (const auto &entry : count_per_external_id())
      per_external_id[entry.first] = entry.second;
    return json{{"requests", state_->log.size()},
                {"tasks_created", state_->tasks.size()},
                {"tasks_per_external_task_id", per_external_id},
                {"tasks", tasks},
                {"log", log}};
  }

private:
  struct task_record {
    std::string id;
    std::string external_id;
    std::string callback_url;
    std::string notified_status; // the last status sent to callback_url
    json request;
    std::string model;
    bool fails = false;
    int polls = 0;
    int external_lookups = 0; // lookups by external_task_id, for the lag
    std::chrono::steady_clock::time_point created;
    std::int64_t created_unix = 0;
    std::string completed_at; // set when first answered completed, then the same in every answer
  };
  struct planned_fault {
    fault what;
    request_match match;
    int remaining; // -1: by rate, -2: every n-th
    double probability;
    int every;
    int seen;
  };
  struct state {
    explicit state(fake_gateway_options o) : options(std::move(o)) {}
    fake_gateway_options options;
    mutable std::mutex mutex;
    std::map<std::string, task_record> tasks;
    std::vector<std::string> order;
    std::map<std::string, json> elements; // custom, by id
    std::uint64_t next_element_id = 842130978230767622ull;
    std::vector<logged_request> log;
    std::vector<planned_fault> faults;
    splitmix64 random{0x2545F4914F6CDD1Dull}; // repeatable: the same faults on every run
  };

  // ---- helpers (called with the mutex held where they touch state) -------------

  std::map<std::string, std::size_t> count_per_external_id() const {
    std::map<std::string, std::size_t> out;
    for (const auto &t : state_->tasks)
      ++out[t.second.external_id];
    return out;
  }

  // Every JSON answer names itself, as the gateway's request ids do.
  static void reply_json(httplib::Response &res, int status, const json &body) {
    static std::atomic<std::uint64_t> answered{0};
    res.status = status;
    res.set_header("X-Request-Id", "fake-req-" + std::to_string(++answered));
    res.set_content(dump_json(body), "application/json");
  }
  static json gateway_error(const std::string &message, const std::string &code) {
    return json{{"error", {{"message", message}, {"code", code}, {"type", "invalid_request_error"}}}};
  }
  static std::string now_iso() {
    return format_iso8601(
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
  }

  void record(const httplib::Request &req, int status, const std::string &fault_name = "") {
    // A trickle still pending is applied to this answer after its handler.
    const bool trickled = fault_name.empty() && pending_fault_ && pending_fault_->kind == fault_kind::trickle;
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->log.push_back(logged_request{req.method, req.path, status, trickled ? "trickle" : fault_name});
  }

  // The fault for this request, if one is planned.
  std::optional<fault> take_fault(const httplib::Request &req) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto &faults = state_->faults;
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (!it->match.matches(req.method, req.path)) continue;
      if (it->remaining == -2) {
        if (++it->seen % it->every == 0) return it->what;
        continue;
      }
      if (it->remaining < 0) {
        if (state_->random.unit() < it->probability) return it->what;
        continue;
      }
      fault f = it->what;
      if (--it->remaining == 0) faults.erase(it);
      return f;
    }
    return std::nullopt;
  }

  static const char *fault_name(fault_kind k) {
    switch (k) {
    case fault_kind::rate_limit: return "rate_limit";
    case fault_kind::server_error: return "server_error";
    case fault_kind::drop_after_create: return "drop_after_create";
    case fault_kind::drop: return "drop";
    case fault_kind::slow: return "slow";
    case fault_kind::slow_after_create: return "slow_after_create";
    case fault_kind::error_after_create: return "error_after_create";
    case fault_kind::not_json: return "not_json";
    case fault_kind::truncate: return "truncate";
    case fault_kind::trickle: return "trickle";
    }
    return "fault";
  }

  // Ends the answer half-way: the client sees the connection close.
  static void drop_connection(httplib::Response &res) {
    res.set_content_provider(1000, "application/json",
                             [](std::size_t, std::size_t, httplib::DataSink &) { return false; });
  }

  // Writes an answer's body in pieces, slowly.
  static void trickle(httplib::Response &res, const fault &f) {
    auto body = std::make_shared<const std::string>(std::move(res.body));
    res.body.clear();
    const std::string type = res.get_header_value("Content-Type");
    res.headers.erase("Content-Type"); // set again below, once
    res.set_content_provider(body->size(), type.empty() ? "application/json" : type.c_str(),
                             [body, f](std::size_t offset, std::size_t length, httplib::DataSink &sink) {
                               if (offset > 0) std::this_thread::sleep_for(f.delay);
                               return sink.write(body->data() + offset, std::min({length, f.piece_bytes}));
                             });
  }

  // A proxy's error page: status (502 when 0) with HTML.
  static void error_page(httplib::Response &res, int status) {
    res.status = status ? status : 502;
    res.set_content("<html><body><h1>" + std::to_string(res.status) + " Bad Gateway</h1></body></html>",
                    "text/html");
  }

  // Applies a fault that answers instead of the handler; true when it did.
  bool apply_fault(const httplib::Request &req, httplib::Response &res, const fault &f) {
    switch (f.kind) {
    case fault_kind::rate_limit: {
      if (f.retry_after_seconds > 0) res.set_header("Retry-After", std::to_string(f.retry_after_seconds));
      const bool numeric = !f.provider_code.empty() && f.provider_code.size() < 10 &&
                           f.provider_code.find_first_not_of("0123456789") == std::string::npos;
      reply_json(
          res, 429,
          json{{"code", numeric ? json(numbers::parse_integer<std::int64_t>(f.provider_code).value_or(0))
                                : json(f.provider_code)},
               {"message", "rate limited (injected)"}});
      break;
    }
    case fault_kind::server_error: error_page(res, f.status); break;
    case fault_kind::drop: drop_connection(res); break;
    case fault_kind::not_json:
      res.status = 200;
      res.set_content("<html><body>maintenance</body></html>", "text/html");
      break;
    case fault_kind::slow: std::this_thread::sleep_for(f.delay); return false; // then answers normally
    case fault_kind::drop_after_create:
    case fault_kind::slow_after_create:
    case fault_kind::error_after_create:
    case fault_kind::truncate:
    case fault_kind::trickle: return false; // handled by the create and the file handlers, or after them
    }
    record(req, f.kind == fault_kind::drop ? 0 : res.status, fault_name(f.kind));
    return true;
  }

  bool authorized(const httplib::Request &req) const {
    return req.get_header_value("Authorization") == "Bearer " + state_->options.api_key;
  }

  // ---- the contract ---------------------------------------------------------------

  using handler = void (fake_gateway::*)(const httplib::Request &, httplib::Response &);

  // Every route goes through here once its body has been read: the key is
  // checked (except for result files, served like a CDN), then a planned
  // fault may answer instead of the handler.
  httplib::Server::Handler guarded(handler h, bool needs_key = true) {
    return [this, h, needs_key](const httplib::Request &req, httplib::Response &res) {
      pending_fault_.reset();
      if (needs_key && !authorized(req)) {
        reply_json(res, 401, gateway_error("invalid or missing API key", "invalid_api_key"));
        return record(req, 401);
      }
      if (auto f = take_fault(req)) {
        if (f->kind == fault_kind::drop_after_create || f->kind == fault_kind::slow_after_create ||
            f->kind == fault_kind::error_after_create || f->kind == fault_kind::truncate ||
            f->kind == fault_kind::trickle) {
          pending_fault_ = f;
        }
        if (apply_fault(req, res, *f)) return;
      }
      (this->*h)(req, res);
      // A trickle the handler did not take (every answer but a result file) slows its body.
      if (auto left = std::exchange(pending_fault_, std::nullopt); left && left->kind == fault_kind::trickle)
        trickle(res, *left);
    };
  }

  // cpp-httplib's defaults starve concurrent clients: 8 threads, each held
  // by a keep-alive connection until 5 requests or 5 idle seconds have
  // passed (a ninth caller waits for one), and Nagle's algorithm holding back
  // the body behind the headers until the peer's delayed ACK (~40 ms an answer).
  static void serve_like_a_gateway(httplib::Server &server) {
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server.set_keep_alive_max_count(1000);
    server.set_keep_alive_timeout(2);
    server.set_tcp_nodelay(true);
    // One gateway per port: cpp-httplib's default (SO_REUSEPORT) lets a second
    // server bind the same port and take part of the first one's requests.
    server.set_socket_options([](auto sock) { // a socket_t, which cpp-httplib declares globally
      int yes = 1;
#ifdef _WIN32
      setsockopt(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char *>(&yes), sizeof(yes));
#else
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
#endif
    });
  }

  void routes(httplib::Server &server) {
    // For black-box tests (kling serve): what the gateway has seen, as JSON.
    server.Get("/_fake/stats",
               [this](const httplib::Request &, httplib::Response &res) { reply_json(res, 200, stats()); });
    server.Post("/v1/videos", guarded(&fake_gateway::create_task));
    server.Get(R"(/v1/videos/([^/]+))", guarded(&fake_gateway::get_task));
    server.Post("/v1/elements/custom", guarded(&fake_gateway::create_element));
    server.Get("/v1/elements/custom", guarded(&fake_gateway::list_custom_elements));
    server.Get("/v1/elements/presets", guarded(&fake_gateway::list_preset_elements));
    server.Post("/v1/elements/delete", guarded(&fake_gateway::delete_element));
    server.Get(R"(/files/([^/]+)\.mp4)", guarded(&fake_gateway::serve_file, false));
    server.set_error_handler([this](const httplib::Request &req, httplib::Response &res) {
      if (res.status != 404 || !res.body.empty()) return; // answered by a handler, already logged
      reply_json(res, 404, gateway_error("no such endpoint", "not_found"));
      record(req, 404);
    });
  }

  void list_custom_elements(const httplib::Request &req, httplib::Response &res) {
    list_elements(req, res, false);
  }
  void list_preset_elements(const httplib::Request &req, httplib::Response &res) {
    list_elements(req, res, true);
  }

  void create_task(const httplib::Request &req, httplib::Response &res) {
    const std::optional<fault> planned = std::exchange(pending_fault_, std::nullopt);
    auto body = parse_json(req.body);
    if (!body || !body->is_object()) {
      reply_json(res, 400, gateway_error("the body is not a JSON object", "invalid_request"));
      return record(req, 400);
    }
    if (state_->options.check_requests) {
      const auto report = rules::validate(*body);
      if (!report.valid()) {
        json e = gateway_error(report.violations.front().rule + " " + report.violations.front().field + ": " +
                                   report.violations.front().message,
                               "invalid_request");
        for (const auto &v : report.violations) {
          e["error"]["violations"].push_back({{"rule", v.rule}, {"field", v.field}, {"message", v.message}});
        }
        reply_json(res, 400, e);
        return record(req, 400);
      }
    }
    task_record t;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (const json *ext = find_member(*body, "external_task_id"); ext && ext->is_string()) {
        t.external_id = ext->get<std::string>();
        for (const auto &existing : state_->tasks) {
          if (state_->options.refuse_duplicate_external_ids && !t.external_id.empty() &&
              existing.second.external_id == t.external_id) {
            reply_json(
                res, 409,
                gateway_error("duplicate external_task_id: " + t.external_id, "duplicate_external_task_id"));
            state_->log.push_back(logged_request{req.method, req.path, 409, ""});
            return;
          }
        }
      }
      t.id = "task_" + std::to_string(state_->tasks.size() + 1);
      t.request = *body;
      if (const json *cb = find_member(*body, "callback_url"); cb && cb->is_string())
        t.callback_url = cb->get<std::string>();
      std::string prompt;
      field_reader fields(*body);
      fields.text("model", t.model);
      fields.text("prompt", prompt); // wrong types were refused by the rules, or are ignored here
      t.fails = !state_->options.fail_when_prompt_contains.empty() &&
                prompt.find(state_->options.fail_when_prompt_contains) != std::string::npos;
      t.created = std::chrono::steady_clock::now();
      t.created_unix = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      state_->tasks[t.id] = t;
      state_->order.push_back(t.id);
    }
    // The task exists now; a planned fault loses its answer.
    if (planned && planned->kind == fault_kind::drop_after_create) {
      drop_connection(res);
      return record(req, 0, fault_name(planned->kind));
    }
    if (planned && planned->kind == fault_kind::error_after_create) {
      error_page(res, planned->status);
      return record(req, res.status, fault_name(planned->kind));
    }
    if (planned && planned->kind == fault_kind::slow_after_create)
      std::this_thread::sleep_for(planned->delay);
    json answer{{"id", t.id}, {"status", "pending"}, {"created_at", now_iso()}, {"model", t.model}};
    if (!t.external_id.empty()) answer["external_task_id"] = t.external_id;
    reply_json(res, 200, answer);
    record(req, 200, planned ? fault_name(planned->kind) : "");
  }

  void get_task(const httplib::Request &req, httplib::Response &res) {
    const std::string key = req.matches[1];
    json answer;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      task_record *t = nullptr;
      if (auto by_id = state_->tasks.find(key); by_id != state_->tasks.end()) t = &by_id->second;
      for (std::size_t i = 0; !t && i < state_->order.size(); ++i) { // the first with that external id
        task_record &candidate = state_->tasks.at(state_->order[i]);
        if (!candidate.external_id.empty() && candidate.external_id == key) t = &candidate;
      }
      if (t && t->id != key && !found_by_external_id(*t)) t = nullptr; // not indexed yet
      if (!t) {
        reply_json(res, 404, gateway_error("task not found: " + key, "not_found"));
        state_->log.push_back(logged_request{req.method, req.path, 404, ""});
        return;
      }
      ++t->polls;
      answer = describe(*t);
    }
    reply_json(res, 200, answer);
    record(req, 200);
  }

  // Whether a lookup by external_task_id finds the task yet (the lag option).
  bool found_by_external_id(task_record &t) const {
    const auto &o = state_->options;
    const bool lagging = t.external_lookups < o.lookup_lag_lookups ||
                         std::chrono::steady_clock::now() - t.created < o.lookup_lag;
    ++t.external_lookups;
    return !lagging;
  }

  std::string status_of(const task_record &t) const {
    const auto &o = state_->options;
    if (o.pending_for || o.processing_for) {
      const auto age = std::chrono::steady_clock::now() - t.created;
      const auto pending = o.pending_for.value_or(std::chrono::milliseconds(0));
      if (age < pending) return "pending";
      if (age < pending + o.processing_for.value_or(std::chrono::milliseconds(0))) return "processing";
    } else {
      if (t.polls <= o.polls_while_pending) return "pending";
      if (t.polls <= o.polls_while_pending + o.polls_while_processing) return "processing";
    }
    return t.fails ? "failed" : "completed";
  }

  json describe(task_record &t) const {
    const std::string status = status_of(t);
    const std::string created = format_iso8601(from_unix_seconds(t.created_unix));
    json out{{"id", t.id}, {"status", status}, {"created_at", created}, {"model", t.model}};
    if (!t.external_id.empty()) out["external_task_id"] = t.external_id;
    if (status == "failed") {
      out["error"] = "content policy: the prompt was refused (fake gateway)";
      return out;
    }
    if (status != "completed") return out;
    const std::string url = base_url() + "/files/" + t.id + ".mp4";
    if (state_->options.unified_shape) {
      return json{{"created", t.created_unix},
                  {"data",
                   {{{"url", url},
                     {"duration", 5.0},
                     {"width", 1280},
                     {"height", 720},
                     {"cover_url", base_url() + "/files/" + t.id + "-cover.jpg"}}}},
                  {"usage",
                   {{"total_tokens", 0},
                    {"input_tokens", 0},
                    {"output_tokens", 0},
                    {"video_count", 1},
                    {"duration_seconds", 5.0}}},
                  {"provider", "fake"},
                  {"model", t.model},
                  {"origin_data", {{"task_id", t.id}, {"external_task_id", t.external_id}}}};
    }
    if (t.completed_at.empty()) t.completed_at = now_iso();
    out["completed_at"] = t.completed_at;
    out["video_url"] = url;
    out["usage"] = {{"seconds", 5.0}, {"video_count", 1}, {"size", "1280*720"}};
    out["raw_response"] = {{"task_id", t.id}, {"task_status", "succeed"}};
    return out;
  }

  // The result video; cpp-httplib answers Range requests itself.
  void serve_file(const httplib::Request &req, httplib::Response &res) {
    const std::optional<fault> planned = std::exchange(pending_fault_, std::nullopt);
    const bool truncate = planned && planned->kind == fault_kind::truncate;
    const std::optional<fault> trickle =
        planned && planned->kind == fault_kind::trickle ? planned : std::optional<fault>();
    auto video = std::make_shared<const std::string>(state_->options.video);
    const std::size_t cut = video->size() / 2;
    res.set_content_provider(
        video->size(), "video/mp4",
        [video, truncate, trickle, cut](std::size_t offset, std::size_t length, httplib::DataSink &sink) {
          if (truncate && offset >= cut) return false;
          std::size_t n = truncate ? std::min(length, cut - offset) : length;
          if (trickle) {
            std::this_thread::sleep_for(trickle->delay);
            n = std::min(n, trickle->piece_bytes);
          }
          sink.write(video->data() + offset, n);
          return !truncate || offset + n < cut;
        });
    record(req, req.ranges.empty() ? 200 : 206, truncate ? "truncate" : trickle ? "trickle" : "");
  }

  // ---- elements ---------------------------------------------------------------------

  static json envelope(json data) {
    return json{
        {"code", 0}, {"message", "success"}, {"request_id", "fake-request"}, {"data", std::move(data)}};
  }

  void create_element(const httplib::Request &req, httplib::Response &res) {
    auto body = parse_json(req.body);
    const auto report = body ? rules::validate_element(*body) : rules::report{};
    if (!body || !report.valid()) {
      reply_json(res, 200,
                 json{{"code", 1201},
                      {"message", body ? report.violations.front().message : "not JSON"},
                      {"request_id", "fake-request"},
                      {"data", nullptr}});
      return record(req, 200);
    }
    json element;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      const std::uint64_t id = state_->next_element_id++;
      element = *body;
      element["element_id"] = id;
      element["owned_by"] = "user";
      json tags = json::array();
      if (body->contains("tag_list")) {
        for (const auto &t : (*body)["tag_list"]) {
          const json *id = find_member(t, "tag_id");
          tags.push_back({{"id", id ? *id : json("")}, {"name", "tag"}, {"description", ""}});
        }
      }
      element["tag_list"] = tags;
      state_->elements[std::to_string(id)] = element;
    }
    reply_json(res, 200, envelope(element));
    record(req, 200);
  }

  void list_elements(const httplib::Request &req, httplib::Response &res, bool presets) {
    const auto number = [&](const char *name, int fallback) {
      const std::string v = req.get_param_value(name);
      if (v.empty()) return fallback;
      return numbers::parse_integer<int>(v).value_or(-1);
    };
    const int page = number("page_num", 1), size = number("page_size", 30);
    if (page < 1 || page > 1000 || size < 1 || size > 500) {
      reply_json(res, 200,
                 json{{"code", 1200},
                      {"message", "page_num 1..1000, page_size 1..500"},
                      {"request_id", "fake-request"},
                      {"data", nullptr}});
      return record(req, 200);
    }
    json all = json::array();
    if (presets) {
      for (int i = 1; i <= 3; ++i) {
        all.push_back({{"element_id", i},
                       {"element_name", "preset " + std::to_string(i)},
                       {"element_description", "an official element"},
                       {"element_frontal_image", base_url() + "/files/preset-" + std::to_string(i) + ".jpg"},
                       {"element_refer_list", json::array()},
                       {"tag_list", json::array()},
                       {"owned_by", "kling"}});
      }
    } else {
      std::lock_guard<std::mutex> lock(state_->mutex);
      for (const auto &e : state_->elements)
        all.push_back(e.second);
    }
    json items = json::array();
    const std::size_t first = static_cast<std::size_t>(page - 1) * static_cast<std::size_t>(size);
    for (std::size_t i = first; i < all.size() && i < first + static_cast<std::size_t>(size); ++i)
      items.push_back(all[i]);
    reply_json(res, 200, envelope(items));
    record(req, 200);
  }

  void delete_element(const httplib::Request &req, httplib::Response &res) {
    auto body = parse_json(req.body);
    const json *id = body ? find_member(*body, "element_id") : nullptr;
    std::size_t erased = 0;
    if (id && id->is_string()) {
      std::lock_guard<std::mutex> lock(state_->mutex);
      erased = state_->elements.erase(id->get<std::string>());
    }
    if (!erased) {
      reply_json(res, 200,
                 json{{"code", 1201},
                      {"message", "no such custom element"},
                      {"request_id", "fake-request"},
                      {"data", nullptr}});
      return record(req, 200);
    }
    reply_json(res, 200,
               envelope({{"task_id", "delete-" + id->get<std::string>()}, {"task_status", "succeed"}}));
    record(req, 200);
  }

  // Sends callbacks for tasks whose status changed, every 50 ms.
  void notify_loop() {
    int sequence = 0;
    while (!stopping_) {
      std::vector<std::pair<std::string, json>> due; // callback_url, task
      {
        std::lock_guard<std::mutex> lock(state_->mutex);
        for (auto &entry : state_->tasks) {
          task_record &t = entry.second;
          if (t.callback_url.empty()) continue;
          const std::string status = status_of(t);
          if (status == t.notified_status) continue;
          t.notified_status = status;
          due.emplace_back(t.callback_url, describe(t));
        }
      }
      for (const auto &d : due)
        send_callback(d.first, d.second, "msg_" + std::to_string(++sequence));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void send_callback(const std::string &url, const json &task, const std::string &message_id) {
    auto target = parse_url(url);
    if (!target || target->scheme != "http") return; // the fake sends to plain-http receivers only
    httplib::Client client(target->origin());
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(2));
    client.set_tcp_nodelay(true);
    const std::string body = dump_json(task);
    httplib::Headers headers;
    if (!state_->options.webhook_secret.empty()) {
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      headers.emplace("webhook-id", message_id);
      headers.emplace("webhook-timestamp", std::to_string(now));
      headers.emplace("webhook-signature",
                      webhooks::sign(state_->options.webhook_secret, message_id, now, body));
    }
    const std::string path =
        (target->path.empty() ? "/" : target->path) + (target->query.empty() ? "" : "?" + target->query);
    client.Post(path.c_str(), headers, body, "application/json");
  }

  std::shared_ptr<state> state_;
  httplib::Server server_;
  std::thread thread_;
  std::thread notifier_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  // A fault that the handler itself carries out (drop_after_create, truncate),
  // handed from guarded() to the handler on the same thread.
  static thread_local std::optional<fault> pending_fault_;
};

inline thread_local std::optional<fault> fake_gateway::pending_fault_;

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_FAKE_GATEWAY_HPP
