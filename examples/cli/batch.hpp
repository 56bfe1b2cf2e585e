// kling batch: many videos from one JSON Lines manifest, through the
// library's batch runner (kling/client/batch.hpp) and its journal, so that a
// batch killed at any moment is run again to the end without paying twice.
#ifndef KLING_CLI_BATCH_HPP
#define KLING_CLI_BATCH_HPP

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include "../support/threaded_transport.hpp"
#include "common.hpp"

namespace kling_cli {

namespace batch_detail {

inline kling::cancellation_source &interrupt() {
  static kling::cancellation_source source;
  return source;
}
extern "C" inline void on_interrupt(int) { interrupt().cancel(); }

// "K/N" with 1 <= K <= N.
inline bool parse_shard(const std::string &text, std::size_t &k, std::size_t &n) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  const auto a = kling::numbers::parse_integer<long>(text.substr(0, slash));
  const auto b = kling::numbers::parse_integer<long>(text.substr(slash + 1));
  if (!a || !b || *b < 1 || *b > 1000000 || *a < 1 || *a > *b) return false;
  k = static_cast<std::size_t>(*a);
  n = static_cast<std::size_t>(*b);
  return true;
}

// {"valid", "lines", "violations": [{"line", "rule", "field", "message"}]}
inline nlohmann::ordered_json manifest_report(const kling::rules::manifest &m) {
  nlohmann::ordered_json violations = nlohmann::ordered_json::array();
  for (const auto &v : m.violations)
    violations.push_back(
        {{"line", v.line}, {"rule", v.what.rule}, {"field", v.what.field}, {"message", v.what.message}});
  return {{"valid", m.valid()}, {"items", m.entries.size()}, {"violations", std::move(violations)}};
}

// Progress on stderr: on a terminal, a view redrawn in place (counts, then
// the items under way with their status or bytes); otherwise a line per change.
class batch_display {
public:
  explicit batch_display(std::size_t total) : total_(total), terminal_(stderr_is_terminal()) {}

  void update(const kling::batch_progress &p) {
    kling::batch_progress &known = items_[p.name];
    const bool changed = known.state != p.state || known.status != p.status || known.name.empty() ||
                         known.looking_up != p.looking_up;
    known = p;
    if (terminal_) return redraw(false);
    if (!changed) return;
    std::string line = "kling: " + p.name + ": " + kling::to_string(p.state);
    switch (p.state) {
    case kling::batch_state::creating:
      line += p.looking_up ? " (looking up its external_task_id)" : "";
      break;
    case kling::batch_state::waiting:
      line += std::string(" (") + kling::to_string(p.status) + ", task " + p.task_id + ")";
      break;
    case kling::batch_state::done: line += " " + p.file + " (" + std::to_string(p.bytes) + " bytes)"; break;
    case kling::batch_state::failed: line += ": " + (p.failure ? kling::to_string(*p.failure) : ""); break;
    default: break;
    }
    std::cerr << line << '\n';
  }

  void finish() { redraw(true); }

private:
  void redraw(bool force) {
    if (!terminal_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - drawn_at_ < std::chrono::milliseconds(100)) return;
    drawn_at_ = now;
    std::size_t done = 0, failed = 0, running = 0;
    std::vector<std::string> lines;
    for (const auto &entry : items_) {
      const auto &p = entry.second;
      if (p.state == kling::batch_state::done) ++done;
      if (p.state == kling::batch_state::failed) ++failed;
      if (p.state == kling::batch_state::done || p.state == kling::batch_state::failed ||
          p.state == kling::batch_state::queued)
        continue;
      ++running;
      if (lines.size() >= 12) continue;
      std::string detail = kling::to_string(p.state);
      if (p.state == kling::batch_state::waiting) detail += std::string(" ") + kling::to_string(p.status);
      if (p.state == kling::batch_state::creating && p.looking_up) detail += " (looking up)";
      if (p.state == kling::batch_state::downloading)
        detail += " " + std::to_string(p.bytes) + (p.total ? "/" + std::to_string(*p.total) : "") + " bytes";
      lines.push_back(format("  %-24.24s %s", p.name.c_str(), detail.c_str()));
    }
    std::string out;
    if (lines_drawn_ > 0) out += "\x1b[" + std::to_string(lines_drawn_) + "A";
    out += "\r\x1b[J";
    out += format("batch: %zu/%zu done, %zu failed, %zu under way\n", done, total_, failed, running);
    for (const auto &l : lines)
      out += l + "\n";
    lines_drawn_ = lines.size() + 1;
    std::cerr << out << std::flush;
  }

  std::size_t total_;
  bool terminal_;
  std::map<std::string, kling::batch_progress> items_;
  std::chrono::steady_clock::time_point drawn_at_{};
  std::size_t lines_drawn_ = 0;
};

} // namespace batch_detail

inline int run_batch(const arguments &args) {
  using namespace batch_detail;
  if (args.operands.size() != 1)
    return usage_error("batch takes one MANIFEST (JSON Lines, or - for standard input)");
  std::string problem;
  auto text = read_input(args.operands[0], problem);
  if (!text) return usage_error(problem);
  std::size_t shard_k = 1, shard_n = 1;
  if (auto shard = args.option("--shard"); shard && !parse_shard(*shard, shard_k, shard_n))
    return usage_error("--shard needs K/N with 1 <= K <= N, not '" + *shard + "'");
  int concurrency = 4;
  if (auto c = args.option("--concurrency")) {
    const auto v = kling::numbers::parse_integer<int>(*c);
    if (!v || *v < 1 || *v > 256)
      return usage_error("--concurrency needs a number from 1 to 256, not '" + *c + "'");
    concurrency = *v;
  }
  std::optional<double> backoff;
  if (auto b = args.option("--concurrency-backoff")) {
    backoff = parse_seconds(*b);
    if (!backoff || *backoff > 3600) return usage_error("--concurrency-backoff needs seconds from 0 to 3600");
  }
  const auto out_dir = args.option("--out");
  if (!out_dir && !args.has("--dry-run")) return usage_error("batch needs --out DIR (where the videos go)");

  // Every line is checked before anything is sent.
  const kling::rules::manifest manifest = kling::rules::read_manifest(*text);
  if (!manifest.valid()) {
    for (const auto &v : manifest.violations)
      std::cerr << "kling: line " << v.line << ": [" << v.what.rule << "] " << v.what.field << ": "
                << v.what.message << '\n';
    std::cerr << "kling: the manifest breaks " << manifest.violations.size()
              << (manifest.violations.size() == 1 ? " rule" : " rules") << "; nothing was sent\n";
    std::cout << kling::dump_json(manifest_report(manifest), 2) << std::endl;
    return exit_invalid;
  }
  const auto entries = kling::rules::shard(manifest.entries, shard_k, shard_n);
  if (args.has("--dry-run")) {
    std::cerr << "kling: " << manifest.entries.size() << " items, all valid; " << entries.size()
              << " in shard " << shard_k << "/" << shard_n << '\n';
    std::cout << kling::dump_json(manifest_report(manifest), 2) << std::endl;
    return exit_success;
  }

  int exit = exit_success;
  auto options = client_options(args, exit);
  if (!options) return exit;
  std::vector<kling::batch_item> items;
  for (const auto &e : entries)
    items.push_back({e.name, e.request});

  kling::batch_settings settings;
  settings.out_dir = *out_dir;
  settings.concurrency = concurrency;
  settings.tracker.max_creates_in_flight = std::min(concurrency, 8);
  if (backoff) {
    settings.tracker.concurrency_backoff = std::chrono::milliseconds(static_cast<long long>(*backoff * 1000));
    settings.tracker.max_concurrency_backoff =
        std::max(settings.tracker.concurrency_backoff,
                 std::chrono::milliseconds(static_cast<long long>(*backoff * 30000)));
  }
  batch_display display(items.size());
  settings.progress = [&](const kling::batch_progress &p) { display.update(p); };
  kling::basic_client<threaded_transport> client{
      *options, threaded_transport(options->network(), std::min(concurrency, 16) + 1)};
  // Each download on a thread of its own, so that polls and creates go on meanwhile (the
  // library's default step blocks inside tick). Joined before the batch goes.
  std::vector<std::thread> downloads;
  settings.download_step = [&client, &downloads](const kling::task &t, const std::string &path,
                                                 const kling::download_settings &s,
                                                 kling::batch_download_done done) {
    downloads.emplace_back([client, t, path, s, done] {
      auto videos = client.videos();
      done(videos.download(t, path, s));
    });
  };
  struct joined {
    std::vector<std::thread> &threads;
    ~joined() {
      for (auto &t : threads)
        t.join();
    }
  };
  kling::basic_batch<threaded_transport> batch{client, std::move(items), settings};
  const joined join_downloads{downloads}; // destroyed before the batch

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  auto done = batch.run(interrupt().token());
  display.finish();
  for (const auto &p : batch.journal_problems())
    std::cerr << "kling: note: journal " << p << " (ignored: its act never happened)\n";
  if (!done && done.error().code == kling::errc::cancelled) {
    const auto s = batch.summary();
    std::cerr << "kling: stopped: " << s.completed << " of " << s.total << " done, " << s.failed
              << " failed; the journal is " << batch.journal_path()
              << "; run the same command again to resume\n";
    std::cerr.flush();
    std::cout.flush();
    // Requests still out would hold the exit up to their timeout; the journal is already on disk.
    std::_Exit(130);
  }
  if (!done) return report_failure(done.error());
  std::cout << kling::dump_json(kling::to_json(*done), 2) << std::endl;
  if (done->failed > 0)
    std::cerr << "kling: " << done->failed << " of " << done->total
              << " failed (see \"failures\"); running again retries those whose task was not created and "
                 "failed\n";
  return done->failed == 0 ? exit_success : exit_failure;
}

} // namespace kling_cli

#endif // KLING_CLI_BATCH_HPP
