// Writes each harness's seed corpus from the test fixtures and the media the
// tests build in code, so no binary seeds are kept in the repository:
//   make_seeds FIXTURES_DIR OUT_DIR   ->  OUT_DIR/<harness>/<seed>
#include <kling/testing.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "../tests/support/media_builders.hpp"

namespace fs = std::filesystem;

namespace {

fs::path out_root;
int written = 0;

void seed(const std::string &harness, const std::string &name, const std::string &bytes) {
  const fs::path dir = out_root / harness;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  ++written;
}

// A fixture's bytes, through the library's own reader (an unreadable one seeds nothing).
std::string read(const fs::path &path) {
  auto text = kling::files::read_file(path.string(), std::uint64_t{1} << 26);
  return text ? std::move(*text) : std::string();
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds FIXTURES_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path fixtures = argv[1];
  out_root = argv[2];

  for (const auto &entry : fs::directory_iterator(fixtures / "responses")) {
    const std::string name = entry.path().stem().string();
    const std::string body = read(entry.path());
    seed("task_fuzz", name, std::string(1, '\0') + body);
    seed("task_fuzz", name + "_as_error", std::string(1, '\xC8') + body); // status 400
    seed("element_fuzz", name, std::string(1, '\0') + body);
    seed("callback_fuzz", name, std::string(1, '\x06') + "msg_1\n1614265330\n" + body); // signed
    seed(
        "cassette_fuzz", name,
        R"({"kling_cassette":1,"interactions":[{"request":{"method":"GET","path":"/v1/videos/t"},"response":{"status":200,"body":)" +
            body + "}}]}");
  }
  for (const auto &entry : fs::directory_iterator(fixtures / "requests"))
    seed("validate_fuzz", entry.path().stem().string(), read(entry.path()));
  for (const auto &entry : fs::directory_iterator(fixtures / "cassettes"))
    seed("cassette_fuzz", entry.path().stem().string(), read(entry.path()));

  // Media: the images and videos the media tests build.
  const std::string png = kling::testing::sample_png(64, 48);
  const std::string jpeg = kling_test::jpeg_image();
  const std::string mp4 = kling::testing::sample_mp4(5, 1280, 720);
  seed("probe_image_fuzz", "png", png);
  seed("probe_image_fuzz", "jpeg", jpeg);
  seed("probe_image_fuzz", "data_uri", "data:image/png;base64," + kling::base64::encode(png));
  seed("probe_video_fuzz", "mp4", mp4);
  seed("base64_fuzz", "png", kling::base64::encode(png));
  seed("base64_fuzz", "text", kling::base64::encode("A cat playing in a sunny garden"));
  seed("validate_fuzz", "inline_image",
       R"({"model_name":"kling-v2-6","image":"data:image/png;base64,)" + kling::base64::encode(png) +
           R"(","prompt":"a cat","duration":"5"})");
  seed(
      "validate_fuzz", "inline_video",
      R"({"model_name":"kling-video-o1","prompt":"<<<video_1>>> again","video_list":[{"video_url":"data:video/mp4;base64,)" +
          kling::base64::encode(mp4) + R"(","refer_type":"feature"}]})");

  int n = 0;
  for (const char *t :
       {"2025-01-13T10:00:00Z", "2025-01-13T10:00:00.123+08:00", "2024-02-29T23:59:60Z",
        "Mon, 13 Jan 2025 10:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "120"})
    seed("time_fuzz", "t" + std::to_string(n++), t);

  n = 0;
  for (const char *u :
       {"https://cdn.example.com/a/b/v.mp4?sig=1\n../x/y.mp4",
        "https://cdn.example.com/a/v.mp4\n//other.example.net/v.mp4",
        "http://127.0.0.1:8080/v1/videos/x\n/files/v.mp4?token=2", "https://[::1]:8443/a/b/c\n./d/../e#frag",
        "https://user:pw@host/\nhttps://x.example/y", "https://api.example.com/kling\n?page=2"})
    seed("url_fuzz", "u" + std::to_string(n++), u);

  seed("webhook_verify_fuzz", "signed",
       std::string(1, '\x30') + "msg_p5jXN8AQM9LWM0D4loKWxJek\n1614265330\nv1,x\n{\"test\": 2432232314}");
  seed("webhook_verify_fuzz", "rotation",
       std::string(1, '\x31') + "msg_1\n1614265330\nv1,abc v2,def v1,g==\n{}");

  std::cout << "make_seeds: " << written << " seeds in " << out_root.string() << '\n';
  return 0;
}
