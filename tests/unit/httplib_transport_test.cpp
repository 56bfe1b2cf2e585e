// httplib_transport over real loopback sockets: what reaches the server,
// keep-alive, timeouts, refused and dropped connections, and TLS
// verification against a certificate made here.
#include <kling/fwd.hpp> // first: its declarations, then the definitions they must match
#include <kling/kling.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <httplib.h> // the test's own servers (kling's headers need not include it)
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../support/catch.hpp"

// kling/fwd.hpp's client alias is the library's (the other names: tests/unit/core_test.cpp).
static_assert(std::is_same<kling::client, kling::basic_client<kling::httplib_transport>>::value &&
                  sizeof(kling::httplib_transport) > 0,
              "kling/fwd.hpp declares kling::client as the library defines it");

namespace {

// An httplib server on 127.0.0.1 and a free port, running on its own thread.
template <class Server>
class loopback_server {
public:
  template <class... Args>
  explicit loopback_server(Args &&...args) : server_(std::forward<Args>(args)...) {}
  ~loopback_server() { stop(); }

  Server &operator*() { return server_; }
  Server *operator->() { return &server_; }

  int start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens from bind on; wait for the accept loop so stop() is never early.
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return port_;
  }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

private:
  Server server_;
  std::thread thread_;
  int port_ = 0;
};

kling::http_request request_to(std::string origin, std::string method, std::string path) {
  kling::http_request r;
  r.origin = std::move(origin);
  r.method = std::move(method);
  r.path = std::move(path);
  r.timeout = std::chrono::seconds(5);
  return r;
}

// A port nothing listens on: bound once, then released.
int closed_port() {
  loopback_server<httplib::Server> probe;
  const int port = probe.start();
  probe.stop();
  return port;
}

} // namespace

TEST_CASE("cpp-httplib's compile flags come from its package", "[transport][httplib]") {
  // The Debian trap: libcpp-httplib.so is built with these macros, and they
  // change the layout of httplib's classes. The build must take them from
  // cpp-httplib's package; KLING_TEST_HTTPLIB_CFLAGS is what the package says.
  const std::string flags = KLING_TEST_HTTPLIB_CFLAGS;
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
  const bool tls = true;
#else
  const bool tls = false;
#endif
#if defined(CPPHTTPLIB_ZLIB_SUPPORT)
  const bool zlib = true;
#else
  const bool zlib = false;
#endif
#if defined(CPPHTTPLIB_BROTLI_SUPPORT)
  const bool brotli = true;
#else
  const bool brotli = false;
#endif
  CHECK(tls == (flags.find("CPPHTTPLIB_OPENSSL_SUPPORT") != std::string::npos));
  CHECK(zlib == (flags.find("CPPHTTPLIB_ZLIB_SUPPORT") != std::string::npos));
  CHECK(brotli == (flags.find("CPPHTTPLIB_BROTLI_SUPPORT") != std::string::npos));
}

TEST_CASE("requests reach a loopback server intact", "[transport][httplib]") {
  loopback_server<httplib::Server> server;
  std::vector<std::string> seen;
  server->Post("/api/v1/videos", [&](const httplib::Request &req, httplib::Response &res) {
    seen.push_back(req.method + " " + req.path + " " + req.get_header_value("Authorization") + " " +
                   req.get_header_value("Content-Type") + " " + req.body);
    res.set_header("X-Request-Id", "rid-42");
    res.set_content(R"({"id":"task_1","status":"pending"})", "application/json");
  });
  server->Get(R"(/api/v1/videos/(.*))", [&](const httplib::Request &req, httplib::Response &res) {
    seen.push_back(req.method + " " + req.target + " provider=" + req.get_param_value("provider"));
    res.status = 404;
    res.set_content(R"({"error":{"message":"no such task","code":"not_found"}})", "application/json");
  });
  const int port = server.start();

  kling::client client{kling::options{}
                           .base_url("http://127.0.0.1:" + std::to_string(port) + "/api")
                           .api_key("k-123456")
                           .generate_external_task_ids(false)
                           .retry(kling::protocol::retry_policy::none())};
  auto created = client.videos().create({{"model", "Kling-V2.6"}, {"prompt", "a cat"}});
  REQUIRE(created);
  CHECK(created->id == "task_1");

  auto missing = client.videos().get("x y", "kling");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == kling::errc::not_found);
  CHECK(missing.error().http_status == 404);
  CHECK(missing.error().provider_code == "not_found");

  REQUIRE(seen.size() == 2);
  CHECK(seen[0] ==
        R"(POST /api/v1/videos Bearer k-123456 application/json {"model":"Kling-V2.6","prompt":"a cat"})");
  CHECK(seen[1] == "GET /api/v1/videos/x%20y?provider=kling provider=kling");
}

TEST_CASE("a request given as an rvalue is sent as a const one is, and one lent is left intact",
          "[transport][httplib]") {
  loopback_server<httplib::Server> server;
  std::vector<std::string> seen;
  server->Post("/v1/videos", [&](const httplib::Request &req, httplib::Response &res) {
    seen.push_back(req.get_header_value("X-Trace") + " " + req.body);
    res.set_content(R"({"id":"task_1","status":"pending"})", "application/json");
  });
  const int port = server.start();
  kling::httplib_transport transport;
  kling::http_request request = request_to("http://127.0.0.1:" + std::to_string(port), "POST", "/v1/videos");
  request.headers = {{"X-Trace", "trace-0123456789abcdef"}, {"Content-Type", "application/json"}};
  request.body = R"({"prompt":"a cat in a long enough body to live on the heap"})";
  const kling::http_request copy = request;
  auto lent = transport.send(request);
  REQUIRE(lent);
  CHECK(request.body == copy.body);
  CHECK(request.headers == copy.headers);
  auto given = transport.send(std::move(request));
  REQUIRE(given);
  CHECK(given->status == 200);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == "trace-0123456789abcdef " + copy.body);
  CHECK(seen[1] == seen[0]);
}

TEST_CASE("keep-alive reuses one connection for sequential requests", "[transport][httplib]") {
  loopback_server<httplib::Server> server;
  std::set<int> client_ports;
  std::mutex mutex;
  server->Get("/ping", [&](const httplib::Request &req, httplib::Response &res) {
    std::lock_guard<std::mutex> lock(mutex);
    client_ports.insert(req.remote_port);
    res.set_content("pong", "text/plain");
  });
  const int port = server.start();
  kling::httplib_transport transport;
  const std::string origin = "http://127.0.0.1:" + std::to_string(port);
  // Another spelling of the origin is the same origin and shares its connection
  // (5 requests: cpp-httplib's server closes a connection after that many).
  const std::string respelled = "HTTP://127.0.0.1:" + std::to_string(port) + "/";
  for (int i = 0; i < 5; ++i) {
    auto r = transport.send(request_to(i % 2 == 0 ? origin : respelled, "GET", "/ping"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "pong");
  }
  CHECK(client_ports.size() == 1);

  // Concurrent callers each get a connection; all succeed.
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (transport.send(request_to(origin, "GET", "/ping"))) ++ok;
      }
    });
  }
  for (auto &t : threads)
    t.join();
  CHECK(ok == 20);
}

TEST_CASE("a client's 1,000 sequential requests travel over one connection", "[transport][httplib][wire]") {
  loopback_server<httplib::Server> server;
  server->set_keep_alive_max_count(100000); // cpp-httplib's default closes after 5
  server->set_tcp_nodelay(true);
  std::set<int> client_ports;
  std::mutex mutex;
  const auto seen = [&](const httplib::Request &req) {
    std::lock_guard<std::mutex> lock(mutex);
    client_ports.insert(req.remote_port);
  };
  server->Post("/api/v1/videos", [&](const httplib::Request &req, httplib::Response &res) {
    seen(req);
    res.set_content(R"({"id":"task_1","status":"pending"})", "application/json");
  });
  server->Get("/api/v1/videos/task_1", [&](const httplib::Request &req, httplib::Response &res) {
    seen(req);
    res.set_content(R"({"id":"task_1","status":"processing"})", "application/json");
  });
  const int port = server.start();
  kling::client client{
      kling::options{}.base_url("http://127.0.0.1:" + std::to_string(port) + "/api").api_key("k-1234")};
  kling::text_to_video request;
  request.prompt = "a cat";
  int answered = 0;
  for (int i = 0; i < 500; ++i) {
    if (client.videos().create(request)) ++answered;
    if (client.videos().get("task_1")) ++answered;
  }
  CHECK(answered == 1000);
  CHECK(client_ports.size() == 1);
}

TEST_CASE("a refused connection is a connection error that was never sent", "[transport][httplib]") {
  kling::httplib_transport transport;
  auto r = transport.send(request_to("http://127.0.0.1:" + std::to_string(closed_port()), "GET", "/"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == kling::errc::connection);
  CHECK_FALSE(r.error().request_sent);
}

TEST_CASE("a slow answer is a timeout; a dropped one is a connection error after sending",
          "[transport][httplib]") {
  loopback_server<httplib::Server> server;
  server->Get("/slow", [](const httplib::Request &, httplib::Response &res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content("late", "text/plain");
  });
  server->Get("/drop", [](const httplib::Request &, httplib::Response &res) {
    // Promise 100 bytes, then abort: the connection closes mid-answer.
    res.set_content_provider(100, "application/json",
                             [](std::size_t, std::size_t, httplib::DataSink &) { return false; });
  });
  const int port = server.start();
  kling::httplib_transport transport;
  const std::string origin = "http://127.0.0.1:" + std::to_string(port);

  auto slow = request_to(origin, "GET", "/slow");
  slow.timeout = std::chrono::milliseconds(300);
  auto timed_out = transport.send(slow);
  REQUIRE_FALSE(timed_out);
  CHECK(timed_out.error().code == kling::errc::timeout);
  CHECK(timed_out.error().request_sent);

  auto dropped = transport.send(request_to(origin, "GET", "/drop"));
  REQUIRE_FALSE(dropped);
  CHECK(dropped.error().code == kling::errc::connection);
  CHECK(dropped.error().request_sent);
}

TEST_CASE("a bad origin is a configuration error", "[transport][httplib]") {
  kling::httplib_transport transport;
  for (int attempt = 0; attempt < 2; ++attempt) { // refused every time, not only the first
    auto r = transport.send(request_to("not a url", "GET", "/"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::configuration);
  }
}

#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
namespace {

// A self-signed certificate for 127.0.0.1, made with OpenSSL for this test only.
struct test_certificate {
  EVP_PKEY *key = nullptr;
  X509 *cert = nullptr;
  std::string pem_path;

  test_certificate() {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("127.0.0.1"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (const char *ext : {"IP:127.0.0.1", "critical,CA:TRUE"}) {
      const int nid = ext[0] == 'I' ? NID_subject_alt_name : NID_basic_constraints;
      X509_EXTENSION *e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, ext);
      X509_add_ext(cert, e, -1);
      X509_EXTENSION_free(e);
    }
    X509_sign(cert, key, EVP_sha256());
    char path[] = "/tmp/kling-test-ca-XXXXXX";
    const int fd = mkstemp(path);
    pem_path = path;
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  ~test_certificate() {
    std::remove(pem_path.c_str());
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

} // namespace

TEST_CASE("TLS certificates are verified: an untrusted one fails, a trusted CA file works",
          "[transport][httplib][tls]") {
  test_certificate certificate;
  REQUIRE(certificate.cert != nullptr);
  loopback_server<httplib::SSLServer> server(certificate.cert, certificate.key);
  REQUIRE(server->is_valid());
  server->Get("/hello",
              [](const httplib::Request &, httplib::Response &res) { res.set_content("hi", "text/plain"); });
  const std::string origin = "https://127.0.0.1:" + std::to_string(server.start());

  kling::httplib_transport default_trust;
  auto untrusted = default_trust.send(request_to(origin, "GET", "/hello"));
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.error().code == kling::errc::tls);
  CHECK_FALSE(untrusted.error().request_sent);

  kling::network_settings settings;
  settings.ca_file = certificate.pem_path;
  kling::httplib_transport own_ca(settings);
  auto trusted = own_ca.send(request_to(origin, "GET", "/hello"));
  REQUIRE(trusted);
  CHECK(trusted->body == "hi");
}
#endif
