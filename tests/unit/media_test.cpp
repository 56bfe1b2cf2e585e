// The media layer: image and video probes, image strings of requests, local files.
// Inputs are built in code (tests/support/media_builders.hpp).
#include <kling/core.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../support/catch.hpp"
#include "../support/media_builders.hpp"
#include "../support/text.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
using namespace kling_test;
namespace media = kling::media;

namespace {

template <class T>
std::string message_of(const kling::result<T> &r) {
  return r ? std::string("(no error)") : r.error().message;
}

using kling_test::contains;

bool near(double a, double b) { return std::fabs(a - b) < 1e-9; }

std::string unique_temp_path(std::string_view suffix) {
  static unsigned counter = 0;
  return kling_test::scratch_path("media-" + std::to_string(++counter) + std::string(suffix));
}

// A file that exists for the scope of a test.
struct temp_file {
  std::string path;
  explicit temp_file(std::string_view contents, std::string_view suffix = ".bin")
      : path(unique_temp_path(suffix)) {
    std::ofstream out(path, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  temp_file(const temp_file &) = delete;
  temp_file &operator=(const temp_file &) = delete;
};

// Overwrites bytes of a copy at pos.
std::string patched(std::string bytes, std::size_t pos, std::string_view with) {
  bytes.replace(pos, with.size(), with);
  return bytes;
}

// Sets every byte in turn to a few telling values; the probe must answer
// (anything) without reading out of bounds, which the sanitizers check.
template <class Probe>
void probe_every_mutation(const std::string &valid, Probe probe) {
  static const char values[] = {'\x00', '\x01', '\x7F', '\x80', '\xFE', '\xFF'};
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (char v : values) {
      std::string bytes = valid;
      bytes[i] = v;
      (void)probe(bytes);
    }
  }
}

} // namespace

// ----- images -------------------------------------------------------------

TEST_CASE("to_string names image formats and video containers", "[media]") {
  CHECK(std::string(media::to_string(media::image_format::png)) == "png");
  CHECK(std::string(media::to_string(media::image_format::jpeg)) == "jpeg");
  CHECK(std::string(media::to_string(media::video_container::mp4)) == "mp4");
  CHECK(std::string(media::to_string(media::video_container::mov)) == "mov");
  static_assert(media::to_string(media::image_format::png)[0] == 'p', "usable in constant expressions");
}

TEST_CASE("probe_image reads the size of a PNG from its IHDR", "[media]") {
  const std::string png = png_image(640, 480);
  auto info = media::probe_image(png);
  REQUIRE(info);
  CHECK(info->format == media::image_format::png);
  CHECK(info->width == 640);
  CHECK(info->height == 480);
  CHECK(info->size_bytes == png.size());

  auto header_only = media::probe_image(png_header(1, 65536));
  REQUIRE(header_only);
  CHECK(header_only->width == 1);
  CHECK(header_only->height == 65536);
  CHECK(header_only->size_bytes == 33);

  auto largest = media::probe_image(png_header(0x7FFFFFFF, 300));
  REQUIRE(largest);
  CHECK(largest->width == 0x7FFFFFFFu);
}

TEST_CASE("probe_image refuses malformed PNG headers", "[media]") {
  const std::string png = png_header(640, 480);
  auto zero_width = media::probe_image(png_header(0, 480));
  REQUIRE_FALSE(zero_width);
  CHECK(zero_width.error().code == kling::errc::malformed_input);
  CHECK(contains(message_of(zero_width), "invalid size 0x480"));
  CHECK_FALSE(media::probe_image(png_header(640, 0)));
  CHECK_FALSE(media::probe_image(png_header(0x80000000u, 10)));

  // Another chunk first.
  auto not_ihdr =
      media::probe_image(png_signature() + png_chunk("gAMA", "\0\0\xB1\x8F"s) + png_chunk("IHDR", "x"));
  REQUIRE_FALSE(not_ihdr);
  CHECK(contains(message_of(not_ihdr), "IHDR"));
  auto wrong_length = media::probe_image(patched(png, 8, be32(12)));
  REQUIRE_FALSE(wrong_length);
  CHECK(contains(message_of(wrong_length), "length 12"));

  // Every prefix of the header is an error, and a message that says truncated.
  for (std::size_t n = 1; n < png.size(); ++n) {
    auto r = media::probe_image(std::string_view(png).substr(0, n));
    if (r) FAIL("prefix of " << n << " bytes was accepted");
    if (!contains(message_of(r), "truncated PNG")) FAIL("prefix of " << n << ": " << message_of(r));
  }
}

TEST_CASE("probe_image walks JPEG segments to the frame header, baseline and progressive", "[media]") {
  auto baseline = media::probe_image(jpeg_image({1920, 1080, 0xC0, 0, true}));
  REQUIRE(baseline);
  CHECK(baseline->format == media::image_format::jpeg);
  CHECK(baseline->width == 1920);
  CHECK(baseline->height == 1080);

  const std::string progressive_bytes = jpeg_image({300, 750, 0xC2, 0, false});
  auto progressive = media::probe_image(progressive_bytes);
  REQUIRE(progressive);
  CHECK(progressive->width == 300);
  CHECK(progressive->height == 750);
  CHECK(progressive->size_bytes == progressive_bytes.size());

  // Fill bytes (any number of 0xFF) before markers.
  auto filled = media::probe_image(jpeg_image({65535, 1, 0xC0, 7, true}));
  REQUIRE(filled);
  CHECK(filled->width == 65535);
  CHECK(filled->height == 1);

  // Every frame type, and none of the three markers that share the range.
  for (int marker = 0xC0; marker <= 0xCF; ++marker) {
    const bool frame = marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    auto r = media::probe_image(jpeg_image({800, 600, static_cast<unsigned char>(marker), 0, true}));
    INFO("marker 0x" << std::hex << marker);
    if (frame) {
      REQUIRE(r);
      CHECK(r->width == 800);
    } else {
      // The segment is skipped, and the scan then starts without a frame.
      REQUIRE_FALSE(r);
      CHECK(contains(message_of(r), "SOS"));
    }
  }
}

TEST_CASE("probe_image skips standalone JPEG markers and tables that look like frames", "[media]") {
  // A DHT (C4) segment holding bytes laid out like a frame header, then RST0,
  // TEM and fill bytes, then the real SOF0.
  std::string bytes = "\xFF\xD8"s;
  bytes += jpeg_segment(0xC4, "\x08\x00\x10\x00\x10\x03"s + std::string(9, '\x01'));
  bytes += "\xFF\xD0\xFF\x01\xFF\xFF\xFF"s;
  bytes += jpeg_frame_header({1024, 768, 0xC0, 0, false});
  auto info = media::probe_image(bytes);
  REQUIRE(info);
  CHECK(info->width == 1024);
  CHECK(info->height == 768);
}

TEST_CASE("probe_image errors on JPEGs without a usable frame header, with the byte offset", "[media]") {
  const std::string soi = "\xFF\xD8"s;
  const std::string app0 = jpeg_segment(0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0"s); // 18 bytes

  auto eoi = media::probe_image(soi + app0 + "\xFF\xD9"s);
  REQUIRE_FALSE(eoi);
  CHECK(message_of(eoi) == "JPEG ends (EOI) before a frame header (SOF) at byte 20");

  auto sos = media::probe_image(soi + jpeg_segment(0xDA, "\x01\x01\x00\x00\x3F\x00"s) + "\x12\x34"s);
  REQUIRE_FALSE(sos);
  CHECK(message_of(sos) == "JPEG scan (SOS) starts before a frame header (SOF) at byte 2");

  auto truncated = media::probe_image(soi + app0 + "\xFF\xE1\x01\x00"s + std::string(100, 'x'));
  REQUIRE_FALSE(truncated);
  CHECK(message_of(truncated) == "truncated JPEG segment at byte 20");

  auto short_length = media::probe_image(soi + "\xFF\xE0\x00\x01"s);
  REQUIRE_FALSE(short_length);
  CHECK(message_of(short_length) == "JPEG segment length below 2 at byte 2");

  auto garbage = media::probe_image(soi + app0 + "JUNK"s);
  REQUIRE_FALSE(garbage);
  CHECK(message_of(garbage) == "expected a JPEG marker at byte 20");

  auto only_fill = media::probe_image(soi + std::string(50, '\xFF'));
  REQUIRE_FALSE(only_fill);
  CHECK(message_of(only_fill) == "truncated JPEG marker at byte 2");

  auto stuffed = media::probe_image(soi + "\xFF\x00"s);
  REQUIRE_FALSE(stuffed);
  CHECK(contains(message_of(stuffed), "at byte 2"));

  auto second_soi = media::probe_image(soi + soi + app0);
  REQUIRE_FALSE(second_soi);
  CHECK(contains(message_of(second_soi), "start-of-image"));

  // A frame header too short for its component count, and one of size 0.
  auto short_sof = media::probe_image(soi + jpeg_segment(0xC0, "\x08\x01\x00\x01\x00\x03\x01\x11\x00"s));
  REQUIRE_FALSE(short_sof);
  CHECK(message_of(short_sof) == "JPEG frame header (SOF) too short at byte 2");
  auto zero = media::probe_image(soi + jpeg_frame_header({640, 0, 0xC0, 0, false}));
  REQUIRE_FALSE(zero);
  CHECK(contains(message_of(zero), "has size 640x0"));

  auto nothing = media::probe_image(soi);
  REQUIRE_FALSE(nothing);
  CHECK(contains(message_of(nothing), "truncated JPEG"));
}

TEST_CASE("probe_image fails on every truncation of a JPEG before its frame header ends", "[media]") {
  for (unsigned char marker : {0xC0, 0xC2}) {
    const std::string jpeg = jpeg_image({1280, 720, marker, 2, true});
    std::string sof_start = "\xFF\xFF\xFF"s;
    sof_start += static_cast<char>(marker);
    const std::size_t sof_end = jpeg.find(sof_start) + 2 + 2 + 17; // fill, marker, length, content
    for (std::size_t n = 0; n <= jpeg.size(); ++n) {
      auto r = media::probe_image(std::string_view(jpeg).substr(0, n));
      if (n < sof_end && r) FAIL("prefix of " << n << " bytes was accepted");
      if (n >= sof_end && !r) FAIL("prefix of " << n << " bytes: " << message_of(r));
    }
  }
}

TEST_CASE("probe_image names what other files are", "[media]") {
  auto empty = media::probe_image("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == kling::errc::malformed_input);
  CHECK(message_of(empty) == "not a JPEG or PNG image (empty)");

  auto gif = media::probe_image("GIF89a\x01\x00\x01\x00\x80\x00\x00"s);
  REQUIRE_FALSE(gif);
  CHECK(message_of(gif) == "not a JPEG or PNG image (looks like GIF)");

  auto webp = media::probe_image("RIFF\x24\x00\x00\x00WEBPVP8 "s);
  REQUIRE_FALSE(webp);
  CHECK(message_of(webp) == "not a JPEG or PNG image (looks like WebP)");

  auto video = media::probe_image(mp4_file());
  REQUIRE_FALSE(video);
  CHECK(contains(message_of(video), "MP4/MOV"));

  for (std::string_view other : {"hello"sv, "\xFF"sv, "\xFF\xD9"sv, "\x89PNX\r\n\x1a\n"sv, "BM"sv}) {
    auto r = media::probe_image(other);
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "not a JPEG or PNG image"));
  }
}

TEST_CASE("probe_image survives every single-byte mutation of valid images", "[media]") {
  probe_every_mutation(png_header(300, 400), media::probe_image);
  probe_every_mutation(jpeg_image({300, 400, 0xC2, 1, true}), media::probe_image);
  SUCCEED("no crash");
}

// ----- videos -------------------------------------------------------------

TEST_CASE("probe_video reads an MP4's container, duration, size and frame rate", "[media]") {
  const std::string mp4 = mp4_file();
  auto info = media::probe_video(mp4);
  REQUIRE(info);
  CHECK(info->container == media::video_container::mp4);
  CHECK(near(info->duration_seconds, 5.0));
  CHECK(info->width == 1280);
  CHECK(info->height == 720);
  CHECK(near(info->frame_rate, 30000.0 / 1001.0));
  CHECK(info->size_bytes == mp4.size());
}

TEST_CASE("probe_video tells MOV from MP4", "[media]") {
  mp4_spec mov;
  mov.major_brand = "qt  ";
  auto quicktime = media::probe_video(mp4_file(mov));
  REQUIRE(quicktime);
  CHECK(quicktime->container == media::video_container::mov);
  CHECK(quicktime->width == 1280);

  mp4_spec old;
  old.with_ftyp = false;
  old.moov_first = false;
  auto no_ftyp = media::probe_video(mp4_file(old));
  REQUIRE(no_ftyp);
  CHECK(no_ftyp->container == media::video_container::mov);

  for (const char *brand : {"isom", "mp42", "M4V ", "avc1", "qt x"}) {
    mp4_spec spec;
    spec.major_brand = brand;
    auto r = media::probe_video(mp4_file(spec));
    REQUIRE(r);
    CHECK(r->container == media::video_container::mp4);
  }
}

TEST_CASE("probe_video reads version 1 headers with 64-bit times", "[media]") {
  mp4_spec spec;
  spec.mvhd_version = 1;
  spec.tkhd_version = 1;
  spec.mdhd_version = 1;
  spec.movie_timescale = 1000000;
  spec.movie_duration = 6000000000ULL; // 6000 s: more than 32 bits
  spec.media_timescale = 90000;
  spec.media_duration = 540000000ULL;             // 6000 s
  spec.samples = {{100000, 3600}, {80000, 3375}}; // 180000 frames
  spec.width = 3840;
  spec.height = 2160;
  auto info = media::probe_video(mp4_file(spec));
  REQUIRE(info);
  CHECK(near(info->duration_seconds, 6000.0));
  CHECK(info->width == 3840);
  CHECK(info->height == 2160);
  CHECK(near(info->frame_rate, 30.0));
}

TEST_CASE("probe_video handles box layouts real files use", "[media]") {
  SECTION("moov after mdat") {
    mp4_spec spec;
    spec.moov_first = false;
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(info->width == 1280);
    CHECK(near(info->duration_seconds, 5.0));
  }
  SECTION("mdat with a 64-bit size, before and after moov") {
    for (bool moov_first : {true, false}) {
      mp4_spec spec;
      spec.mdat_largesize = true;
      spec.moov_first = moov_first;
      spec.mdat_bytes = 1000;
      auto info = media::probe_video(mp4_file(spec));
      REQUIRE(info);
      CHECK(info->height == 720);
    }
  }
  SECTION("mdat of size 0 runs to the end of the file") {
    mp4_spec spec;
    spec.mdat_to_end = true;
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(info->width == 1280);
  }
  SECTION("uuid and unknown boxes are skipped, at the top and inside moov") {
    const std::string uuid = box("uuid", std::string(16, '\x11') + "payload");
    std::string bytes = ftyp("isom") + uuid + box("wide", "") + box("skip", "abc");
    mp4_spec spec;
    std::string moov_body = mvhd(0, 1000, 5000) + uuid + box("meta", "xyz") + video_trak(spec);
    bytes += box("moov", moov_body) + box("mdat", "data");
    auto info = media::probe_video(bytes);
    REQUIRE(info);
    CHECK(info->width == 1280);
  }
  SECTION("the first video track counts; audio tracks do not") {
    mp4_spec spec;
    spec.width = 720;
    spec.height = 1280;
    mp4_spec second;
    second.width = 64;
    second.height = 64;
    std::string moov_body = mvhd(0, 600, 3000) + audio_trak(spec) + video_trak(spec) + video_trak(second);
    auto info = media::probe_video(ftyp("mp42") + box("moov", moov_body));
    REQUIRE(info);
    CHECK(info->width == 720);
    CHECK(info->height == 1280);
    CHECK(near(info->duration_seconds, 5.0));
  }
  SECTION("a track header of 0x0 falls back to the sample entry") {
    mp4_spec spec;
    spec.width = 0;
    spec.height = 0;
    spec.entry_width = 1080;
    spec.entry_height = 1920;
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(info->width == 1080);
    CHECK(info->height == 1920);

    spec.entry_width = 0;
    auto none = media::probe_video(mp4_file(spec));
    REQUIRE_FALSE(none);
    CHECK(contains(message_of(none), "no size"));
  }
  SECTION("an unknown movie duration falls back to the video track's") {
    mp4_spec spec;
    spec.movie_duration = 0;
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(near(info->duration_seconds, 150150.0 / 30000.0));
  }
  SECTION("a media duration of 0 takes the frame rate from the sample times") {
    mp4_spec spec;
    spec.media_duration = 0;
    spec.samples = {{120, 1000}};
    spec.media_timescale = 24000;
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(near(info->frame_rate, 24.0));
  }
  SECTION("no samples: frame rate 0") {
    mp4_spec spec;
    spec.samples = {};
    auto info = media::probe_video(mp4_file(spec));
    REQUIRE(info);
    CHECK(info->frame_rate == 0);
  }
}

TEST_CASE("probe_video fails on every truncation", "[media]") {
  for (bool moov_first : {true, false}) {
    mp4_spec spec;
    spec.moov_first = moov_first;
    const std::string mp4 = mp4_file(spec);
    REQUIRE(media::probe_video(mp4));
    // Cut right after moov, a file is whole: it only lacks its media data.
    const std::size_t moov_end = moov_first ? mp4.size() - mdat(spec).size() : mp4.size();
    for (std::size_t n = 0; n < mp4.size(); ++n) {
      auto r = media::probe_video(std::string_view(mp4).substr(0, n));
      if (n == moov_end) continue;
      if (r) FAIL("prefix of " << n << " bytes was accepted");
      if (r.error().code != kling::errc::malformed_input) FAIL("prefix of " << n << ": " << message_of(r));
    }
  }
}

TEST_CASE("probe_video names the box and offset of a bad size", "[media]") {
  const std::string head = ftyp("isom"); // 24 bytes
  const std::string good_moov = moov(mp4_spec{});

  SECTION("smaller than its header") {
    auto r = media::probe_video(head + be32(4) + "free" + good_moov);
    REQUIRE_FALSE(r);
    CHECK(message_of(r) == "the 'free' box at byte 24 has size 4, smaller than its 8-byte header");
  }
  SECTION("larger than the file") {
    auto r = media::probe_video(head + be32(0xFFFFFFFF) + "mdat" + good_moov);
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "the 'mdat' box at byte 24 has size 4294967295 but only"));
    CHECK(contains(message_of(r), "left in the file"));
  }
  SECTION("64-bit size: huge, smaller than 16, or cut off") {
    auto huge = media::probe_video(head + good_moov + be32(1) + "mdat" + be64(~0ULL));
    REQUIRE_FALSE(huge);
    CHECK(contains(message_of(huge), "has size 18446744073709551615"));
    auto small = media::probe_video(head + good_moov + be32(1) + "mdat" + be64(12));
    REQUIRE_FALSE(small);
    CHECK(contains(message_of(small), "smaller than its 16-byte header"));
    auto cut = media::probe_video(head + good_moov + be32(1) + "mdat" + "\0\0"s);
    REQUIRE_FALSE(cut);
    CHECK(contains(message_of(cut), "truncated 64-bit size of the 'mdat' box"));
  }
  SECTION("a child larger than its parent") {
    std::string moov_body = mvhd(0, 1000, 5000) + be32(5000) + "trak" + std::string(20, '\0');
    auto r = media::probe_video(head + box("moov", moov_body));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r),
                   "the 'trak' box at byte 140 has size 5000 but only 28 bytes are left in the "
                   "'moov' box at byte 24"));
  }
  SECTION("size 0 inside moov runs to the end of moov, swallowing the tracks") {
    mp4_spec spec;
    std::string moov_body = mvhd(0, 1000, 5000) + be32(0) + "free" + video_trak(spec);
    auto r = media::probe_video(head + box("moov", moov_body));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "no video track"));
  }
  SECTION("type bytes that are not printable are escaped") {
    std::string moov_body = mvhd(0, 1000, 5000) + be32(3) + "\x01\xFF'a"s;
    auto r = media::probe_video(head + box("moov", moov_body));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "'\\x01\\xff\\x27a' box at byte"));
  }
  SECTION("a cut box header") {
    auto r = media::probe_video(head + good_moov + "\0\0\0"s);
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "truncated box header at byte"));
    CHECK(contains(message_of(r), "3 bytes left in the file"));
  }
}

TEST_CASE("probe_video resists recursion bombs and box floods", "[media]") {
  SECTION("deeply nested boxes") {
    mp4_spec spec;
    // 20000 levels of trak and mdia around a real video track, headers
    // written outside in (nesting with box() would copy quadratically).
    const std::string inner = video_trak(spec);
    const int levels = 20000;
    std::string nested;
    for (int i = 0; i < levels; ++i) {
      nested += be32(static_cast<std::uint32_t>(inner.size() + 8 * (levels - i)));
      nested += i % 2 ? "mdia" : "trak";
    }
    nested += inner;
    auto r = media::probe_video(ftyp("isom") + box("moov", mvhd(0, 1000, 5000) + nested));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "no video track"));
  }
  SECTION("moov inside moov") {
    std::string nested = moov(mp4_spec{});
    for (int i = 0; i < 1000; ++i)
      nested = box("moov", nested);
    auto r = media::probe_video(ftyp("isom") + nested);
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "has no 'mvhd'"));
  }
  SECTION("a million tiny boxes") {
    std::string moov_body = mvhd(0, 1000, 5000);
    moov_body.reserve(moov_body.size() + 8 * 1000001);
    for (int i = 0; i < 1000001; ++i)
      moov_body += "\0\0\0\x08"
                   "free"s;
    auto r = media::probe_video(ftyp("isom") + box("moov", moov_body));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "more than 1000000 boxes"));
  }
}

TEST_CASE("probe_video errors on files that are not usable videos", "[media]") {
  SECTION("not a video") {
    for (std::string_view bytes : {""sv, "abc"sv, "GIF89a\x01\x00\x01\x00\x80\x00"sv}) {
      auto r = media::probe_video(bytes);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == kling::errc::malformed_input);
      CHECK(contains(message_of(r), "not an MP4 or MOV video"));
    }
    CHECK_FALSE(media::probe_video(png_image(300, 300)));
    CHECK_FALSE(media::probe_video(jpeg_image()));
  }
  SECTION("no moov") {
    auto r = media::probe_video(ftyp("isom") + box("mdat", "xyz"));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "no 'moov' box"));
  }
  SECTION("no mvhd") {
    auto r = media::probe_video(ftyp("isom") + box("moov", video_trak(mp4_spec{})));
    REQUIRE_FALSE(r);
    CHECK(message_of(r) == "the 'moov' box at byte 24 has no 'mvhd' box (movie header)");
  }
  SECTION("no video track") {
    mp4_spec spec;
    spec.video_track = false;
    auto r = media::probe_video(mp4_file(spec));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "no video track"));
  }
  SECTION("zero timescales") {
    mp4_spec movie;
    movie.movie_timescale = 0;
    auto r = media::probe_video(mp4_file(movie));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "'mvhd' box at byte"));
    CHECK(contains(message_of(r), "has timescale 0"));

    mp4_spec media_spec;
    media_spec.mdhd_version = 1;
    media_spec.media_timescale = 0;
    auto m = media::probe_video(mp4_file(media_spec));
    REQUIRE_FALSE(m);
    CHECK(contains(message_of(m), "'mdhd' box at byte"));
    CHECK(contains(message_of(m), "has timescale 0"));
  }
  SECTION("unsupported versions and short full boxes") {
    std::string moov_body = full_box("mvhd", 2, 0, std::string(200, '\0'));
    auto v2 = media::probe_video(ftyp("isom") + box("moov", moov_body + video_trak(mp4_spec{})));
    REQUIRE_FALSE(v2);
    CHECK(contains(message_of(v2), "unsupported version 2"));

    auto short_mvhd =
        media::probe_video(ftyp("isom") + box("moov", full_box("mvhd", 1, 0, std::string(20, '\0'))));
    REQUIRE_FALSE(short_mvhd);
    CHECK(contains(message_of(short_mvhd), "too short: 24 bytes of content, version 1 needs 32"));

    auto empty_mvhd = media::probe_video(ftyp("isom") + box("moov", box("mvhd", "")));
    REQUIRE_FALSE(empty_mvhd);
    CHECK(contains(message_of(empty_mvhd), "is empty"));
  }
  SECTION("an stts that claims more entries than it holds") {
    std::string trak = video_trak(mp4_spec{});
    const std::string good_stts = stts({{150, 1001}});
    const std::size_t at = trak.find(good_stts);
    REQUIRE(at != std::string::npos);
    trak.replace(at + 12, 4, be32(0x10000000));
    auto r = media::probe_video(ftyp("isom") + box("moov", mvhd(0, 1000, 5000) + trak));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "lists 268435456 entries but has room for 1"));
  }
  SECTION("a video track without its tables") {
    const std::string mdia = box("mdia", mdhd(0, 30000, 150150) + hdlr("vide"));
    auto r = media::probe_video(
        ftyp("isom") + box("moov", mvhd(0, 1000, 5000) + box("trak", tkhd(0, 1, 5000, 640, 480) + mdia)));
    REQUIRE_FALSE(r);
    CHECK(contains(message_of(r), "has no 'minf' box"));
  }
}

TEST_CASE("probe_video survives every single-byte mutation of a valid file", "[media]") {
  mp4_spec spec;
  spec.mdat_bytes = 8;
  probe_every_mutation(mp4_file(spec), media::probe_video);
  SUCCEED("no crash");
}

// ----- image strings --------------------------------------------------------

TEST_CASE("classify_image_string accepts http(s) URLs", "[media]") {
  for (std::string_view text : {"https://example.com/cat.png"sv, "http://127.0.0.1:8080/a?b=c"sv,
                                "HTTPS://CDN.EXAMPLE.COM/x.jpg"sv}) {
    const media::image_string s = media::classify_image_string(text);
    CHECK(s.kind == media::image_string_kind::url);
    CHECK(s.payload == text);
    CHECK(s.media_type.empty());
    CHECK(s.problem.empty());
  }
  const auto spaced = media::classify_image_string("https://example.com/my cat.png");
  CHECK(spaced.kind == media::image_string_kind::invalid);
  CHECK(contains(spaced.problem, "space"));
  const auto no_host = media::classify_image_string("http://");
  CHECK(no_host.kind == media::image_string_kind::invalid);
  CHECK(contains(no_host.problem, "host"));
  const auto ftp = media::classify_image_string("ftp://example.com/cat.png");
  CHECK(ftp.kind == media::image_string_kind::invalid);
  CHECK(contains(ftp.problem, "not an http(s) URL, a data:image/...;base64, URI, or Base64"));
}

TEST_CASE("classify_image_string accepts data:image/...;base64, URIs only", "[media]") {
  const std::string b64 = kling::base64::encode(png_header(300, 300));
  const std::string uri = "data:image/png;base64," + b64;
  const auto s = media::classify_image_string(uri);
  REQUIRE(s.kind == media::image_string_kind::data_uri);
  CHECK(s.payload == b64);
  CHECK(s.media_type == "image/png");
  CHECK(s.problem.empty());

  const std::string with_parameter = "data:image/jpeg;name=cat.jpg;base64,AAAA";
  const auto p = media::classify_image_string(with_parameter);
  REQUIRE(p.kind == media::image_string_kind::data_uri);
  CHECK(p.media_type == "image/jpeg");
  CHECK(p.payload == "AAAA");

  const auto upper = media::classify_image_string("DATA:IMAGE/PNG;BASE64,AAAA");
  CHECK(upper.kind == media::image_string_kind::data_uri);
  CHECK(upper.media_type == "IMAGE/PNG");

  struct bad_case {
    std::string_view text;
    std::string_view problem;
  };
  for (const bad_case &c : {
           bad_case{"data:text/plain;base64,AAAA", "\"text/plain\" is not an image type"},
           bad_case{"data:;base64,AAAA", "\"\" is not an image type"},
           bad_case{"data:image/;base64,AAAA", "\"image/\" is not an image type"},
           bad_case{"data:image/png,rawbytes", "not Base64-encoded"},
           bad_case{"data:image/png;charset=utf-8,AAAA", "not Base64-encoded"},
           bad_case{"data:image/png;base64", "no ','"},
           bad_case{"data:", "no ','"},
           bad_case{"data:image/png;base64,", "no data"},
           bad_case{"data:image/png;base64,AAA", "not a multiple of 4"},
           bad_case{"data:image/png;base64,AA AAAAA", "outside the alphabet"},
           bad_case{"data:image/png;base64,AB==", "non-zero padding bits"},
       }) {
    const auto r = media::classify_image_string(c.text);
    INFO(c.text);
    CHECK(r.kind == media::image_string_kind::invalid);
    CHECK(contains(r.problem, c.problem));
    CHECK(r.payload.empty());
  }
}

TEST_CASE("classify_image_string accepts strict Base64 and nothing else", "[media]") {
  const std::string b64 = kling::base64::encode(jpeg_image());
  const auto s = media::classify_image_string(b64);
  CHECK(s.kind == media::image_string_kind::base64);
  CHECK(s.payload == b64);
  CHECK(media::classify_image_string("AA==").kind == media::image_string_kind::base64);
  CHECK(media::classify_image_string("AAAA").kind == media::image_string_kind::base64);

  for (std::string_view text : {"AAA"sv, "AAAA\n"sv, "AA=A"sv, "AB=="sv, "A-_A"sv, "not base64 at all"sv,
                                "C:\\images\\cat.png"sv, "/tmp/cat.png"sv}) {
    const auto r = media::classify_image_string(text);
    INFO(text);
    CHECK(r.kind == media::image_string_kind::invalid);
    CHECK(contains(r.problem, "not an http(s) URL, a data:image/...;base64, URI, or Base64"));
  }
  const auto empty = media::classify_image_string("");
  CHECK(empty.kind == media::image_string_kind::invalid);
  CHECK(contains(empty.problem, "empty"));
}

// ----- files ----------------------------------------------------------------

TEST_CASE("read_file reads whole files up to a limit checked first", "[media]") {
  const temp_file file("0123456789");
  auto all = media::read_file(file.path, 10);
  REQUIRE(all);
  CHECK(*all == "0123456789");

  auto too_big = media::read_file(file.path, 9);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == kling::errc::io);
  CHECK(contains(message_of(too_big), "is larger than 9 bytes (10 bytes)"));
  CHECK(contains(message_of(too_big), file.path));

  const temp_file empty("");
  auto nothing = media::read_file(empty.path, 0);
  REQUIRE(nothing);
  CHECK(nothing->empty());

  auto missing = media::read_file(unique_temp_path(".missing"), 100);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == kling::errc::io);
  CHECK(contains(message_of(missing), "cannot open"));

  std::error_code ec;
  auto directory = media::read_file(std::filesystem::temp_directory_path(ec).string(), 100);
  REQUIRE_FALSE(directory);
  CHECK(directory.error().code == kling::errc::io);
  CHECK(contains(message_of(directory), "not a regular file"));
}

TEST_CASE("image_file_to_base64 and image_file_to_data_uri inline PNG and JPEG files", "[media]") {
  const std::string png = png_image(320, 240);
  const temp_file png_file(png, ".png");
  auto b64 = media::image_file_to_base64(png_file.path);
  REQUIRE(b64);
  CHECK(*b64 == kling::base64::encode(png));
  auto png_uri = media::image_file_to_data_uri(png_file.path);
  REQUIRE(png_uri);
  CHECK(*png_uri == "data:image/png;base64," + *b64);
  const auto classified = media::classify_image_string(*png_uri);
  CHECK(classified.kind == media::image_string_kind::data_uri);
  CHECK(classified.media_type == "image/png");

  // The type comes from the content, not the name.
  const std::string jpeg = jpeg_image();
  const temp_file jpeg_file(jpeg, ".png");
  auto jpeg_uri = media::image_file_to_data_uri(jpeg_file.path);
  REQUIRE(jpeg_uri);
  CHECK(*jpeg_uri == "data:image/jpeg;base64," + kling::base64::encode(jpeg));

  const temp_file text_file("just some text\n", ".jpg");
  auto not_image = media::image_file_to_base64(text_file.path);
  REQUIRE_FALSE(not_image);
  CHECK(not_image.error().code == kling::errc::malformed_input);
  CHECK(contains(message_of(not_image), text_file.path));
  CHECK(contains(message_of(not_image), "not a JPEG or PNG image"));
  CHECK_FALSE(media::image_file_to_data_uri(text_file.path));

  const std::string missing_path = unique_temp_path(".png");
  auto missing = media::image_file_to_data_uri(missing_path);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == kling::errc::io);
  CHECK(contains(message_of(missing), missing_path));
}

TEST_CASE("image_file_to_base64 refuses files over 10 MB before reading them", "[media]") {
  const temp_file big(png_header(300, 300), ".png");
  std::error_code ec;
  std::filesystem::resize_file(big.path, 10 * 1024 * 1024 + 1, ec); // sparse: nothing is written
  REQUIRE_FALSE(ec);
  auto r = media::image_file_to_base64(big.path);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == kling::errc::io);
  CHECK(contains(message_of(r), "larger than 10485760 bytes"));

  std::filesystem::resize_file(big.path, 10 * 1024 * 1024, ec);
  REQUIRE_FALSE(ec);
  auto at_limit = media::image_file_to_base64(big.path);
  REQUIRE(at_limit);
  CHECK(at_limit->size() == (10 * 1024 * 1024 + 2) / 3 * 4);
}

TEST_CASE("local_image: a request names the file; its header is checked, its Base64 written into the body",
          "[media][rules]") {
  const std::string png = png_image(640, 360);
  const temp_file png_file(png, ".png");
  const std::string local = media::local_image(png_file.path);
  const auto classified = media::classify_image_string(local);
  CHECK(classified.kind == media::image_string_kind::local_file);
  CHECK(classified.payload == png_file.path);
  CHECK(media::classify_image_string(media::local_image("")).kind == media::image_string_kind::invalid);

  auto info = media::probe_image_file(png_file.path);
  REQUIRE(info);
  CHECK(info->width == 640);
  CHECK(info->height == 360);
  CHECK(info->size_bytes == png.size());

  // The body sent is the body the Base64 string would have given, byte for byte.
  const kling::json with_path = {{"model", "Kling-V2.6"}, {"image", local}, {"prompt", "a cat"}};
  const kling::json with_base64 = {
      {"model", "Kling-V2.6"}, {"image", kling::base64::encode(png)}, {"prompt", "a cat"}};
  auto body = media::inline_local_images(kling::dump_json(with_path));
  REQUIRE(body);
  CHECK(*body == kling::dump_json(with_base64));
  CHECK(body->capacity() < body->size() + 64); // allocated once, at its size

  // Only string values that are the whole prefix and path: a prompt that
  // mentions one, or a member named like one, is text.
  const kling::json mentions = {{"prompt", "see " + local}, {local, "x"}, {"model", "Kling-V2.6"}};
  auto untouched = media::inline_local_images(kling::dump_json(mentions));
  REQUIRE(untouched);
  CHECK(*untouched == kling::dump_json(mentions));
  CHECK(*media::inline_local_images("{\"prompt\":\"no image\"}") == "{\"prompt\":\"no image\"}");

  // Two images, one of them a path with characters JSON escapes (not allowed in Windows names).
#ifndef _WIN32
  const temp_file quoted(png, "\"q\\.png");
  const kling::json two = {{"image", local}, {"image_tail", media::local_image(quoted.path)}};
  auto both = media::inline_local_images(kling::dump_json(two));
  REQUIRE(both);
  CHECK(*both == kling::dump_json(kling::json{{"image", kling::base64::encode(png)},
                                              {"image_tail", kling::base64::encode(png)}}));
#endif

  // A file that is gone when the request is sent: an error naming it, nothing sent.
  const std::string gone = unique_temp_path(".png");
  auto missing =
      media::inline_local_images(kling::dump_json(kling::json{{"image", media::local_image(gone)}}));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == kling::errc::io);
  CHECK(contains(message_of(missing), gone));

  // Validation reads the header: the same rules as for inline images.
  CHECK(kling::rules::validate(with_path).valid());
  const temp_file small(png_image(200, 200), ".png");
  const kling::json too_small = {{"model", "Kling-V2.6"}, {"image", media::local_image(small.path)}};
  const auto report = kling::rules::validate(too_small);
  REQUIRE_FALSE(report.valid());
  CHECK(report.violations.at(0).field == "/image");
  CHECK(contains(report.violations.at(0).message, "200x200 px"));
  const temp_file text_file("just some text\n", ".png");
  const auto not_image = kling::rules::validate(
      kling::json{{"model", "Kling-V2.6"}, {"image", media::local_image(text_file.path)}});
  REQUIRE_FALSE(not_image.valid());
  CHECK(contains(not_image.violations.at(0).message, "not a JPEG or PNG image"));
  const auto absent =
      kling::rules::validate(kling::json{{"model", "Kling-V2.6"}, {"image", media::local_image(gone)}});
  REQUIRE_FALSE(absent.valid());
  CHECK(contains(absent.violations.at(0).message, gone));
}

TEST_CASE("probe_video_file reads the same as probe_video, by seeking", "[media]") {
  for (bool moov_first : {true, false}) {
    mp4_spec spec;
    spec.moov_first = moov_first;
    spec.mdat_bytes = 100000;
    const std::string mp4 = mp4_file(spec);
    const temp_file file(mp4, ".mp4");
    auto from_file = media::probe_video_file(file.path);
    auto from_memory = media::probe_video(mp4);
    REQUIRE(from_file);
    REQUIRE(from_memory);
    CHECK(from_file->container == from_memory->container);
    CHECK(from_file->duration_seconds == from_memory->duration_seconds);
    CHECK(from_file->width == from_memory->width);
    CHECK(from_file->height == from_memory->height);
    CHECK(from_file->frame_rate == from_memory->frame_rate);
    CHECK(from_file->size_bytes == mp4.size());
  }

  auto missing = media::probe_video_file(unique_temp_path(".mp4"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == kling::errc::io);
  CHECK(contains(message_of(missing), "cannot open"));

  const temp_file truncated(mp4_file().substr(0, 200), ".mp4");
  auto bad = media::probe_video_file(truncated.path);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == kling::errc::malformed_input);
  CHECK(contains(message_of(bad), truncated.path));
}

// Offsets past 4 GiB must survive where size_t and long are 32 bits (wasm32,
// and long on Windows): the suite also runs there. The files are made sparse
// by writing past their end (Emscripten 3.1.6 loses the high bits of a
// truncate's length, so std::filesystem::resize_file cannot make them there).
TEST_CASE("probe_video_file finds a moov that starts past 4 GiB, after a 64-bit mdat", "[media]") {
  const std::uint64_t mdat_size = (9ULL << 29) + 16; // 4.5 GiB, sparse: almost nothing is written
  const std::string ftyp_box = ftyp("isom");
  std::string head = ftyp_box + be32(1) + "mdat";
  head += be64(mdat_size);
  const auto write_at = [](const std::string &path, std::uint64_t offset, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(offset));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
  };
  const std::string moov_box = moov(mp4_spec{});
  const temp_file file(head, ".mp4");
  REQUIRE(write_at(file.path, ftyp_box.size() + mdat_size, moov_box));
  std::error_code ec;
  REQUIRE(std::filesystem::file_size(file.path, ec) == ftyp_box.size() + mdat_size + moov_box.size());
  auto info = media::probe_video_file(file.path);
  REQUIRE(info);
  CHECK(info->width == 1280);
  CHECK(info->size_bytes == ftyp_box.size() + mdat_size + moov_box.size());

  // Cut inside the mdat: the box claims more than the file holds.
  const temp_file cut_file(head, ".mp4");
  REQUIRE(write_at(cut_file.path, ftyp_box.size() + mdat_size - 2, "x"));
  auto cut = media::probe_video_file(cut_file.path);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == kling::errc::malformed_input);
  CHECK(contains(message_of(cut), "has size " + std::to_string(mdat_size)));
}

TEST_CASE("probe_video_file skips a 200 MB mdat and caps moov at 64 MB", "[media]") {
  const std::uint64_t mdat_size = 200ULL * 1024 * 1024;
  const std::string ftyp_box = ftyp("isom");
  SECTION("a large sparse mdat, moov at the end") {
    const temp_file file(ftyp_box + be32(static_cast<std::uint32_t>(mdat_size)) + "mdat", ".mp4");
    std::error_code ec;
    std::filesystem::resize_file(file.path, ftyp_box.size() + mdat_size, ec);
    REQUIRE_FALSE(ec);
    {
      std::ofstream append(file.path, std::ios::binary | std::ios::app);
      const std::string moov_box = moov(mp4_spec{});
      append.write(moov_box.data(), static_cast<std::streamsize>(moov_box.size()));
    }
    auto info = media::probe_video_file(file.path);
    REQUIRE(info);
    CHECK(info->width == 1280);
    CHECK(info->size_bytes == ftyp_box.size() + mdat_size + moov(mp4_spec{}).size());
  }
  SECTION("a moov over 64 MB") {
    const std::uint64_t moov_size = 65ULL * 1024 * 1024;
    const temp_file file(ftyp_box + be32(static_cast<std::uint32_t>(moov_size)) + "moov", ".mp4");
    std::error_code ec;
    std::filesystem::resize_file(file.path, ftyp_box.size() + moov_size, ec);
    REQUIRE_FALSE(ec);
    auto r = media::probe_video_file(file.path);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::malformed_input);
    CHECK(contains(message_of(r), "the 'moov' box at byte 24 is 68157432 bytes; at most 67108864 are read"));
  }
}
