// kling-cpp transports over libcurl, written the way the README's transport
// checklist asks (kling/transport/requirements.hpp). Copy this file into a
// project that already links libcurl.
//
//   curl_transport         blocking, on curl's easy interface. Thread safety:
//                          send may be called concurrently; copies share the
//                          pool of idle handles (and so their connections).
//   curl_loop              curl's multi interface driven from your loop: call
//                          tick() once per frame; nothing runs in between and
//                          no thread is started. Owned by you, not the client.
//   curl_async_transport   what the client holds: a weak handle on a
//                          curl_loop (see curl_loop::transport()). Thread
//                          safety: use it, and the loop, on the loop's thread.
//
// Why a weak handle: the client's session owns its transport and every
// request still out owns the session, so a transport that owned its loop
// would keep itself alive through its own pending requests. The loop belongs
// to the game; when it is destroyed every request still out completes with
// errc::cancelled and later sends fail at once.
#ifndef KLING_EXAMPLES_CURL_TRANSPORT_HPP
#define KLING_EXAMPLES_CURL_TRANSPORT_HPP

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <kling/core.hpp>

namespace curl_example {

namespace detail {

// curl_global_init must run once before any other call; curl >= 7.84 makes it thread-safe.
inline void init_curl_once() {
  static const bool done = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)done;
}

// One exchange: the request, the answer as it arrives, and why it stopped.
struct exchange {
  kling::http_request request;
  kling::http_completion done; // used by the multi interface only
  kling::http_response response;
  curl_slist *headers = nullptr;
  char error_text[CURL_ERROR_SIZE] = {};
  bool head_complete = false;  // a final (non-1xx) status line and its headers were read
  bool head_delivered = false; // on_head has seen them
  bool in_body = false;        // later header lines are trailers: ignored
  bool receiver_stopped = false, stalled = false, abandoned = false;
  curl_off_t last_down = 0, last_up = 0;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();

  ~exchange() { curl_slist_free_all(headers); }

  // Streaming: on_head sees the status and headers once, before any body byte.
  bool deliver_head() {
    if (head_delivered) return true;
    head_delivered = true;
    if (request.on_head && !request.on_head(response)) receiver_stopped = true;
    return !receiver_stopped;
  }
};

inline std::size_t on_header_line(char *data, std::size_t size, std::size_t count, void *user) {
  auto &x = *static_cast<exchange *>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  if (x.in_body || x.head_complete) return size * count; // trailers after the body: not headers
  if (line.compare(0, 5, "HTTP/") == 0) {
    // A new status line: an interim 1xx answer's headers are dropped with it.
    x.response.headers.clear();
    const auto space = line.find(' ');
    x.response.status = space == std::string::npos ? 0 : std::atoi(line.c_str() + space + 1);
  } else if (line.empty()) {
    x.head_complete = x.response.status >= 200; // 1xx: the real answer follows
  } else if (const auto colon = line.find(':'); colon != std::string::npos) {
    std::size_t start = colon + 1;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t'))
      ++start;
    x.response.headers.emplace_back(line.substr(0, colon), line.substr(start));
  }
  return size * count;
}

inline std::size_t on_body_piece(char *data, std::size_t size, std::size_t count, void *user) {
  auto &x = *static_cast<exchange *>(user);
  const std::size_t n = size * count;
  x.in_body = true;
  if (x.abandoned) return 0;
  if (!x.request.on_body) {
    x.response.body.append(data, n);
    return n;
  }
  if (!x.deliver_head()) return 0;
  if (!x.request.on_body(std::string_view(data, n))) {
    x.receiver_stopped = true;
    return 0;
  }
  return x.abandoned ? 0 : n; // the receiver may have abandoned its own request
}

// Called by curl about once a second in the easy interface and at every
// curl_multi_perform: the idle (stall) timeout and the request's cancellation.
inline int on_progress(void *user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
  auto &x = *static_cast<exchange *>(user);
  const auto now = std::chrono::steady_clock::now();
  if (down != x.last_down || up != x.last_up) {
    x.last_down = down;
    x.last_up = up;
    x.last_activity = now;
  } else if (now - x.last_activity >= x.request.timeout) {
    x.stalled = true;
    return 1;
  }
  return x.abandoned || x.request.cancel.cancelled() ? 1 : 0;
}

// Sets an easy handle up for one exchange, following the transport checklist.
inline void prepare(CURL *curl, exchange &x, const kling::network_settings &settings) {
  const kling::http_request &r = x.request;
  curl_easy_setopt(curl, CURLOPT_URL, r.url().c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L); // a redirect is the library's to judge
  // No CURLOPT_ACCEPT_ENCODING: curl then neither asks for nor decodes compressed bodies.
  if (r.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (r.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.method == "POST" || !r.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.body.data());
    }
  }
  for (const auto &h : r.headers)
    x.headers = curl_slist_append(x.headers, (h.first + ": " + h.second).c_str());
  // curl adds "Expect: 100-continue" to large bodies and then waits for an
  // interim answer some servers never send; an empty value removes it.
  x.headers = curl_slist_append(x.headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, x.headers);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header_line);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body_piece);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &x);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, x.error_text);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings.ca_file.c_str());
  if (!settings.ca_path.empty()) curl_easy_setopt(curl, CURLOPT_CAPATH, settings.ca_path.c_str());
  if (!settings.proxy.host.empty()) {
    curl_easy_setopt(curl, CURLOPT_PROXY, settings.proxy.host.c_str());
    curl_easy_setopt(curl, CURLOPT_PROXYPORT, static_cast<long>(settings.proxy.port));
    if (!settings.proxy.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_PROXYUSERNAME, settings.proxy.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PROXYPASSWORD, settings.proxy.password.c_str());
    }
  } else {
    curl_easy_setopt(curl, CURLOPT_PROXY, ""); // no proxy from the environment behind the user's back
  }
  curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, settings.keep_alive ? 0L : 1L);
}

// What became of an exchange, as the library's errc (the checklist's table).
inline kling::result<kling::http_response> outcome(CURL *curl, exchange &x, CURLcode code) {
  if (code == CURLE_OK) {
    if (x.request.on_body) {
      // An empty body never reached on_body_piece: the head is still owed.
      if (!x.deliver_head()) return kling::error{kling::errc::cancelled, "transfer stopped by the receiver"};
      x.response.body.clear();
    }
    return std::move(x.response);
  }
  const std::string where = " (" + x.request.origin + ")";
  const std::string why = x.error_text[0] ? std::string(x.error_text) : curl_easy_strerror(code);
  if (x.abandoned || x.request.cancel.cancelled()) {
    return kling::error{kling::errc::cancelled, "request abandoned" + where};
  }
  if (x.receiver_stopped)
    return kling::error{kling::errc::cancelled, "transfer stopped by the receiver" + where};
  long request_size = 0; // bytes of the request that left: none means a create can be posted again
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
  kling::error e{kling::errc::connection, "curl: " + why + where};
  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT: e.request_sent = false; break;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
    e.code = kling::errc::tls;
    e.request_sent = false;
    break;
  case CURLE_OPERATION_TIMEDOUT: // curl's own timeout: here only the connect timeout is set
    e.code = kling::errc::timeout;
    e.request_sent = request_size > 0;
    break;
  case CURLE_ABORTED_BY_CALLBACK:
    if (x.stalled) {
      e = kling::error{kling::errc::timeout,
                       "no byte moved for " + std::to_string(x.request.timeout.count()) + " ms" + where};
      e.request_sent = request_size > 0;
    }
    break;
  default: e.request_sent = request_size > 0 || code != CURLE_SEND_ERROR; break;
  }
  return e;
}

} // namespace detail

// Blocking, on the easy interface. Idle handles are kept (with their
// connections) for the next send.
class curl_transport {
public:
  curl_transport() : curl_transport(kling::network_settings{}) {}
  explicit curl_transport(kling::network_settings settings)
      : shared_(std::make_shared<shared_state>(std::move(settings))) {
    detail::init_curl_once();
  }

  kling::result<kling::http_response> send(const kling::http_request &request) {
    handle curl = acquire();
    if (!curl) return kling::error{kling::errc::configuration, "curl_easy_init failed"};
    detail::exchange x;
    x.request = request;
    detail::prepare(curl.get(), x, shared_->settings);
    const CURLcode code = curl_easy_perform(curl.get());
    auto answer = detail::outcome(curl.get(), x, code);
    if (answer) release(std::move(curl));
    return answer;
  }

private:
  struct easy_cleanup {
    void operator()(CURL *c) const { curl_easy_cleanup(c); }
  };
  using handle = std::unique_ptr<CURL, easy_cleanup>;
  struct shared_state {
    explicit shared_state(kling::network_settings s) : settings(std::move(s)) {}
    kling::network_settings settings;
    std::mutex mutex;
    std::vector<handle> idle;
  };

  handle acquire() {
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      if (!shared_->idle.empty()) {
        handle h = std::move(shared_->idle.back());
        shared_->idle.pop_back();
        curl_easy_reset(h.get()); // keeps the live connection
        return h;
      }
    }
    return handle(curl_easy_init());
  }
  void release(handle h) {
    if (!shared_->settings.keep_alive) return;
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->idle.size() < shared_->settings.max_idle_connections) shared_->idle.push_back(std::move(h));
  }

  std::shared_ptr<shared_state> shared_;
};

class curl_async_transport;

// curl's multi interface, driven by your loop.
class curl_loop {
public:
  explicit curl_loop(kling::network_settings settings = {}) : state_(std::make_shared<state>()) {
    detail::init_curl_once();
    state_->settings = std::move(settings);
    state_->multi = curl_multi_init();
  }
  curl_loop(const curl_loop &) = delete;
  curl_loop &operator=(const curl_loop &) = delete;
  // Every request still out completes, here, with errc::cancelled.
  ~curl_loop() {
    state_->closing = true;
    while (!state_->running.empty())
      state_->finish(state_->running.begin()->first, "the curl loop was destroyed");
    curl_multi_cleanup(state_->multi);
  }

  // The transport to give the client: it refers to this loop without owning it.
  inline curl_async_transport transport() const;

  // Once per frame: moves every transfer on as far as it can go without
  // waiting, then runs the completions of those that ended.
  void tick() {
    int still_running = 0;
    state_->performing = true;
    curl_multi_perform(state_->multi, &still_running);
    state_->performing = false;
    for (auto id : std::exchange(state_->waiting, {}))
      state_->start(id);
    int queued = 0;
    std::vector<std::pair<std::uint64_t, CURLcode>> ended;
    while (CURLMsg *m = curl_multi_info_read(state_->multi, &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      char *id = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &id);
      ended.emplace_back(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(id)), m->data.result);
    }
    for (const auto &e : ended)
      state_->finish(e.first, nullptr, e.second);
  }

  // Transfers still out (not yet completed).
  std::size_t in_flight() const { return state_->running.size(); }

private:
  friend class curl_async_transport;
  struct running_exchange {
    CURL *curl = nullptr;
    std::unique_ptr<detail::exchange> x;
    bool added = true;
  };
  struct state {
    kling::network_settings settings;
    CURLM *multi = nullptr;
    std::map<std::uint64_t, running_exchange> running;
    std::uint64_t last_id = 0;
    std::vector<std::uint64_t> waiting; // sent during curl_multi_perform, to add after it
    bool performing = false, closing = false;

    void start(std::uint64_t id) {
      auto it = running.find(id);
      if (it == running.end()) return;
      if (curl_multi_add_handle(multi, it->second.curl) != CURLM_OK) {
        it->second.added = false;
        finish(id, "curl_multi_add_handle failed");
      }
    }

    // Removes the transfer and runs its completion (at most once per id).
    // cancel_reason set: it was given up; else it ended with code.
    void finish(std::uint64_t id, const char *cancel_reason, CURLcode code = CURLE_OK) {
      auto it = running.find(id);
      if (it == running.end()) return;
      running_exchange r = std::move(it->second);
      running.erase(it);
      if (r.added) curl_multi_remove_handle(multi, r.curl);
      kling::result<kling::http_response> answer =
          cancel_reason ? kling::result<kling::http_response>(
                              kling::error{kling::errc::cancelled, std::string(cancel_reason)})
                        : detail::outcome(r.curl, *r.x, code);
      curl_easy_cleanup(r.curl);
      auto done = std::move(r.x->done);
      r.x.reset();
      done(std::move(answer));
    }
  };

  std::shared_ptr<state> state_;
};

class curl_async_transport {
public:
  // Starts the exchange; the completion runs inside a later curl_loop::tick
  // (or at once when the loop is gone). The returned function gives it up.
  kling::abandon_request async_send(kling::http_request request, kling::http_completion done) {
    auto loop = loop_.lock();
    if (!loop || loop->closing) {
      kling::error e{kling::errc::cancelled, "the curl loop this transport belongs to is gone"};
      e.request_sent = false;
      done(std::move(e));
      return {};
    }
    auto x = std::make_unique<detail::exchange>();
    x->request = std::move(request);
    x->done = std::move(done);
    CURL *curl = curl_easy_init();
    const std::uint64_t id = ++loop->last_id;
    detail::prepare(curl, *x, loop->settings);
    curl_easy_setopt(curl, CURLOPT_PRIVATE, reinterpret_cast<char *>(static_cast<std::uintptr_t>(id)));
    loop->running.emplace(id, curl_loop::running_exchange{curl, std::move(x)});
    // Inside a transfer's callback curl takes no new handle: tick adds it.
    if (loop->performing) {
      loop->waiting.push_back(id);
    } else {
      loop->start(id);
    }
    return [weak = loop_, id] {
      auto l = weak.lock();
      if (!l) return;
      auto it = l->running.find(id);
      if (it == l->running.end()) return; // already completed: nothing to give up
      if (l->performing) {
        // Inside this transfer's own callback: curl cannot remove it now;
        // the callbacks stop it and tick completes it as cancelled.
        it->second.x->abandoned = true;
        return;
      }
      l->finish(id, "request abandoned");
    };
  }

private:
  friend class curl_loop;
  explicit curl_async_transport(std::weak_ptr<curl_loop::state> loop) : loop_(std::move(loop)) {}
  std::weak_ptr<curl_loop::state> loop_;
};

inline curl_async_transport curl_loop::transport() const { return curl_async_transport(state_); }

} // namespace curl_example

#endif // KLING_EXAMPLES_CURL_TRANSPORT_HPP
