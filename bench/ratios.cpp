// The run-time figures of bench/run, each a ratio of kling-cpp against what a
// user would write by hand with the same dependencies (cpp-httplib and
// nlohmann/json), measured side by side in this one run: repetitions
// interleaved (the order alternating), the median ratio reported. Heap
// figures come from this program's own global operator new, which counts
// bytes (current and peak) only while a measurement asks it to.
//
// Prints one line per figure: "ROW<TAB>figure<TAB>value<TAB>op<TAB>target"
// (op is >=, <= or ==); bench/run turns them into its table. A figure that
// cannot be measured prints "error" as its value and a line on stderr.
//   kling_bench_ratios [--quick]
#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>
#include <kling/testing/mock_transport.hpp>
#include <kling/testing/sample_media.hpp>
#include <kling/testing/virtual_clock.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

// ---- heap accounting --------------------------------------------------------
// Every block carries its size in a 16-byte header (keeping malloc's
// alignment), so a delete knows what it frees; counting costs an atomic add
// only while `counting` is on, so the timed figures are not slowed by it.
namespace heap {
std::atomic<bool> counting{false};
std::atomic<std::int64_t> current{0};
std::atomic<std::int64_t> peak{0};
constexpr std::size_t header = 16;

void start() {
  current = 0;
  peak = 0;
  counting = true;
}
void stop() { counting = false; }
} // namespace heap

// Not inlined: GCC would otherwise see the header arithmetic and free()
// inside callers and warn about mismatched allocation functions.
[[gnu::noinline]] void *operator new(std::size_t n) {
  void *block = std::malloc(n + heap::header);
  if (!block) throw std::bad_alloc();
  *static_cast<std::size_t *>(block) = n;
  if (heap::counting.load(std::memory_order_relaxed)) {
    const std::int64_t now =
        heap::current.fetch_add(static_cast<std::int64_t>(n), std::memory_order_relaxed) +
        static_cast<std::int64_t>(n);
    std::int64_t seen = heap::peak.load(std::memory_order_relaxed);
    while (now > seen && !heap::peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  return static_cast<char *>(block) + heap::header;
}
[[gnu::noinline]] void operator delete(void *p) noexcept {
  if (!p) return;
  void *block = static_cast<char *>(p) - heap::header;
  if (heap::counting.load(std::memory_order_relaxed))
    heap::current.fetch_sub(static_cast<std::int64_t>(*static_cast<std::size_t *>(block)),
                            std::memory_order_relaxed);
  std::free(block);
}
void operator delete(void *p, std::size_t) noexcept { operator delete(p); }

namespace {

using steady = std::chrono::steady_clock;
using nl = nlohmann::json;

bool quick = false; // fewer repetitions: a smoke run

int repetitions() { return quick ? 3 : 9; }

void row(const std::string &figure, double value, const char *op, double target) {
  // Enough digits that a value just past a target never prints as the target.
  std::printf("ROW\t%s\t%.6g\t%s\t%g\n", figure.c_str(), value, op, target);
  std::fflush(stdout);
}
void row_error(const std::string &figure, const char *op, double target, const std::string &why) {
  std::fprintf(stderr, "kling_bench_ratios: %s: %s\n", figure.c_str(), why.c_str());
  std::printf("ROW\t%s\terror\t%s\t%g\n", figure.c_str(), op, target);
  std::fflush(stdout);
}

template <class F>
double seconds_of(F &&f) {
  const auto started = steady::now();
  f();
  return std::chrono::duration<double>(steady::now() - started).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// A line for the reader (bench/run keeps only the ROW lines in its table).
void note(const std::string &figure, const std::string &text) {
  std::printf("# %s: %s\n", figure.c_str(), text.c_str());
  std::fflush(stdout);
}

std::string format(const char *pattern, double a, double b) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, pattern, a, b);
  return buffer;
}

// time(a) / time(b), repetitions interleaved and their order alternating;
// the median seconds of each side in *median_a and *median_b when asked.
template <class A, class B>
double time_ratio(A &&a, B &&b, int reps = repetitions(), double *median_a = nullptr,
                  double *median_b = nullptr) {
  std::vector<double> ratios, times_a, times_b;
  for (int i = 0; i < reps; ++i) {
    double ta = 0, tb = 0;
    if (i % 2) {
      tb = seconds_of(b);
      ta = seconds_of(a);
    } else {
      ta = seconds_of(a);
      tb = seconds_of(b);
    }
    ratios.push_back(ta / tb);
    times_a.push_back(ta);
    times_b.push_back(tb);
  }
  if (median_a) *median_a = median(times_a);
  if (median_b) *median_b = median(times_b);
  return median(ratios);
}

// How many calls of f take about `target` seconds (at least 1).
template <class F>
int calls_for(double target, F &&f) {
  int n = 1;
  for (;;) {
    const double t = seconds_of([&] {
      for (int i = 0; i < n; ++i)
        f();
    });
    if (t >= target / 4 || n >= (1 << 24))
      return std::max(1, static_cast<int>(n * target / std::max(t, 1e-9)));
    n *= 4;
  }
}

std::string read_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

kling::protocol::wait_options fastest_wait() {
  kling::protocol::wait_options w;
  w.first_interval = std::chrono::milliseconds(1);
  w.max_interval = std::chrono::milliseconds(1);
  w.interval_growth = 1.0;
  return w;
}

void wire_server(httplib::Server &server) {
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(30);
}

struct running_server {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  bool start() {
    port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) return false;
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return true;
  }
  ~running_server() {
    server.stop();
    if (thread.joinable()) thread.join();
  }
};

// ---- loopback: the SDK against raw cpp-httplib + nlohmann ---------------------

// A plain cpp-httplib server that answers like the gateway: a create is
// pending, its first poll processing, its second completed (the flat shape).
// It counts the connections it sees (distinct remote ports).
class loopback_gateway {
public:
  bool start() {
    wire_server(s_.server);
    s_.server.Post("/v1/videos", [this](const httplib::Request &req, httplib::Response &res) {
      std::string id;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ports_.insert(req.remote_port);
        if (user_agent_.empty()) user_agent_ = req.get_header_value("User-Agent");
        id = "task_" + std::to_string(++tasks_);
        polls_[id] = 0;
      }
      res.set_content(R"({"id":")" + id +
                          R"(","status":"pending","created_at":"2026-01-13T10:00:00Z","model":"Kling-V2.6"})",
                      "application/json");
    });
    s_.server.Get(R"(/v1/videos/([^/]+))", [this](const httplib::Request &req, httplib::Response &res) {
      const std::string id = req.matches[1];
      int polls = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ports_.insert(req.remote_port);
        auto it = polls_.find(id);
        if (it == polls_.end()) {
          res.status = 404;
          res.set_content(R"({"error":{"message":"no such task","type":"not_found"}})", "application/json");
          return;
        }
        polls = ++it->second;
        if (polls >= 2) polls_.erase(it);
      }
      if (polls < 2) {
        res.set_content(
            R"({"id":")" + id +
                R"(","status":"processing","created_at":"2026-01-13T10:00:00Z","model":"Kling-V2.6"})",
            "application/json");
      } else {
        res.set_content(
            R"({"id":")" + id +
                R"(","status":"completed","created_at":"2026-01-13T10:00:00Z","completed_at":"2026-01-13T10:03:00Z",)"
                R"("model":"Kling-V2.6","video_url":"https://example.com/)" +
                id + R"(.mp4","usage":{"seconds":5.0,"video_count":1,"size":"1920*1080"},"raw_response":{}})",
            "application/json");
      }
    });
    return s_.start();
  }
  int port() const { return s_.port; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(s_.port); }
  std::size_t connections() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ports_.size();
  }
  void forget_connections() {
    std::lock_guard<std::mutex> lock(mutex_);
    ports_.clear();
  }
  std::string user_agent() {
    std::lock_guard<std::mutex> lock(mutex_);
    return user_agent_;
  }

private:
  running_server s_;
  std::mutex mutex_;
  std::set<int> ports_;
  std::unordered_map<std::string, int> polls_;
  std::uint64_t tasks_ = 0;
  std::string user_agent_;
};

const char *const loop_prompt = "A cat playing in a sunny garden";
const char *const loop_key = "bench-key";

// What a user writes with cpp-httplib and nlohmann alone: the same headers
// and the same JSON (an external_task_id of the SDK's length included),
// poll until finished, read the result URL.
class raw_loop {
public:
  raw_loop(int port, const std::string &user_agent) : client_("127.0.0.1", port) {
    client_.set_tcp_nodelay(true);
    client_.set_keep_alive(true);
    headers_ = {{"Authorization", std::string("Bearer ") + loop_key},
                {"Accept", "application/json"},
                {"User-Agent", user_agent}};
  }
  bool task() {
    char ext[40];
    std::snprintf(ext, sizeof ext, "kling-raw-%024llu", static_cast<unsigned long long>(++count_));
    const nl body = {{"model", "Kling-V2.6"}, {"prompt", loop_prompt}, {"external_task_id", ext}};
    auto created = client_.Post("/v1/videos", headers_, body.dump(), "application/json");
    if (!created || created->status != 200) return false;
    const nl answer = nl::parse(created->body, nullptr, false);
    if (!answer.is_object() || !answer.contains("id") || !answer["id"].is_string()) return false;
    const std::string path = "/v1/videos/" + answer["id"].get<std::string>();
    for (int polls = 0; polls < 100; ++polls) {
      auto polled = client_.Get(path.c_str(), headers_);
      if (!polled || polled->status != 200) return false;
      const nl t = nl::parse(polled->body, nullptr, false);
      if (!t.is_object() || !t.contains("status") || !t["status"].is_string()) return false;
      const std::string status = t["status"].get<std::string>();
      if (status == "completed") return t.contains("video_url") && t["video_url"].is_string();
      if (status == "failed") return false;
    }
    return false;
  }

private:
  httplib::Client client_;
  httplib::Headers headers_;
  unsigned long long count_ = 0;
};

bool sdk_task(kling::client &client) {
  kling::text_to_video request;
  request.prompt = loop_prompt;
  auto t = client.videos().create_and_wait(request);
  if (!t) std::fprintf(stderr, "kling_bench_ratios: SDK task failed: %s\n", t.error().message.c_str());
  return t && t->status == kling::task_status::completed && !t->video_url().empty();
}

kling::client loop_client(const std::string &url) {
  return kling::client{kling::options{}
                           .base_url(url)
                           .api_key(loop_key)
                           .wait(fastest_wait())
                           .time(kling::testing::virtual_clock().source())};
}

void loopback() {
  const char *ratio_name = "loopback tasks/s, SDK / raw httplib+nlohmann";
  const char *conn_name = "loopback connections for 1,000 SDK requests";
  loopback_gateway gateway;
  if (!gateway.start()) {
    row_error(ratio_name, ">=", 0.9, "cannot start the server");
    row_error(conn_name, "==", 1, "cannot start the server");
    return;
  }
  // Connections: a fresh client, 334 tasks of 3 requests.
  {
    kling::client sdk = loop_client(gateway.base_url());
    gateway.forget_connections();
    bool ok = true;
    for (int i = 0; i < 334 && ok; ++i)
      ok = sdk_task(sdk);
    if (ok)
      row(conn_name, static_cast<double>(gateway.connections()), "==", 1);
    else
      row_error(conn_name, "==", 1, "an SDK task failed");
  }
  kling::client sdk = loop_client(gateway.base_url());
  raw_loop raw(gateway.port(), gateway.user_agent());
  bool ok = true;
  const int tasks =
      std::min(300, std::max(5, calls_for(0.3, [&] { ok = ok && sdk_task(sdk) && raw.task(); })));
  // Throughput ratio = time(raw) / time(SDK).
  double raw_seconds = 0, sdk_seconds = 0;
  const double ratio = time_ratio(
      [&] {
        for (int i = 0; i < tasks; ++i)
          ok = raw.task() && ok;
      },
      [&] {
        for (int i = 0; i < tasks; ++i)
          ok = sdk_task(sdk) && ok;
      },
      repetitions(), &raw_seconds, &sdk_seconds);
  note(ratio_name, format("SDK %.3f ms a task, raw %.3f ms a task", sdk_seconds * 1000 / tasks,
                          raw_seconds * 1000 / tasks));
  if (ok)
    row(ratio_name, ratio, ">=", 0.9);
  else
    row_error(ratio_name, ">=", 0.9, "a task failed");
}

// ---- the fake gateway against a bare cpp-httplib server ------------------------

void fake_gateway_answer_time() {
  const char *name = "fake_gateway keep-alive answer time / bare httplib server";
  kling::testing::fake_gateway gateway;
  if (!gateway.start()) return row_error(name, "<=", 1.5, "cannot start the fake gateway");
  const std::string auth = "Bearer " + gateway.api_key();
  const httplib::Headers headers = {{"Authorization", auth}, {"Accept", "application/json"}};
  const std::string port_text = gateway.base_url().substr(gateway.base_url().rfind(':') + 1);
  httplib::Client to_fake("127.0.0.1", std::atoi(port_text.c_str()));
  to_fake.set_tcp_nodelay(true);
  to_fake.set_keep_alive(true);
  auto created =
      to_fake.Post("/v1/videos", headers, R"({"model":"Kling-V2.6","prompt":"a cat"})", "application/json");
  if (!created || created->status != 200) return row_error(name, "<=", 1.5, "create failed");
  const std::string path =
      "/v1/videos/" + nl::parse(created->body, nullptr, false).value("id", std::string());
  std::string body;
  for (int i = 0; i < 10; ++i) { // until finished: every later answer is this body
    auto polled = to_fake.Get(path.c_str(), headers);
    if (!polled || polled->status != 200) return row_error(name, "<=", 1.5, "poll failed");
    body = polled->body;
  }
  running_server bare;
  wire_server(bare.server);
  bare.server.Get(R"(/v1/videos/([^/]+))", [&body](const httplib::Request &, httplib::Response &res) {
    res.set_content(body, "application/json");
  });
  if (!bare.start()) return row_error(name, "<=", 1.5, "cannot start the bare server");
  httplib::Client to_bare("127.0.0.1", bare.port);
  to_bare.set_tcp_nodelay(true);
  to_bare.set_keep_alive(true);
  bool ok = true;
  const auto poll = [&](httplib::Client &c) {
    auto r = c.Get(path.c_str(), headers);
    ok = ok && r && r->status == 200 && r->body.size() == body.size();
  };
  const int n = std::min(2000, calls_for(0.2, [&] { poll(to_bare); }));
  double fake_seconds = 0, bare_seconds = 0;
  const double ratio = time_ratio(
      [&] {
        for (int i = 0; i < n; ++i)
          poll(to_fake);
      },
      [&] {
        for (int i = 0; i < n; ++i)
          poll(to_bare);
      },
      repetitions(), &fake_seconds, &bare_seconds);
  note(name, format("fake_gateway %.1f us an answer, bare %.1f us", fake_seconds * 1e6 / n,
                    bare_seconds * 1e6 / n));
  if (ok)
    row(name, ratio, "<=", 1.5);
  else
    row_error(name, "<=", 1.5, "an answer differed from the recorded one");
}

// ---- request path: typed request -> validated body ---------------------------

// What the client does before sending a typed request.
template <class Request>
std::string kling_body(const Request &request) {
  kling::json body(request);
  const kling::rules::report checked =
      kling::rules::validate(request, body); // serialized once, as videos() does
  if (!checked.valid()) return "invalid: " + checked.violations.front().message;
  body = kling::rules::normalized(std::move(body));
  return kling::dump_json(body);
}

struct request_case {
  std::string name; // the seed fixture
  std::function<std::string()> kling;
  std::function<std::string()> by_hand;
};

std::vector<request_case> request_cases() {
  std::vector<request_case> cases;
  {
    kling::omni_video r;
    r.prompt = "一个宇航员在月球上行走,背景是地球";
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::landscape_16_9;
    r.seconds = 5;
    cases.push_back({"o1_text_to_video", [r] { return kling_body(r); },
                     [prompt = r.prompt] {
                       const nl j = {{"model", "Kling-Video-O1"},
                                     {"prompt", prompt},
                                     {"mode", "pro"},
                                     {"aspect_ratio", "16:9"},
                                     {"seconds", "5"}};
                       return j.dump();
                     }});
  }
  {
    kling::text_to_video r;
    r.prompt = "一只可爱的猫咪在花园里玩耍,阳光明媚";
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::landscape_16_9;
    r.seconds = 5;
    cases.push_back({"t2v_basic", [r] { return kling_body(r); },
                     [prompt = r.prompt] {
                       const nl j = {{"model", "Kling-V2.6"},
                                     {"prompt", prompt},
                                     {"mode", "pro"},
                                     {"aspect_ratio", "16:9"},
                                     {"seconds", "5"}};
                       return j.dump();
                     }});
  }
  {
    kling::image_to_video r;
    r.image = "https://example.com/start.jpg";
    r.prompt = "画面中的人物开始跳舞";
    r.mode = kling::mode::pro;
    r.seconds = 5;
    cases.push_back({"i2v_basic", [r] { return kling_body(r); },
                     [image = *r.image, prompt = *r.prompt] {
                       const nl j = {{"model", "Kling-V2.6"},
                                     {"image", image},
                                     {"prompt", prompt},
                                     {"mode", "pro"},
                                     {"seconds", "5"}};
                       return j.dump();
                     }});
  }
  {
    kling::motion_control r;
    r.image_url = "https://example.com/person.jpg";
    r.video_url = "https://example.com/dance.mp4";
    r.mode = kling::mode::pro;
    r.character_orientation = kling::character_orientation::video;
    cases.push_back({"motion_basic", [r] { return kling_body(r); },
                     [image = r.image_url, video = r.video_url] {
                       const nl j = {{"model", "Kling-V2.6"}, {"action_control", true},
                                     {"image_url", image},    {"video_url", video},
                                     {"mode", "pro"},         {"character_orientation", "video"}};
                       return j.dump();
                     }});
  }
  {
    kling::new_element r;
    r.element_name = "测试主体";
    r.element_description = "这是一个测试主体描述";
    r.element_frontal_image = "https://example.com/image.jpg";
    r.element_refer_list = {"https://example.com/image1.jpg", "https://example.com/image2.jpg"};
    r.tag_list = {"o_102"};
    cases.push_back({"element_create", [r] { return kling_body(r); },
                     [r] {
                       nl refer = nl::array();
                       for (const auto &url : r.element_refer_list)
                         refer.push_back({{"image_url", url}});
                       nl tags = nl::array();
                       for (const auto &tag : r.tag_list)
                         tags.push_back({{"tag_id", tag}});
                       const nl j = {{"element_name", r.element_name},
                                     {"element_description", r.element_description},
                                     {"element_frontal_image", r.element_frontal_image},
                                     {"element_refer_list", std::move(refer)},
                                     {"tag_list", std::move(tags)}};
                       return j.dump();
                     }});
  }
  return cases;
}

void request_path() {
  for (const auto &c : request_cases()) {
    const std::string name = "request path " + c.name + ", kling / by hand";
    // Like with like: both give the seed's JSON, byte for byte.
    const std::string seed =
        nl::parse(read_text(std::string(KLING_BENCH_FIXTURES) + "/requests/" + c.name + ".json"), nullptr,
                  false)
            .dump();
    const std::string ours = c.kling(), theirs = c.by_hand();
    if (ours != seed || theirs != seed) {
      row_error(name, "<=", 1.5, "bodies differ from the seed: kling " + ours + " / by hand " + theirs);
      continue;
    }
    std::size_t sink = 0;
    const int n = calls_for(0.05, [&] { sink += c.by_hand().size(); });
    const double ratio = time_ratio(
        [&] {
          for (int i = 0; i < n; ++i)
            sink += c.kling().size();
        },
        [&] {
          for (int i = 0; i < n; ++i)
            sink += c.by_hand().size();
        });
    if (sink == 0) std::printf("#\n"); // keeps the work observable
    row(name, ratio, "<=", 1.5);
  }
}

// ---- response path: a finished task's answer -> task -------------------------

struct plain_video {
  std::string url, cover_url;
  std::optional<double> duration;
  std::optional<int> width, height;
};
struct plain_task {
  std::string id, status, model, provider, created_at, completed_at;
  std::optional<std::int64_t> created;
  std::vector<plain_video> videos;
  std::optional<double> seconds, duration_seconds;
  std::optional<int> video_count;
  std::string size;
  std::optional<std::int64_t> total_tokens, input_tokens, output_tokens;
};

template <class T>
void take(const nl &j, const char *key, T &out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) out = it->template get<std::string>();
  } else {
    using V = typename T::value_type;
    if (std::is_floating_point_v<V> ? it->is_number() : it->is_number_integer()) out = it->template get<V>();
  }
}

// The same fields read by hand, types checked (no exceptions), times kept as text.
std::optional<plain_task> task_by_hand(const std::string &body) {
  const nl j = nl::parse(body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  plain_task t;
  take(j, "id", t.id);
  take(j, "status", t.status);
  take(j, "model", t.model);
  take(j, "provider", t.provider);
  take(j, "created_at", t.created_at);
  take(j, "completed_at", t.completed_at);
  take(j, "created", t.created);
  if (auto u = j.find("video_url"); u != j.end() && u->is_string())
    t.videos.push_back({u->get<std::string>(), {}, {}, {}, {}});
  if (auto d = j.find("data"); d != j.end() && d->is_array()) {
    for (const auto &item : *d) {
      if (!item.is_object()) continue;
      plain_video v;
      take(item, "url", v.url);
      take(item, "cover_url", v.cover_url);
      take(item, "duration", v.duration);
      take(item, "width", v.width);
      take(item, "height", v.height);
      t.videos.push_back(std::move(v));
    }
  }
  if (auto u = j.find("usage"); u != j.end() && u->is_object()) {
    take(*u, "seconds", t.seconds);
    take(*u, "duration_seconds", t.duration_seconds);
    take(*u, "video_count", t.video_count);
    take(*u, "size", t.size);
    take(*u, "total_tokens", t.total_tokens);
    take(*u, "input_tokens", t.input_tokens);
    take(*u, "output_tokens", t.output_tokens);
  }
  return t;
}

void response_path() {
  for (const char *shape : {"flat", "unified"}) {
    const std::string name = std::string("response path ") + shape + " finished task, kling / by hand";
    kling::http_response answer;
    answer.status = 200;
    answer.headers = {{"Content-Type", "application/json"}};
    answer.body =
        read_text(std::string(KLING_BENCH_FIXTURES) + "/responses/task_completed_" + shape + ".json");
    auto ours = kling::protocol::read_task(answer, "task_1");
    auto theirs = task_by_hand(answer.body);
    if (!ours || !theirs || ours->videos.empty() || theirs->videos.empty() ||
        ours->videos.front().url != theirs->videos.front().url) {
      row_error(name, "<=", 1.2, "the two readings differ");
      continue;
    }
    std::size_t sink = 0;
    const int n = calls_for(0.05, [&] { sink += task_by_hand(answer.body)->videos.size(); });
    const double ratio = time_ratio(
        [&] {
          for (int i = 0; i < n; ++i)
            sink += kling::protocol::read_task(answer, "task_1")->videos.size();
        },
        [&] {
          for (int i = 0; i < n; ++i)
            sink += task_by_hand(answer.body)->videos.size();
        });
    if (sink == 0) std::printf("#\n");
    row(name, ratio, "<=", 1.2);
  }
}

// ---- Base64 -----------------------------------------------------------------

void base64() {
  const std::size_t size = 10u << 20;
  std::string bytes(size, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto &c : bytes) { // incompressible-looking bytes (xorshift)
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  const std::string text = kling::base64::encode(bytes);
  const auto decoded = kling::base64::decode(text);
  if (!decoded || *decoded != bytes) {
    row_error("Base64 encode 10 MB, throughput / memcpy", ">=", 0.2, "decode(encode(x)) != x");
    row_error("Base64 decode 10 MB, throughput / memcpy", ">=", 0.15, "decode(encode(x)) != x");
    return;
  }
  std::size_t sink = 0;
  // memcpy into a fresh buffer, as the codec writes into a fresh string.
  const auto copy = [&] {
    std::unique_ptr<char[]> out(new char[size]);
    std::memcpy(out.get(), bytes.data(), size);
    sink += static_cast<unsigned char>(out[size / 2]);
  };
  // Throughput ratio = time(memcpy) / time(codec), for the same 10 MB of data.
  double copy_seconds = 0, codec_seconds = 0;
  const char *encode_name = "Base64 encode 10 MB, throughput / memcpy";
  const double encode = time_ratio(
      copy, [&] { sink += kling::base64::encode(bytes).size(); }, repetitions(), &copy_seconds,
      &codec_seconds);
  note(encode_name, format("memcpy %.0f MB/s, encode %.0f MB/s", 10.0 / copy_seconds, 10.0 / codec_seconds));
  row(encode_name, encode, ">=", 0.2);
  const char *decode_name = "Base64 decode 10 MB, throughput / memcpy";
  const double decode = time_ratio(
      copy, [&] { sink += kling::base64::decode(text)->size(); }, repetitions(), &copy_seconds,
      &codec_seconds);
  note(decode_name, format("memcpy %.0f MB/s, decode %.0f MB/s", 10.0 / copy_seconds, 10.0 / codec_seconds));
  row(decode_name, decode, ">=", 0.15);
  if (sink == 0) std::printf("#\n");
}

// ---- tracker ----------------------------------------------------------------

using tracker = kling::basic_task_tracker<kling::testing::mock_transport>;

std::unique_ptr<tracker> tracker_with(const kling::basic_client<kling::testing::mock_transport> &client,
                                      std::size_t tasks) {
  auto t = std::make_unique<tracker>(client);
  const auto now = steady::now();
  const auto wall = kling::time_source::system().wall_now();
  for (std::size_t i = 0; i < tasks; ++i) {
    kling::task_handle h;
    h.task_id = "task_" + std::to_string(1000000 + i);
    h.next_poll_at = wall + std::chrono::hours(1); // none due during the measurement
    t->track(h, {}, now, wall);
  }
  return t;
}

void task_tracker() {
  const char *tick_name = "tracker tick, 100,000 tasks none due / 100 tasks";
  const char *memory_name = "tracker heap bytes per tracked task";
  kling::basic_client<kling::testing::mock_transport> client{
      kling::options{}.base_url("https://gateway.example.com").api_key("bench-key")};
  std::unique_ptr<tracker> small = tracker_with(client, 100);
  heap::start();
  std::unique_ptr<tracker> big = tracker_with(client, 100000);
  heap::stop();
  row(memory_name, static_cast<double>(heap::current.load()) / 100000, "<=", 1024);
  const auto now = steady::now();
  const auto ticks = [&](tracker &t, int n) {
    for (int i = 0; i < n; ++i)
      t.tick(now);
  };
  const int n = std::max(1, std::min(100000, calls_for(0.05, [&] { big->tick(now); })));
  double big_seconds = 0, small_seconds = 0;
  const double ratio = time_ratio([&] { ticks(*big, n); }, [&] { ticks(*small, n); }, repetitions(),
                                  &big_seconds, &small_seconds);
  note(tick_name, format("%.1f us a tick with 100,000 tasks, %.3f us with 100", big_seconds * 1e6 / n,
                         small_seconds * 1e6 / n));
  row(tick_name, ratio, "<=", 2);
  if (!client.transport().requests().empty())
    std::fprintf(stderr, "kling_bench_ratios: a tracked task was polled\n");
}

// ---- inline image: peak heap / body ------------------------------------------

// Receives the body and lets it go, as a network would.
class body_sink_transport {
public:
  kling::result<kling::http_response> send(const kling::http_request &request) {
    *body_size_ = request.body.size();
    kling::http_response r;
    r.status = 200;
    r.body = R"({"id":"task_1","status":"pending","model":"Kling-V2.6"})";
    return r;
  }
  std::uint64_t body_size() const { return *body_size_; }

private:
  std::shared_ptr<std::uint64_t> body_size_ = std::make_shared<std::uint64_t>(0);
};

void inline_image() {
  // A 10 MB PNG (the gateway's limit is 10 MiB), written first, outside the measurement.
  const std::string path = "kling_bench_inline_image.png";
  {
    const std::string png = kling::testing::sample_png(3200, 3200);
    std::ofstream(path, std::ios::binary).write(png.data(), static_cast<std::streamsize>(png.size()));
  }
  for (bool observed : {false, true}) {
    const std::string name =
        std::string("inline 10 MB PNG, peak heap / body, ") + (observed ? "with an observer" : "no observer");
    kling::options o = kling::options{}.base_url("https://gateway.example.com").api_key("bench-key");
    std::uint64_t observed_bytes = 0;
    if (observed)
      o.observe([&](const kling::exchange_record &x) { observed_bytes += x.request.body.size(); });
    body_sink_transport transport;
    kling::basic_client<body_sink_transport> client{o, transport};
    heap::start();
    std::string failure;
    {
      // What a user writes: the local file as the request's image (its
      // Base64 is written into the body as the request is sent).
      kling::image_to_video request;
      request.prompt = "The person starts to dance";
      request.image = kling::media::local_image(path);
      if (auto created = client.videos().create(request); !created) failure = created.error().message;
    }
    heap::stop();
    const std::uint64_t body = client.transport().body_size();
    if (!failure.empty() || body < (10u << 20))
      row_error(name, "<=", 1.3, failure.empty() ? "no image was sent" : failure);
    else {
      note(name, format("peak %.1f MB, body %.1f MB", static_cast<double>(heap::peak.load()) / 1e6,
                        static_cast<double>(body) / 1e6));
      row(name, static_cast<double>(heap::peak.load()) / static_cast<double>(body), "<=", 1.3);
    }
  }
  std::remove(path.c_str());
}

} // namespace

int main(int argc, char **argv) {
  // --only NAME (repeatable) runs those sections alone, for working on one figure.
  const std::pair<const char *, void (*)()> sections[] = {
      {"loopback", loopback},         {"fake_gateway", fake_gateway_answer_time},
      {"request", request_path},      {"response", response_path},
      {"inline_image", inline_image}, {"base64", base64},
      {"tracker", task_tracker}};
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only.push_back(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: kling_bench_ratios [--quick] [--only SECTION]...\n");
      return 2;
    }
  }
  for (const auto &s : sections) {
    if (only.empty() || std::find(only.begin(), only.end(), s.first) != only.end()) s.second();
  }
  return 0;
}
