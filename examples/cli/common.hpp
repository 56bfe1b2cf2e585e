// What every subcommand of the kling tool shares: reading FILE|-, the
// client built from the global options, verbose logging, printing errors
// with the exit code they deserve, and progress on stderr.
#ifndef KLING_CLI_COMMON_HPP
#define KLING_CLI_COMMON_HPP

#include <kling/kling.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "arguments.hpp"

namespace kling_cli {

inline int usage_error(const std::string &message) {
  std::cerr << "kling: " << message << "\nRun 'kling --help' for usage.\n";
  return exit_usage;
}

// The text of FILE, or of standard input for "-".
inline std::optional<std::string> read_input(const std::string &path, std::string &problem) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    if (std::cin.bad()) {
      problem = "cannot read standard input";
      return std::nullopt;
    }
    return text.str();
  }
  auto bytes = kling::files::read_file(path, std::uint64_t{1} << 30);
  if (!bytes) {
    problem = bytes.error().message;
    return std::nullopt;
  }
  return std::move(*bytes);
}

// The JSON of the single operand FILE|-, or a usage error already reported in `exit`.
inline std::optional<kling::json> read_json_operand(const arguments &args, const std::string &command_name,
                                                    int &exit) {
  if (args.operands.size() != 1) {
    exit = usage_error(command_name + " takes one FILE (or - for standard input)");
    return std::nullopt;
  }
  std::string problem;
  auto text = read_input(args.operands[0], problem);
  if (!text) {
    exit = usage_error(problem);
    return std::nullopt;
  }
  auto parsed = kling::parse_json(*text);
  if (!parsed) {
    exit = usage_error((args.operands[0] == "-" ? std::string("standard input") : args.operands[0]) + " is " +
                       parsed.error().message);
    return std::nullopt;
  }
  return std::move(*parsed);
}

// Prints an error of the library and returns the exit code it deserves:
// 3 for a request refused by validation, 2 for options that cannot work,
// 1 for everything that went wrong at run time.
inline int report_failure(const kling::error &e) {
  std::cerr << "kling: " << kling::to_string(e) << '\n';
  if (!e.body_excerpt.empty() && e.message.find(e.body_excerpt) == std::string::npos) {
    std::cerr << "  the gateway answered: " << e.body_excerpt.substr(0, 200) << '\n';
  }
  switch (e.code) {
  case kling::errc::invalid_request:
    if (!e.violations.empty()) {
      std::cerr << "Fix the fields named above (see 'kling rules'), or check with 'kling validate FILE'.\n";
      return exit_invalid;
    }
    return exit_failure;
  case kling::errc::configuration:
    if (e.cause == kling::error_cause::insecure_http) // the library names its C++ option; say what works here
      std::cerr << "The kling tool sends plain http only to this machine: use an https:// base URL.\n";
    else
      std::cerr << "Set --base-url and --api-key (or KLING_BASE_URL and KLING_API_KEY).\n";
    return exit_usage;
  case kling::errc::connection:
  case kling::errc::timeout:
    std::cerr
        << "Is the base URL right and the gateway reachable? 'kling --verbose ...' shows each request.\n";
    return exit_failure;
  case kling::errc::auth: std::cerr << "Check the API key.\n"; return exit_failure;
  case kling::errc::malformed_input:
    std::cerr << "The input named above is not well formed (a file, a URL or Base64 text).\n";
    return exit_failure;
  default: return exit_failure;
  }
}

// Everything the tool prints on stdout and stderr passes through one of
// these, so the API key never reaches a terminal or a log, even when a
// server echoes it back inside a task or an error page. Text is held until
// a line ends or the stream is flushed, then written with the secrets redacted.
class redacting_buffer : public std::streambuf {
public:
  redacting_buffer(std::streambuf *out, std::vector<std::string> secrets)
      : out_(out), secrets_(std::move(secrets)) {}
  ~redacting_buffer() override { write_pending(); }

protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    pending_ += traits_type::to_char_type(c);
    if (c == '\n' || c == '\r') write_pending();
    return c;
  }
  std::streamsize xsputn(const char *text, std::streamsize n) override {
    pending_.append(text, static_cast<std::size_t>(n));
    if (pending_.find_first_of("\r\n") != std::string::npos) write_pending();
    return n;
  }
  int sync() override {
    write_pending();
    return out_->pubsync();
  }

private:
  void write_pending() {
    for (const auto &secret : secrets_)
      pending_ = kling::redact(std::move(pending_), secret);
    out_->sputn(pending_.data(), static_cast<std::streamsize>(pending_.size()));
    pending_.clear();
  }

  std::streambuf *out_;
  std::vector<std::string> secrets_;
  std::string pending_;
};

// Puts std::cout and std::cerr behind redacting buffers for its lifetime.
class redacted_output {
public:
  explicit redacted_output(const std::vector<std::string> &secrets)
      : out_(std::cout.rdbuf(), secrets), err_(std::cerr.rdbuf(), secrets), old_out_(std::cout.rdbuf(&out_)),
        old_err_(std::cerr.rdbuf(&err_)) {}
  ~redacted_output() {
    std::cout.flush();
    std::cerr.flush();
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  redacted_output(const redacted_output &) = delete;
  redacted_output &operator=(const redacted_output &) = delete;

private:
  redacting_buffer out_, err_;
  std::streambuf *old_out_;
  std::streambuf *old_err_;
};

// The secrets the tool was given: the key from the environment and every
// --api-key on the command line (the fake gateway's own key included).
inline std::vector<std::string> given_secrets(int argc, char **argv) {
  std::vector<std::string> out;
  if (const char *key = std::getenv("KLING_API_KEY")) out.emplace_back(key);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--api-key" && i + 1 < argc) out.emplace_back(argv[i + 1]);
    if (arg.rfind("--api-key=", 0) == 0) out.push_back(arg.substr(10));
  }
  return out;
}

// Formats like printf, for progress lines that go through std::cerr.
template <class... Args>
std::string format(const char *pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

inline void print_json(const kling::json &value) {
  std::cout << kling::dump_json(value, 2) << '\n' << std::flush;
}

inline bool stderr_is_terminal() { return ::isatty(2) == 1; }

// The global options, applied over the environment.
inline std::optional<kling::options> client_options(const arguments &args, int &exit) {
  auto options = kling::options::from_environment();
  if (auto url = args.option("--base-url")) options.base_url(*url);
  if (auto key = args.option("--api-key")) options.api_key(*key);
  const auto seconds = [&](const char *name) -> std::optional<double> {
    auto text = args.option(name);
    if (!text) return std::nullopt;
    auto value = parse_seconds(*text);
    if (!value)
      exit = usage_error(std::string(name) + " needs a positive number of seconds, not '" + *text + "'");
    return value;
  };
  const auto ms = [](double s) {
    return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000)));
  };
  auto wait = options.wait();
  if (auto s = seconds("--timeout")) options.request_timeout(ms(*s));
  if (auto s = seconds("--wait-timeout")) wait.timeout = ms(*s);
  if (auto s = seconds("--poll-interval")) {
    wait.first_interval = wait.max_interval = ms(*s);
    wait.interval_growth = 1.0;
  }
  if (auto text = args.option("--lookup-window")) {
    auto retry = options.retry();
    if (*text == "0") {
      retry.lookup_window = std::chrono::milliseconds(0);
    } else if (auto s = parse_seconds(*text); s && *s <= 3600) {
      retry.lookup_window = ms(*s);
    } else {
      exit = usage_error("--lookup-window needs a number of seconds from 0 to 3600, not '" + *text + "'");
    }
    options.retry(retry);
  }
  if (exit != exit_success) return std::nullopt;
  options.wait(wait);
  if (args.has("--verbose")) {
    // The request as sent (Authorization already redacted by the library) and the answer.
    options.observe([](const kling::exchange_record &x) {
      std::cerr << "> " << x.request.method << ' ' << x.request.url() << '\n';
      for (const auto &h : x.request.headers)
        std::cerr << "> " << h.first << ": " << h.second << '\n';
      if (!x.request.body.empty()) std::cerr << "> " << kling::utf8::excerpt(x.request.body, 2000) << '\n';
      if (x.response) {
        std::cerr << "< " << x.response->status << " (" << x.elapsed.count() << " ms)\n";
        if (!x.response->body.empty())
          std::cerr << "< " << kling::utf8::excerpt(x.response->body, 2000) << '\n';
      } else {
        std::cerr << "< failed (" << x.elapsed.count() << " ms): " << kling::to_string(x.response.error())
                  << '\n';
      }
    });
  }
  return options;
}

// Progress of a wait on stderr: one line redrawn in place on a terminal, a
// line per change otherwise (logs stay readable).
class wait_display {
public:
  explicit wait_display(std::string label) : label_(std::move(label)), terminal_(stderr_is_terminal()) {}
  ~wait_display() { finish(); }

  void update(const kling::wait_progress &p) {
    const long long s = p.elapsed.count() / 1000;
    char clock[32];
    std::snprintf(clock, sizeof clock, "%02lld:%02lld", s / 60, s % 60);
    if (terminal_) {
      static const char *const spinner[] = {"|", "/", "-", "\\"};
      std::cerr << format("\r%s %s %-10s %s  poll %d ", spinner[p.polls % 4], label_.c_str(),
                          kling::to_string(p.status), clock, p.polls)
                << std::flush;
      drawn_ = true;
    } else if (p.status != last_) {
      std::cerr << format("%s: %s after %s\n", label_.c_str(), kling::to_string(p.status), clock);
    }
    last_ = p.status;
  }
  void finish() {
    if (drawn_) std::cerr << '\n';
    drawn_ = false;
  }

private:
  std::string label_;
  bool terminal_;
  bool drawn_ = false;
  kling::task_status last_ = kling::task_status::unknown;
};

// Progress of a download on stderr: a bar on a terminal, a few lines otherwise.
class download_display {
public:
  explicit download_display(std::string path) : path_(std::move(path)), terminal_(stderr_is_terminal()) {}
  ~download_display() { finish(); }

  void update(const kling::download_progress &p) {
    const int percent = p.total && *p.total > 0 ? static_cast<int>(p.bytes * 100 / *p.total) : -1;
    if (terminal_) {
      const int filled = percent < 0 ? 0 : percent / 5;
      std::cerr << format("\rdownloading %s [%-20s] %s %llu bytes", path_.c_str(),
                          std::string(filled, '#').c_str(),
                          percent < 0 ? "" : (std::to_string(percent) + "%").c_str(),
                          static_cast<unsigned long long>(p.bytes))
                << std::flush;
      drawn_ = true;
    } else if (percent >= next_percent_) {
      std::cerr << format("downloading %s: %d%%\n", path_.c_str(), percent);
      next_percent_ = percent / 25 * 25 + 25;
    }
  }
  void finish() {
    if (drawn_) std::cerr << '\n';
    drawn_ = false;
  }

private:
  std::string path_;
  bool terminal_;
  bool drawn_ = false;
  int next_percent_ = 0;
};

} // namespace kling_cli

#endif // KLING_CLI_COMMON_HPP
