// kling demo: the offline tour. With no key and no network it starts the
// fake gateway in this process and walks a text-to-video and an
// image-to-video task through validate -> create -> wait -> download. With
// KLING_API_KEY and KLING_BASE_URL (or --base-url and --api-key) it runs the
// same flow against that gateway. The story goes to stderr; the paths of the
// downloaded videos go to stdout, one per line.
#ifndef KLING_CLI_DEMO_HPP
#define KLING_CLI_DEMO_HPP

#include <kling/testing/fake_gateway.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "common.hpp"

namespace kling_cli {

namespace demo_detail {

struct step_timer {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
};

// One task through the whole flow; the saved path, or an exit code.
inline std::optional<std::string> run_task(kling::client &client, const char *title,
                                           const kling::json &request, const std::string &path, int &exit) {
  std::cerr << "\n== " << title << "\n";
  // 1. validate: the request is checked offline, as `kling validate` would.
  const auto report = client.videos().validate(request);
  std::cerr << "1. validate: route " << kling::to_string(report.route) << ", "
            << (report.valid() ? "valid" : "INVALID") << "\n";
  if (!report.valid()) {
    for (const auto &v : report.violations)
      std::cerr << "   [" << v.rule << "] " << v.field << ": " << v.message << '\n';
    exit = exit_invalid;
    return std::nullopt;
  }
  // 2. create: sent once; a lost answer would be looked up by its external_task_id.
  auto created = client.videos().create(request);
  if (!created) {
    exit = report_failure(created.error());
    return std::nullopt;
  }
  std::cerr << "2. create: task " << created->id << " (external_task_id " << created->external_task_id
            << ")\n";
  // 3. wait, with progress.
  std::cerr << "3. wait:\n";
  wait_display display("   task " + created->id);
  kling::wait_settings settings;
  settings.progress = [&](const kling::wait_progress &p) { display.update(p); };
  kling::task_handle handle;
  handle.task_id = created->id;
  handle.external_task_id = created->external_task_id;
  handle.provider = created->provider;
  auto done = client.videos().wait(handle, settings);
  display.finish();
  if (!done) {
    exit = report_failure(done.error());
    return std::nullopt;
  }
  // 4. download.
  std::cerr << "4. download:\n";
  download_display bar(path);
  kling::download_settings dl;
  dl.progress = [&](const kling::download_progress &p) { bar.update(p); };
  auto saved = client.videos().download(*done, path, dl);
  bar.finish();
  if (!saved) {
    exit = report_failure(saved.error());
    return std::nullopt;
  }
  std::cerr << "   saved " << saved->path << " (" << saved->bytes << " bytes)\n";
  return saved->path;
}

} // namespace demo_detail

inline int run_demo(const arguments &args) {
  if (!args.operands.empty()) return usage_error("demo takes no operands");
  const std::string out = args.option("--out").value_or("kling-demo");
  // A failure here shows as a write error at the download, naming the path.
  static_cast<void>(kling::files::make_directories(out));

  int exit = exit_success;
  auto options = client_options(args, exit);
  if (!options) return exit;
  std::unique_ptr<kling::testing::fake_gateway> fake;
  const bool has_url = !options->base_url().empty(), has_key = !options->api_key().empty();
  const bool real = has_url && has_key;
  if (real) {
    std::cerr << "kling demo: using the gateway at " << options->base_url()
              << " (KLING_BASE_URL / --base-url): these tasks are real and may be charged.\n";
  } else {
    kling::testing::fake_gateway_options fake_options;
    fake_options.pending_for = std::chrono::milliseconds(800);
    fake_options.processing_for = std::chrono::milliseconds(2200);
    fake = std::make_unique<kling::testing::fake_gateway>(fake_options);
    auto started = fake->start();
    if (!started) {
      std::cerr << "kling: cannot start the fake gateway: " << started.error().message << '\n';
      return exit_failure;
    }
    options->base_url(fake->base_url()).api_key(fake->api_key());
    if (!args.option("--poll-interval")) { // quicker than the real gateway's 3 s, to keep the tour short
      auto wait = options->wait();
      wait.first_interval = wait.max_interval = std::chrono::milliseconds(400);
      options->wait(wait);
    }
    const char *why = has_url   ? "a base URL is set but no API key"
                      : has_key ? "an API key is set but no base URL"
                                : "no KLING_API_KEY and KLING_BASE_URL set";
    std::cerr << "kling demo: " << why << ", so this runs offline against the fake gateway at\n"
              << fake->base_url()
              << " (nothing is sent anywhere, nothing is paid). Set both (or --base-url and\n"
                 "--api-key) to run the same tour against the real gateway.\n";
  }
  kling::client client{*options};
  demo_detail::step_timer timer;

  kling::text_to_video t2v;
  t2v.prompt = "A cat playing in a sunny garden, camera slowly zooming in";
  t2v.mode = kling::mode::std;
  t2v.aspect_ratio = kling::aspect_ratio::landscape_16_9;
  t2v.seconds = 5;
  kling::camera_config zoom;
  zoom.zoom = 3;
  t2v.camera_control = kling::camera_control::simple(zoom);

  kling::image_to_video i2v;
  i2v.image = "data:image/png;base64," + kling::base64::encode(kling::testing::sample_png(640, 360));
  i2v.prompt = "The light sweeps slowly across the scene";
  i2v.mode = kling::mode::std;
  i2v.seconds = 5;

  // A broken request first, to show that it never leaves the machine.
  kling::text_to_video broken = t2v;
  broken.seconds = 7;
  const auto refused = kling::rules::validate(broken);
  std::cerr << "\nA request with seconds 7 would be refused before sending:\n";
  for (const auto &v : refused.violations)
    std::cerr << "   [" << v.rule << "] " << v.field << ": " << v.message << '\n';

  std::vector<std::string> paths;
  const std::pair<const char *, kling::json> tours[] = {
      {"text to video (Kling-V2.6, camera zoom)", kling::json(t2v)},
      {"image to video (Kling-V2.6, an inline PNG)", kling::json(i2v)}};
  int n = 0;
  for (const auto &tour : tours) {
    auto path = demo_detail::run_task(client, tour.first, tour.second,
                                      out + "/demo-" + std::to_string(++n) + ".mp4", exit);
    if (!path) return exit;
    paths.push_back(*path);
  }
  for (const auto &p : paths)
    std::cout << p << '\n';
  std::fprintf(
      stderr,
      "\nkling demo: %zu tasks validated, created, finished and downloaded in %.1f s%s; the last is %s\n",
      paths.size(), timer.seconds(), real ? "" : " (offline, fake gateway)", paths.back().c_str());
  return exit_success;
}

} // namespace kling_cli

#endif // KLING_CLI_DEMO_HPP
