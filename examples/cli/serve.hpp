// kling serve: the fake gateway in the foreground, for trying the tool and
// the library without a key or a network, and for black-box tests.
#ifndef KLING_CLI_SERVE_HPP
#define KLING_CLI_SERVE_HPP

#include <kling/testing/fake_gateway.hpp>

#include <atomic>
#include <csignal>
#include <thread>

#include "common.hpp"

namespace kling_cli {

namespace serve_detail {
inline std::atomic<bool> stop_requested{false};
extern "C" inline void on_signal(int) { stop_requested = true; }

// "KIND[:WHERE[:HOW]]", e.g. "drop_after_create:creates:1", "server_error=503:polls:every=2",
// "rate_limit=1302:creates:rate=0.3", "slow=1500:creates", "trickle=20:downloads" (1 KiB
// pieces, 20 ms apart). WHERE: creates, polls,
// downloads, elements, any (default); HOW: a count (default 1), every=N or rate=P.
inline std::optional<std::string> plan_fault(kling::testing::fake_gateway &gateway, const std::string &spec) {
  using kling::testing::fault;
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  const auto eq = parts[0].find('=');
  const std::string kind = parts[0].substr(0, eq);
  const std::string value = eq == std::string::npos ? "" : parts[0].substr(eq + 1);
  const auto number = [](const std::string &text, long fallback) {
    if (text.empty()) return fallback;
    const auto v = kling::numbers::parse_integer<long>(text);
    return v && *v >= 0 ? *v : -1;
  };
  fault f;
  if (kind == "rate_limit")
    f = fault::rate_limited(value.empty() ? "1302" : value, 1);
  else if (kind == "server_error")
    f = fault::server(static_cast<int>(number(value, 502)));
  else if (kind == "drop_after_create")
    f = fault::dropped_after_create();
  else if (kind == "slow_after_create")
    f = fault::slow_after_create(std::chrono::milliseconds(number(value, 2000)));
  else if (kind == "error_after_create")
    f = fault::server_after_create(static_cast<int>(number(value, 502)));
  else if (kind == "drop")
    f = fault::dropped();
  else if (kind == "slow")
    f = fault::slow_answer(std::chrono::milliseconds(number(value, 2000)));
  else if (kind == "not_json")
    f = fault::html_body();
  else if (kind == "truncate")
    f = fault::truncated();
  else if (kind == "trickle")
    f = fault::trickled(std::chrono::milliseconds(number(value, 20)));
  else
    return "unknown fault kind '" + kind + "'";
  if (f.status < 0 || f.delay.count() < 0) return "bad value in fault '" + spec + "'";

  kling::testing::request_match where = kling::testing::request_match::any();
  const std::string place = parts.size() > 1 ? parts[1] : "any";
  if (place == "creates")
    where = kling::testing::request_match::creates();
  else if (place == "polls")
    where = kling::testing::request_match::polls();
  else if (place == "downloads")
    where = kling::testing::request_match::downloads();
  else if (place == "elements")
    where = {"", "/v1/elements/"};
  else if (place != "any")
    return "unknown place '" + place + "' in fault '" + spec + "'";

  const std::string how = parts.size() > 2 ? parts[2] : "1";
  if (how.rfind("every=", 0) == 0) {
    const long n = number(how.substr(6), -1);
    if (n < 1) return "every= needs a positive count in fault '" + spec + "'";
    gateway.inject_every(f, static_cast<int>(n), where);
  } else if (how.rfind("rate=", 0) == 0) {
    const double p = kling::numbers::parse_decimal(how.substr(5)).value_or(0);
    if (!(p > 0 && p <= 1)) return "rate= needs a probability in (0, 1] in fault '" + spec + "'";
    gateway.inject_rate(f, p, where);
  } else {
    const long n = number(how, -1);
    if (n < 1) return "bad count '" + how + "' in fault '" + spec + "'";
    gateway.inject(f, where, static_cast<int>(n));
  }
  return std::nullopt;
}
} // namespace serve_detail

inline int run_serve(const arguments &args) {
  if (!args.operands.empty()) return usage_error("serve takes no operands");
  kling::testing::fake_gateway_options options;
  if (auto key = args.option("--api-key")) options.api_key = *key;
  if (auto port = args.option("--port")) {
    const auto p = kling::numbers::parse_integer<int>(*port);
    if (!p || *p < 0 || *p > 65535) {
      return usage_error("--port needs a number from 0 to 65535, not '" + *port + "'");
    }
    options.port = *p;
  } else {
    options.port = 8787;
  }
  if (auto s = args.option("--processing-seconds")) {
    auto v = parse_seconds(*s);
    if (!v) return usage_error("--processing-seconds needs a positive number");
    options.pending_for = std::chrono::milliseconds(static_cast<long long>(*v * 250));
    options.processing_for = std::chrono::milliseconds(static_cast<long long>(*v * 750));
  }
  options.unified_shape = args.has("--unified");
  // The worst the document allows: repeated external_task_ids accepted, lookups by them late.
  options.refuse_duplicate_external_ids = !args.has("--accept-duplicates");
  if (auto n = args.option("--lookup-lag")) {
    char *end = nullptr;
    const long v = std::strtol(n->c_str(), &end, 10);
    if (n->empty() || end != n->c_str() + n->size() || v < 0 || v > 1000000)
      return usage_error("--lookup-lag needs a number of lookups, not '" + *n + "'");
    options.lookup_lag_lookups = static_cast<int>(v);
  }
  if (auto s = args.option("--lookup-lag-seconds")) {
    auto v = parse_seconds(*s);
    if (!v) return usage_error("--lookup-lag-seconds needs a positive number");
    options.lookup_lag = std::chrono::milliseconds(static_cast<long long>(*v * 1000));
  }
  kling::testing::fake_gateway gateway(options);
  for (const auto &spec : args.all("--fault")) {
    if (auto problem = serve_detail::plan_fault(gateway, spec)) return usage_error(*problem);
  }
  auto started = gateway.start();
  if (!started) {
    std::cerr << "kling: " << started.error().message << " (is the port in use? try --port 0)\n";
    return exit_failure;
  }
  std::signal(SIGINT, serve_detail::on_signal);
  std::signal(SIGTERM, serve_detail::on_signal);
  std::cout << gateway.base_url() << '\n' << std::flush;
  // A key given with --api-key may be a real one: it is not repeated.
  const std::string key = args.option("--api-key") ? "KEY" : gateway.api_key();
  std::cerr << "kling: fake gateway listening on " << gateway.base_url() << "\n"
            << (args.option("--api-key") ? "  API key: the one given with --api-key\n"
                                         : "  API key: " + key + " (a test key, not a secret)\n")
            << "  try: kling --base-url " << gateway.base_url() << " --api-key " << key
            << " create request.json --wait\n"
            << "  stop with Ctrl-C\n";
  while (!serve_detail::stop_requested)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gateway.stop();
  std::cerr << "kling: stopped after " << gateway.requests() << " requests, " << gateway.tasks_created()
            << " tasks created\n";
  return exit_success;
}

} // namespace kling_cli

#endif // KLING_CLI_SERVE_HPP
