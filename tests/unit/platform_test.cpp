// Where users live: files replaced the way Windows needs and named in UTF-8,
// 64-bit sizes, and numbers that read and write the same under a
// comma-decimal locale (Qt and GTK programs call setlocale(LC_ALL, "")).
//
// With KLING_TEST_LOCALE set (CTest does, for one run of the suite), the whole
// program runs under that locale, and the first test below proves it does.
#include <kling/testing.hpp>

#include <algorithm>
#include <clocale>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "../support/catch.hpp"
#include "../support/text.hpp"

using kling::json;

namespace {

// The comma-decimal locale the suite is checked under, by the platform's name for it.
#ifdef _WIN32
constexpr const char *comma_locale = "German_Germany.1252";
#else
constexpr const char *comma_locale = "de_DE.UTF-8";
#endif

// Set before main, so every test of this program runs under it.
const bool environment_locale_set = [] {
  const char *name = std::getenv("KLING_TEST_LOCALE");
  return name && *name && std::setlocale(LC_ALL, name) != nullptr;
}();

bool decimal_comma() { return std::string(std::localeconv()->decimal_point) == ","; }

// A fresh path in the temporary directory, as UTF-8 (what the library takes).
std::string platform_temp_path(const std::string &name) {
  const std::string path = kling_test::scratch_path("platform-" + name);
  kling::files::remove(path);
  kling::files::remove(path + ".part");
  return path;
}

using mock_client = kling::basic_client<kling::testing::mock_transport>;
mock_client make_client() {
  return mock_client{kling::options{}
                         .base_url("http://127.0.0.1:1")
                         .api_key("platform-key")
                         .retry(kling::protocol::retry_policy::none())};
}

} // namespace

TEST_CASE("the locale KLING_TEST_LOCALE names is in effect", "[platform][locale]") {
  const char *name = std::getenv("KLING_TEST_LOCALE");
  if (!name || !*name) {
    CHECK_FALSE(environment_locale_set);
    return;
  }
  INFO("KLING_TEST_LOCALE=" << name << " (on Debian: localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
  REQUIRE(environment_locale_set);
  CHECK(decimal_comma());
}

// ----- files ---------------------------------------------------------------------------

TEST_CASE("a download replaces a file that is already there", "[platform][files]") {
  auto client = make_client();
  const std::string path = platform_temp_path("existing.mp4");
  REQUIRE(kling::files::write_file(path, "an older video, longer than the new one"));
  client.transport().respond(200, "new video", {{"Content-Length", "9"}});
  auto d = client.videos().download(std::string("https://cdn.example.com/v.mp4"), path);
  REQUIRE(d);
  CHECK(kling_test::read_text(path) == "new video");
  CHECK_FALSE(kling::files::exists(path + ".part"));

  // The same for a task whose video came inline.
  auto inline_task = kling::parse_task(
      json{{"created", 1736762400}, {"data", {{{"b64_json", kling::base64::encode("MP4!")}}}}});
  REQUIRE(inline_task);
  auto again = client.videos().download(*inline_task, path);
  REQUIRE(again);
  CHECK(kling_test::read_text(path) == "MP4!");
  CHECK_FALSE(kling::files::exists(path + ".part"));
  kling::files::remove(path);
}

TEST_CASE("a cassette is rewritten over itself after every interaction", "[platform][files][cassettes]") {
  const std::string path = platform_temp_path("cassette.json");
  REQUIRE(kling::files::write_file(path, "not a cassette yet"));
  kling::testing::mock_transport network;
  for (int i = 0; i < 3; ++i)
    network.respond(200, R"({"id":"t1","status":"pending"})");
  {
    kling::testing::recording_transport<kling::testing::mock_transport> recorder{network, path};
    kling::basic_client<kling::testing::recording_transport<kling::testing::mock_transport>> client{
        kling::options{}
            .base_url("http://127.0.0.1:1")
            .api_key("k")
            .retry(kling::protocol::retry_policy::none()),
        recorder};
    for (int i = 0; i < 3; ++i)
      REQUIRE(client.videos().get("t1"));
  }
  auto tape = kling::testing::replay_transport::load(path);
  REQUIRE(tape);
  auto cassette = kling::parse_json(kling_test::read_text(path));
  REQUIRE(cassette);
  CHECK((*cassette)["interactions"].size() == 3);
  kling::files::remove(path);
}

TEST_CASE("files are named in UTF-8 whatever the platform's code page", "[platform][files]") {
  const std::string name = "Gr\xC3\xBC\xC3\x9F"
                           "e-\xE8\xA7\x86\xE9\xA2\x91-\xF0\x9F\x8E\xAC.mp4"; // Grüße-视频-🎬
  const std::string path = platform_temp_path(name);
  REQUIRE(kling::files::write_file(path, "bytes"));
  CHECK(kling_test::read_text(path) == "bytes");
  CHECK(kling::files::size_of(path).value_or(0) == 5);
  // The name on disk is those characters, not the UTF-8 bytes read in another code page.
  std::error_code ec;
  bool found = false;
  for (const auto &entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path(ec), ec)) {
    if (entry.path().filename().u8string() == path.substr(path.rfind('/') + 1)) found = true;
  }
  CHECK(found);

  auto client = make_client();
  client.transport().respond(200, "video", {{"Content-Length", "5"}});
  REQUIRE(client.videos().download(std::string("https://cdn.example.com/v.mp4"), path));
  CHECK(kling_test::read_text(path) == "video");
  CHECK(kling::media::read_file(path, 100).value_or("") == "video");

  const std::string renamed = platform_temp_path("\xC3\xA9t\xC3\xA9.mp4"); // été.mp4
  REQUIRE(kling::files::replace(path, renamed));
  CHECK_FALSE(kling::files::exists(path));
  CHECK(kling_test::read_text(renamed) == "video");
  kling::files::remove(renamed);

  // Bytes that are not UTF-8 are an error naming the path, not a crash.
  auto bad = kling::files::read_file(platform_temp_path("bad-\xFF.mp4"), 100);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == kling::errc::io);
  CHECK(kling::files::replace(platform_temp_path("missing"), renamed).error().code == kling::errc::io);

  // A NUL byte would cut the path short and name another file.
  auto cut = kling::files::write_file(platform_temp_path(std::string("cut\0.mp4", 8)), "bytes");
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == kling::errc::io);
  CHECK(cut.error().message.find("NUL") != std::string::npos);
  CHECK_FALSE(kling::files::exists(platform_temp_path("cut")));
  CHECK(kling::files::write_file(platform_temp_path("cut"), "bytes")); // the same name without it is fine
  CHECK(kling::files::remove(platform_temp_path("cut")));
}

TEST_CASE(
    "directories are made with their parents; a file in the way, or a directory read as a file, is named",
    "[platform][files]") {
  const std::string root = platform_temp_path("dirs-\xC3\xA9t\xC3\xA9"); // dirs-été
  const std::string deep = root + "/a/b//c/";
  REQUIRE(kling::files::make_directories(deep));
  REQUIRE(kling::files::make_directories(deep)); // already there
  REQUIRE(kling::files::make_directories(root + "/a"));
  CHECK(kling::files::exists(root + "/a/b/c"));
  REQUIRE(kling::files::write_file(root + "/a/b/c/v.mp4", "video"));
  CHECK(kling::files::size_of(root + "/a/b/c/v.mp4").value_or(0) == 5);

  // A directory has no size worth reading, and a missing file says so.
  auto dir_size = kling::files::size_of(root + "/a");
  REQUIRE_FALSE(dir_size);
  CHECK(kling_test::contains(dir_size.error().message, "not a regular file"));
  auto missing = kling::files::size_of(root + "/a/missing.mp4");
  REQUIRE_FALSE(missing);
  CHECK(kling_test::contains(missing.error().message, "no such file"));
  CHECK(kling_test::contains(missing.error().message, "missing.mp4"));

  // A file where a directory should be: named, for the file itself and below it.
  auto onto_file = kling::files::make_directories(root + "/a/b/c/v.mp4");
  REQUIRE_FALSE(onto_file);
  CHECK(onto_file.error().code == kling::errc::io);
  CHECK(kling_test::contains(onto_file.error().message, "v.mp4"));
  auto below_file = kling::files::make_directories(root + "/a/b/c/v.mp4/d");
  REQUIRE_FALSE(below_file);
  CHECK(kling_test::contains(below_file.error().message, "v.mp4/d"));
  CHECK(kling::files::size_of(root + "/a/b/c/v.mp4").value_or(0) == 5); // untouched

  // remove is fine when the file is gone, and says when one stays.
  CHECK(kling::files::remove(root + "/a/b/c/v.mp4"));
  CHECK(kling::files::remove(root + "/a/b/c/v.mp4"));
  CHECK_FALSE(kling::files::exists(root + "/a/b/c/v.mp4"));
  REQUIRE(kling::files::write_file(root + "/a/b/c/w.mp4", "w"));
  CHECK_FALSE(kling::files::remove(root + "/a/b/c")); // not empty: it stays
  CHECK(kling::files::exists(root + "/a/b/c/w.mp4"));
  kling::files::remove(root + "/a/b/c/w.mp4");
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::u8path(root), ec);
}

TEST_CASE("sizes and offsets past 4 GiB are carried in 64 bits", "[platform][files]") {
  constexpr std::uint64_t five_gib = std::uint64_t{5} << 30;
  static_assert(std::is_same<decltype(kling::files::size_of("")), kling::result<std::uint64_t>>::value,
                "file sizes are 64-bit");
  static_assert(std::is_same<decltype(kling::download_result{}.bytes), std::uint64_t>::value,
                "download sizes are 64-bit");
  // A resumed download of a 5 GiB part file asks for the right range.
  kling::protocol::download_machine machine("https://cdn.example.com/v.mp4", five_gib, {},
                                            kling::protocol::retry_policy::none(), 1);
  const kling::protocol::step step = machine.next();
  REQUIRE(step.kind == kling::protocol::step_kind::send);
  CHECK(kling::find_header(step.request.headers, "Range") == std::string("bytes=5368709120-"));
  // Reading at an offset beyond 4 GiB is attempted there, not at a truncated one.
  const std::string path = platform_temp_path("small.bin");
  REQUIRE(kling::files::write_file(path, "0123456789"));
  kling::files::input_file in;
  REQUIRE(in.open(path).value_or(0) == 10);
  std::string buffer;
  REQUIRE(in.read_at(4, 3, buffer));
  CHECK(buffer == "456");
  auto beyond = in.read_at((std::uint64_t{1} << 32) + 4, 3, buffer);
  REQUIRE_FALSE(beyond);
  CHECK(kling_test::contains(beyond.error().message, "at byte 4294967300"));
  in.close();
  kling::files::remove(path);
}

// ----- numbers -------------------------------------------------------------------------

TEST_CASE("numbers are read in one grammar, and bad ones refused", "[platform][numbers]") {
  using kling::numbers::parse_decimal;
  using kling::numbers::parse_integer;
  CHECK(parse_decimal("5.1") == 5.1);
  CHECK(parse_decimal("-0.5") == -0.5);
  CHECK(parse_decimal("10") == 10.0);
  CHECK(parse_decimal("1e3") == 1000.0);
  for (const char *bad : {"", "5,1", " 5.1", "5.1 ", "inf", "nan", "0x10", "5.", ".5", "5.1s", "1e999"}) {
    INFO(bad);
    CHECK_FALSE(parse_decimal(bad));
  }
  // nlohmann's lexer ends its input at a NUL byte; the digits after one are not dropped.
  CHECK_FALSE(parse_decimal(std::string_view("1\0"
                                             "5",
                                             3)));
  CHECK(parse_integer<int>("8787") == 8787);
  CHECK(parse_integer<int>("-12") == -12);
  CHECK(parse_integer<std::int64_t>("5368709120") == std::int64_t{5368709120});
  for (const char *bad : {"", "+1", " 1", "1 ", "12a", "99999999999", "1.0"}) {
    INFO(bad);
    CHECK_FALSE(parse_integer<int>(bad));
  }
  // Every type's own edges, through the one 64-bit reader.
  CHECK(parse_integer<signed char>("-128") == static_cast<signed char>(-128));
  CHECK_FALSE(parse_integer<signed char>("128"));
  CHECK(parse_integer<std::uint8_t>("255") == std::uint8_t{255});
  CHECK_FALSE(parse_integer<std::uint8_t>("256"));
  CHECK(parse_integer<std::uint32_t>("4294967295") == std::uint32_t{4294967295u});
  CHECK_FALSE(parse_integer<std::uint32_t>("4294967296"));
  CHECK(parse_integer<std::int64_t>("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
  CHECK_FALSE(parse_integer<std::int64_t>("9223372036854775808"));
  CHECK(parse_integer<std::uint64_t>("18446744073709551615") == std::numeric_limits<std::uint64_t>::max());
  CHECK_FALSE(parse_integer<std::uint64_t>("18446744073709551616"));
  CHECK_FALSE(parse_integer<unsigned>("-0")); // no sign for an unsigned type
  CHECK_FALSE(parse_integer<unsigned>("-1"));
  CHECK(kling::numbers::format_fixed(10.0, 1) == "10.0");
  CHECK(kling::numbers::format_fixed(2.25, 1) == "2.3");
  CHECK(kling::numbers::format_fixed(-0.04, 1) == "0.0");
  CHECK(kling::numbers::format_fixed(0.05, 3) == "0.050");
  CHECK(kling::numbers::format_significant(29.97, 3) == "30");
  CHECK(kling::numbers::format_significant(2.5, 3) == "2.5");
  CHECK(kling::numbers::format_significant(0.0125, 3) == "0.0125");
  CHECK(kling::numbers::format_significant(200, 3) == "200");
  CHECK(kling::numbers::format_significant(1234.5, 3) == "1235");
}

namespace {

// Everything the library reads or writes as numbers in text: every seed
// request as it goes on the wire (and what validation says of it), a task
// whose provider wrote durations as text, and messages with fractions.
std::string wire_snapshot() {
  std::string out;
  std::vector<std::filesystem::path> seeds;
  std::error_code ec;
  for (const auto &entry :
       std::filesystem::directory_iterator(std::string(KLING_TEST_FIXTURES) + "/requests", ec))
    seeds.push_back(entry.path());
  std::sort(seeds.begin(), seeds.end());
  for (const auto &seed : seeds) {
    auto body = kling::parse_json(kling_test::read_text(seed.u8string()));
    if (!body) return "cannot parse " + seed.u8string();
    const bool element = seed.filename().u8string().rfind("element", 0) == 0;
    const kling::http_request request =
        element ? kling::protocol::create_element(*body) : kling::protocol::create_video(*body);
    out += seed.filename().u8string() + ": " + request.body + '\n';
    const kling::rules::report report =
        element ? kling::rules::validate_element(*body) : kling::rules::validate(*body);
    for (const auto &v : report.violations)
      out += "  " + v.rule + " " + v.message + '\n';
  }
  kling::text_to_video typed;
  typed.prompt = "a cat";
  typed.seconds = 10;
  typed.extra = json{{"cfg_scale", 0.5}, {"ratio", 1.25}};
  out += "typed: " + kling::protocol::create_video(json(typed)).body + '\n';

  auto t = kling::parse_task(json::parse(R"({"created": 1736758800,
      "data": [{"url": "https://cdn.example.com/v.mp4", "duration": "5.1"}],
      "usage": {"seconds": "5.1", "duration_seconds": "5.1"}})"));
  if (!t) return out + "task does not parse: " + t.error().message;
  if (t->videos.empty() || !t->videos.front().duration_seconds || !t->usage || !t->usage->seconds)
    return out + "no duration";
  out += "duration: " + kling::numbers::format_fixed(*t->videos.front().duration_seconds, 6) +
         ", usage: " + kling::numbers::format_fixed(*t->usage->seconds, 6) + '\n';

  kling::media::video_info video;
  video.duration_seconds = 2.5;
  video.frame_rate = 23.976;
  video.width = 1280;
  video.height = 720;
  video.size_bytes = std::uint64_t{250} << 20;
  for (const auto &v : kling::rules::check_video(video, kling::rules::omni_video_limits, "/video"))
    out += v.message + '\n';
  out += kling::rules::images_detail::size_text(10u * 1024 * 1024 + 512 * 1024) + '\n';
  return out;
}

} // namespace

TEST_CASE("a comma-decimal locale changes no number read or written", "[platform][locale]") {
  const std::string before = std::setlocale(LC_ALL, nullptr);
  REQUIRE(std::setlocale(LC_ALL, "C"));
  const std::string c_locale = wire_snapshot();
  INFO(c_locale);
  // The snapshot holds what it should, so comparing it means something.
  CHECK(kling_test::contains(c_locale, "duration: 5.100000, usage: 5.100000"));
  CHECK(kling_test::contains(c_locale, "\"cfg_scale\":0.5"));
  CHECK(kling_test::contains(c_locale, "lasts 2.5 s"));
  CHECK(kling_test::contains(c_locale, "has 24 frames per second"));
  CHECK(kling_test::contains(c_locale, "10.5 MB"));
  CHECK(kling_test::contains(c_locale, "t2v_basic.json: {"));

  const bool comma = std::setlocale(LC_ALL, comma_locale) != nullptr;
  INFO(comma_locale << " must exist (on Debian: localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
  REQUIRE(comma);
  // The locale really bites: the C library now reads "5.1" as 5.
  CHECK(decimal_comma());
  CHECK(std::strtod("5.1", nullptr) == 5.0);
  const std::string comma_decimal = wire_snapshot();
  std::setlocale(LC_ALL, before.c_str());
  CHECK(comma_decimal == c_locale);
}
