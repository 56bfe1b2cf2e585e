// session<Transport>: what every resource of a client shares: the options,
// the checked base URL, the transport and a source of randomness (retry
// jitter, generated external_task_ids). It holds the one exchange step of
// every driver: open completes the relative requests of the protocol layer
// (origin, path prefix, headers, timeout, size cap, local images read into
// the body), close reports the exchange to the observer with secrets
// redacted and keeps the API key out of every error that comes back.
//
// All of it but the transport is session_core, an ordinary class that
// reaches the transport through two virtual functions: the drivers and the
// cores of the resources, the tracker and the batch are built on it, and
// are compiled once (with KLING_SEPARATE_COMPILATION, in <kling/src.hpp>)
// instead of once per transport in every file. The templates over Transport
// hold no logic of their own: session<Transport> holds the transport, and
// they all check at compile time that it can make the calls asked of it.
//
// Thread safety: send and next_random may be called concurrently when the
// transport's send may (httplib_transport and testing::mock_transport: yes).
#ifndef KLING_CLIENT_SESSION_HPP
#define KLING_CLIENT_SESSION_HPP

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "kling/client/options.hpp"
#include "kling/client/settings.hpp"
#include "kling/core/ascii.hpp"
#include "kling/core/random.hpp"
#include "kling/core/redact.hpp"
#include "kling/media/sources.hpp"
#include "kling/transport/requirements.hpp"
#include "kling/transport/streaming.hpp"

KLING_NAMESPACE_BEGIN

inline constexpr const char *user_agent = "kling-cpp/" KLING_VERSION_STRING;

class session_core {
public:
  KLING_LAZY explicit session_core(kling::options opts);
  session_core(const session_core &) = delete; // shared (std::shared_ptr), never copied
  session_core &operator=(const session_core &) = delete;

  const kling::options &options() const { return options_; }

  // One exchange in the making: the complete request, its size cap and when it started.
  struct exchange {
    http_request request;
    body_limit limit;
    protocol::time_point started;
  };

  // The first half of the one exchange step every driver takes (open,
  // transport, close). The full request: origin and path prefix from the
  // base URL, the default headers, the client's extra headers, then the
  // call's; the answer capped at options::max_response_bytes. A request that
  // already names its origin (a download) goes there as it is, without
  // credentials or headers of the user's: the API key is only ever sent to
  // the gateway. Fails with the options' configuration error, if they have one.
  KLING_LAZY result<exchange> open(http_request request, const call_options &call) const;

  // The second half, on the driver's thread once the transport answered:
  // the size cap, the observer (with secrets redacted), the key scrubbed
  // from an error. The request's body is lent to the observer for the call
  // (not copied: it may be an inline image) and is the same after it.
  KLING_LAZY result<http_response> close(exchange &x, result<http_response> answer) const;

  // The exchange step of the blocking driver (the transport's send).
  KLING_LAZY result<http_response> send(http_request request, const call_options &call);

  // Hands an opened exchange's request to the transport's async_send (the
  // request itself, unless the observer will read it when the exchange
  // closes); done is called once with the answer. Gives up the request when
  // the transport can.
  abandon_request send_async(exchange &x, http_completion done) {
    return start_on_transport(observes() ? http_request(x.request) : std::move(x.request), std::move(done));
  }

  // Removes the API key from an error's texts, should a server or a
  // transport ever echo it.
  template <class T>
  result<T> scrub(result<T> r) const {
    if (!r) scrub_error(r.error());
    return r;
  }

  // Seeds for retry jitter; fixed by retry_policy::jitter_seed, random otherwise.
  KLING_LAZY std::uint64_t next_random();

  // "kling-cpp-" and 24 hex digits from a generator of their own (random
  // unless options::external_task_id_seed fixes it): unique enough per user
  // that two creates never share one by chance.
  KLING_LAZY std::string new_external_task_id();

protected:
  virtual ~session_core();

private:
  // The transport, as session<Transport> holds it.
  // give: nothing reads the request afterwards (no observer), so a transport
  // that takes one as an rvalue may move its headers and body.
  virtual result<http_response> send_on_transport(http_request &request, bool give) = 0;
  virtual abandon_request start_on_transport(http_request request, http_completion done) = 0;

  // Whether close() shows exchanges to an observer, which reads the request
  // sent: when not, the transport may be given the request itself.
  bool observes() const { return static_cast<bool>(options_.observer()); }

  // Reports an exchange to the observer. The key is redacted from both
  // sides: a server may echo it in an answer.
  KLING_LAZY void observe(http_request &request, const result<http_response> &answer,
                          protocol::time_point::duration elapsed) const;
  // Whether redact(text, key) would change text (redact leaves short keys alone).
  KLING_LAZY static bool holds_secret(const std::string &text, const std::string &key);
  KLING_LAZY void scrub_error(error &e) const;
  KLING_LAZY static result<url> check_base_url(const kling::options &o);
  KLING_LAZY std::uint64_t next(splitmix64 &generator);

  kling::options options_;
  result<void> settings_;
  result<url> base_;
  // What every request to the gateway carries, made once: its origin, and
  // its headers as setting them one by one would leave them.
  std::string origin_;
  http_headers gateway_headers_;
  std::mutex random_mutex_;
  splitmix64 jitter_;
  splitmix64 ids_;
};

template <class Transport>
class session final : public session_core {
public:
  session(kling::options opts, Transport transport)
      : session_core(std::move(opts)), transport_(std::move(transport)) {}

  Transport &transport() { return transport_; }
  const Transport &transport() const { return transport_; }

  // The exchange steps, as session_core's; each fails the build for a
  // transport that cannot take it.
  result<http_response> send(http_request request, const call_options &call) {
    check_blocking_transport<Transport>();
    return session_core::send(std::move(request), call);
  }
  abandon_request send_async(exchange &x, http_completion done) {
    check_async_transport<Transport>();
    return session_core::send_async(x, std::move(done));
  }

private:
  // What a driver holding only the session_core gets from a transport
  // without the call: an error, at run time (every call through
  // session<Transport> or a resource fails the build instead).
  result<http_response> send_on_transport(http_request &request, bool give) override {
    if constexpr (has_send_v<Transport>) {
      if (give)
        return transport_.send(std::move(request)); // send(http_request &&), where a transport has one
      return transport_.send(std::as_const(request));
    } else {
      return error{errc::configuration, "this transport cannot send blocking requests (it has no send)"};
    }
  }
  abandon_request start_on_transport(http_request request, http_completion done) override {
    if constexpr (start_exchange_detail::keeps_handle_v<Transport>) {
      return kling::start_exchange(transport_, std::move(request), std::move(done));
    } else {
      done(error{errc::configuration, "this transport cannot send asynchronously (it has no async_send "
                                      "returning void or a kling::abandon_request)"});
      return {};
    }
  }

  Transport transport_;
};

// A resource's session_core as the session<Transport> it was made from, for
// the drivers that check the transport at compile time.
template <class Transport>
std::shared_ptr<session<Transport>> session_of(const std::shared_ptr<session_core> &s) {
  return std::static_pointer_cast<session<Transport>>(s);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SESSION_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_SESSION_IPP)
#define KLING_CLIENT_SESSION_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF session_core::session_core(kling::options opts)
    : options_(std::move(opts)), settings_(options_.check()), base_(check_base_url(options_)),
      jitter_(options_.retry().jitter_seed ? options_.retry().jitter_seed : random_seed()),
      ids_(options_.external_task_id_seed() ? options_.external_task_id_seed() : random_seed()) {
  if (base_) origin_ = base_->origin();
  set_header(gateway_headers_, "User-Agent", user_agent);
  set_header(gateway_headers_, "Authorization", "Bearer " + options_.api_key());
  set_header(gateway_headers_, "Accept", "application/json");
  for (const auto &h : options_.headers())
    set_header(gateway_headers_, h.first, h.second);
}

KLING_DECL session_core::~session_core() = default;

KLING_LAZY_DEF result<session_core::exchange> session_core::open(http_request request,
                                                                 const call_options &call) const {
  if (!settings_) return settings_.error();
  if (auto checked = check_call_options(call); !checked) return std::move(checked).error();
  request.timeout = call.request_timeout.value_or(options_.request_timeout());
  if (!request.origin.empty()) {
    set_header(request.headers, "User-Agent", user_agent);
  } else {
    if (!base_) return base_.error();
    if (options_.api_key().empty()) {
      return error{errc::configuration,
                   "no API key: set options::api_key(...) or the KLING_API_KEY environment variable"};
    }
    request.origin = origin_;
    request.path.insert(0, base_->path);
    request.headers.reserve(request.headers.size() + gateway_headers_.size() + call.headers.size());
    for (const auto &h : gateway_headers_)
      set_header(request.headers, h.first, h.second);
    for (const auto &h : call.headers)
      set_header(request.headers, h.first, h.second);
    // A local image (media::local_image) becomes its Base64 here, as it is sent.
    auto body = media::inline_local_images(std::move(request.body));
    if (!body) return std::move(body).error();
    request.body = std::move(*body);
  }
  exchange x{std::move(request), {}, options_.time().now()};
  x.limit = body_limit::attach(x.request, options_.max_response_bytes());
  return x;
}

KLING_LAZY_DEF result<http_response> session_core::close(exchange &x, result<http_response> answer) const {
  answer = x.limit.finish(std::move(answer));
  observe(x.request, answer, options_.time().now() - x.started);
  return scrub(std::move(answer));
}

KLING_LAZY_DEF result<http_response> session_core::send(http_request request, const call_options &call) {
  auto x = open(std::move(request), call);
  if (!x) return std::move(x).error();
  x->request.cancel = call.cancel;
  return close(*x, send_on_transport(x->request, !observes()));
}

KLING_LAZY_DEF void session_core::observe(http_request &request, const result<http_response> &answer,
                                          protocol::time_point::duration elapsed) const {
  if (!options_.observer()) return;
  const std::string &key = options_.api_key();
  std::string body = std::move(request.body); // all but the body copied
  http_request shown = request;
  request.body = std::move(body);
  // Lent, moved back after the call; copied only when the key must be redacted from it.
  const bool lent = !holds_secret(request.body, key);
  if (lent)
    shown.body.swap(request.body);
  else
    shown.body = redact(request.body, key);
  shown.origin = redact(std::move(shown.origin), key);
  shown.path = redact(std::move(shown.path), key);
  for (auto &q : shown.query)
    q.second = redact(std::move(q.second), key);
  for (auto &h : shown.headers)
    h.second = redact(std::move(h.second), key);
  result<http_response> answered = scrub(answer);
  if (answered) {
    for (auto &h : answered->headers)
      h.second = redact(std::move(h.second), key);
    answered->body = redact(std::move(answered->body), key);
  }
  options_.observer()(
      exchange_record{shown, answered, std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)});
  if (lent) request.body.swap(shown.body);
}

KLING_LAZY_DEF bool session_core::holds_secret(const std::string &text, const std::string &key) {
  return redact(key, key) != key && text.find(key) != std::string::npos;
}

KLING_LAZY_DEF void session_core::scrub_error(error &e) const {
  const std::string &key = options_.api_key();
  // Every text of the error: the server chose the request id and the code too.
  for (std::string *text : {&e.message, &e.body_excerpt, &e.request_id, &e.provider_code})
    *text = redact(std::move(*text), key);
  for (auto &v : e.violations) {
    v.field = redact(std::move(v.field), key);
    v.message = redact(std::move(v.message), key);
  }
}

KLING_LAZY_DEF std::uint64_t session_core::next_random() { return next(jitter_); }

KLING_LAZY_DEF std::string session_core::new_external_task_id() {
  // Two statements: the order of function arguments is unspecified, and
  // a fixed seed must give the same id with every compiler.
  const std::uint64_t high = next(ids_);
  const std::uint64_t low = next(ids_);
  std::string id = "kling-cpp-";
  ascii::append_hex(id, high, 16);
  ascii::append_hex(id, low, 8);
  return id;
}

KLING_LAZY_DEF result<url> session_core::check_base_url(const kling::options &o) {
  if (o.base_url().empty()) {
    return error{errc::configuration,
                 "no base URL: set options::base_url(...) or the KLING_BASE_URL environment variable"};
  }
  auto parsed = parse_url(o.base_url());
  if (!parsed) return error{errc::configuration, "base URL: " + parsed.error().message};
  if (!parsed->userinfo.empty()) {
    return error{errc::configuration, "base URL must not contain credentials; use options::api_key"};
  }
  if (!parsed->query.empty() || !parsed->fragment.empty()) {
    return error{errc::configuration, "base URL must not have a query or fragment"};
  }
  if (parsed->scheme == "http" && !is_loopback_host(parsed->host) && !o.allow_insecure_http()) {
    error e{errc::configuration, "base URL uses plain http to " + parsed->host +
                                     ": the API key would travel unencrypted. Use https, or "
                                     "options::allow_insecure_http(true) if you really mean it"};
    e.cause = error_cause::insecure_http;
    return e;
  }
  while (!parsed->path.empty() && parsed->path.back() == '/')
    parsed->path.pop_back();
  return parsed;
}

KLING_LAZY_DEF std::uint64_t session_core::next(splitmix64 &generator) {
  std::lock_guard<std::mutex> lock(random_mutex_);
  return generator.next();
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_SESSION_IPP
