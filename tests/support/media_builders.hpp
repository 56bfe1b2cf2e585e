// Builders of small media files for tests (there are no binary fixtures): a
// valid PNG, JPEG marker sequences, and MP4/MOV box trees that the probes of
// kling/media read. Each builder takes a spec whose defaults give a valid
// file, so a test changes only what it is about.
#ifndef KLING_TESTS_SUPPORT_MEDIA_BUILDERS_HPP
#define KLING_TESTS_SUPPORT_MEDIA_BUILDERS_HPP

#include <kling/testing.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kling_test {

// ----- bytes ----------------------------------------------------------------

inline void put_be16(std::string &out, std::uint32_t v) {
  out += static_cast<char>(v >> 8 & 0xFF);
  out += static_cast<char>(v & 0xFF);
}
inline void put_be32(std::string &out, std::uint32_t v) {
  put_be16(out, v >> 16);
  put_be16(out, v & 0xFFFF);
}
inline void put_be64(std::string &out, std::uint64_t v) {
  put_be32(out, static_cast<std::uint32_t>(v >> 32));
  put_be32(out, static_cast<std::uint32_t>(v & 0xFFFFFFFFu));
}
inline std::string be16(std::uint32_t v) {
  std::string out;
  put_be16(out, v);
  return out;
}
inline std::string be32(std::uint32_t v) {
  std::string out;
  put_be32(out, v);
  return out;
}
inline std::string be64(std::uint64_t v) {
  std::string out;
  put_be64(out, v);
  return out;
}

// ----- PNG ------------------------------------------------------------------

using kling::testing::png_chunk;

inline std::string png_signature() { return std::string("\x89PNG\r\n\x1a\n", 8); }

// Signature and IHDR only: all a probe reads.
inline std::string png_header(std::uint32_t width, std::uint32_t height) {
  std::string ihdr = be32(width) + be32(height);
  ihdr += '\x01';               // bit depth 1
  ihdr += '\x00';               // greyscale
  ihdr += std::string(3, '\0'); // deflate, adaptive filtering, no interlace
  return png_signature() + png_chunk("IHDR", ihdr);
}

// A complete PNG that any decoder accepts: a black 1-bit greyscale image.
inline std::string png_image(std::uint32_t width, std::uint32_t height) {
  const std::size_t row = 1 + (static_cast<std::size_t>(width) + 7) / 8; // filter byte + pixels
  return kling::testing::greyscale_png(width, height, 1, std::string(row * height, '\0'));
}

// ----- JPEG -----------------------------------------------------------------

inline std::string jpeg_segment(unsigned char marker, std::string_view data) {
  std::string out = "\xFF";
  out += static_cast<char>(marker);
  put_be16(out, static_cast<std::uint32_t>(data.size() + 2));
  out += data;
  return out;
}

struct jpeg_spec {
  std::uint32_t width = 640;
  std::uint32_t height = 480;
  unsigned char frame_marker = 0xC0; // 0xC2: progressive
  std::size_t fill_bytes = 0;        // extra 0xFF before each marker after SOI
  bool exif = true;                  // an APP1 segment besides APP0
};

// The frame header segment (SOFn) alone.
inline std::string jpeg_frame_header(const jpeg_spec &spec) {
  std::string sof = "\x08"; // precision
  put_be16(sof, spec.height);
  put_be16(sof, spec.width);
  sof += '\x03'; // components: id, sampling, quantisation table
  sof += std::string("\x01\x22\x00\x02\x11\x01\x03\x11\x01", 9);
  return jpeg_segment(spec.frame_marker, sof);
}

// The marker sequence of a JPEG file: SOI, APP0 (JFIF), APP1, DQT, SOFn, DHT,
// SOS with a few bytes of scan data, EOI. Not decodable (the tables are
// dummies), but laid out as encoders write it.
inline std::string jpeg_image(const jpeg_spec &spec = {}) {
  const std::string fill(spec.fill_bytes, '\xFF');
  std::string out = "\xFF\xD8";
  out += fill + jpeg_segment(0xE0, std::string("JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00", 14));
  if (spec.exif) out += fill + jpeg_segment(0xE1, std::string("Exif\0\0MM\0*\0\0\0\x08\0\0", 16));
  out += fill + jpeg_segment(0xDB, "\x00" + std::string(64, '\x01'));
  out += fill + jpeg_frame_header(spec);
  out += fill + jpeg_segment(0xC4, std::string("\x00", 1) + std::string(16, '\0'));
  out += fill + jpeg_segment(0xDA, std::string("\x03\x01\x00\x02\x11\x03\x11\x00\x3F\x00", 10));
  out += std::string("\x12\x34\xFF\x00\x56\xFF\xD0\x78", 8); // scan data, a stuffed byte and RST0
  out += "\xFF\xD9";
  return out;
}

// ----- MP4 / MOV --------------------------------------------------------------

inline std::string box(std::string_view type, std::string_view payload) {
  std::string out = be32(static_cast<std::uint32_t>(8 + payload.size()));
  out += type;
  out += payload;
  return out;
}

// A box with size 1 and a 64-bit size after the type.
inline std::string large_box(std::string_view type, std::string_view payload) {
  std::string out = be32(1);
  out += type;
  put_be64(out, 16 + payload.size());
  out += payload;
  return out;
}

inline std::string full_box(std::string_view type, int version, std::uint32_t flags,
                            std::string_view payload) {
  std::string body = be32(static_cast<std::uint32_t>(version) << 24 | (flags & 0xFFFFFF));
  body += payload;
  return box(type, body);
}

inline std::string ftyp(std::string_view major, std::vector<std::string> compatible = {"isom", "mp41"}) {
  std::string body(major);
  put_be32(body, 0x200); // minor version
  for (const auto &brand : compatible)
    body += brand;
  return box("ftyp", body);
}

inline std::string unity_matrix() {
  return be32(0x00010000) + be32(0) + be32(0) + be32(0) + be32(0x00010000) + be32(0) + be32(0) + be32(0) +
         be32(0x40000000);
}

// Creation and modification times, timescale, duration: 32-bit in version 0,
// 64-bit in version 1.
inline std::string timing_fields(int version, std::uint32_t timescale, std::uint64_t duration) {
  std::string out;
  if (version == 1) {
    put_be64(out, 3600);
    put_be64(out, 3600);
    put_be32(out, timescale);
    put_be64(out, duration);
  } else {
    put_be32(out, 3600);
    put_be32(out, 3600);
    put_be32(out, timescale);
    put_be32(out, static_cast<std::uint32_t>(duration));
  }
  return out;
}

inline std::string mvhd(int version, std::uint32_t timescale, std::uint64_t duration) {
  std::string body = timing_fields(version, timescale, duration);
  body += be32(0x00010000) + be16(0x0100) + std::string(10, '\0'); // rate, volume, reserved
  body += unity_matrix() + std::string(24, '\0') + be32(3);        // pre_defined, next track ID
  return full_box("mvhd", version, 0, body);
}

// width and height in whole pixels; written as 16.16 fixed point.
inline std::string tkhd(int version, std::uint32_t track_id, std::uint64_t duration, std::uint32_t width,
                        std::uint32_t height) {
  std::string body;
  if (version == 1) {
    put_be64(body, 3600);
    put_be64(body, 3600);
    put_be32(body, track_id);
    put_be32(body, 0);
    put_be64(body, duration);
  } else {
    put_be32(body, 3600);
    put_be32(body, 3600);
    put_be32(body, track_id);
    put_be32(body, 0);
    put_be32(body, static_cast<std::uint32_t>(duration));
  }
  body += std::string(8, '\0') + be16(0) + be16(0) + be16(0) + be16(0); // reserved, layer, group, volume
  body += unity_matrix();
  put_be32(body, width << 16);
  put_be32(body, height << 16);
  return full_box("tkhd", version, 7, body);
}

inline std::string mdhd(int version, std::uint32_t timescale, std::uint64_t duration) {
  return full_box("mdhd", version, 0, timing_fields(version, timescale, duration) + be16(0x55C4) + be16(0));
}

// component_type is 0 in MP4 and "mhlr" in QuickTime.
inline std::string hdlr(std::string_view handler_type,
                        std::string_view component_type = std::string_view("\0\0\0\0", 4)) {
  std::string body(component_type);
  body += handler_type;
  body += std::string(12, '\0') + "handler" + std::string(1, '\0');
  return full_box("hdlr", 0, 0, body);
}

inline std::string stts(const std::vector<std::pair<std::uint32_t, std::uint32_t>> &entries) {
  std::string body = be32(static_cast<std::uint32_t>(entries.size()));
  for (const auto &e : entries)
    body += be32(e.first) + be32(e.second);
  return full_box("stts", 0, 0, body);
}

inline std::string visual_sample_entry(std::string_view format, std::uint32_t width, std::uint32_t height) {
  std::string body(6, '\0');
  body += be16(1);               // data reference index
  body += std::string(16, '\0'); // pre_defined and reserved
  body += be16(width) + be16(height);
  body += be32(0x00480000) + be32(0x00480000) + be32(0) + be16(1); // resolution, reserved, frame count
  body += std::string(32, '\0') + be16(0x18) + be16(0xFFFF);       // compressor name, depth, pre_defined
  return box(format, body);
}

inline std::string stsd(std::string_view entry) {
  return full_box("stsd", 0, 0, be32(1) + std::string(entry));
}

struct mp4_spec {
  std::string major_brand = "isom"; // "qt  " for a MOV
  bool with_ftyp = true;
  bool moov_first = true; // false: 'mdat' first, as cameras write
  int mvhd_version = 0;
  int tkhd_version = 0;
  int mdhd_version = 0;
  std::uint32_t movie_timescale = 1000;
  std::uint64_t movie_duration = 5000; // 5 s
  std::uint32_t width = 1280;          // in 'tkhd'
  std::uint32_t height = 720;
  std::uint32_t entry_width = 1280; // in the 'stsd' sample entry
  std::uint32_t entry_height = 720;
  std::uint32_t media_timescale = 30000;
  std::uint64_t media_duration = 150150; // 150 frames of 1001 ticks: 29.97 fps
  std::vector<std::pair<std::uint32_t, std::uint32_t>> samples = {{150, 1001}};
  bool audio_track = true; // a sound track before the video track
  bool video_track = true;
  std::size_t mdat_bytes = 64;
  bool mdat_largesize = false; // 'mdat' with size 1 and a 64-bit size
  bool mdat_to_end = false;    // 'mdat' last, with size 0 ("to the end of the file")
};

inline std::string audio_trak(const mp4_spec &spec) {
  const std::string stbl = box("stbl", stsd(box("mp4a", std::string(28, '\0'))) + stts({{235, 1024}}));
  const std::string minf = box("minf", box("smhd", std::string(8, '\0')) + stbl);
  const std::string mdia = box("mdia", mdhd(0, 48000, 240640) + hdlr("soun") + minf);
  return box("trak", tkhd(0, 2, spec.movie_duration, 0, 0) + mdia);
}

inline std::string video_trak(const mp4_spec &spec) {
  const std::string component = spec.major_brand == "qt  " ? "mhlr" : std::string(4, '\0');
  const std::string stbl =
      box("stbl", stsd(visual_sample_entry("avc1", spec.entry_width, spec.entry_height)) +
                      stts(spec.samples) + full_box("stss", 0, 0, be32(0)));
  const std::string minf = box("minf", full_box("vmhd", 0, 1, std::string(8, '\0')) + stbl);
  const std::string mdia = box("mdia", mdhd(spec.mdhd_version, spec.media_timescale, spec.media_duration) +
                                           hdlr("vide", component) + minf);
  return box("trak", tkhd(spec.tkhd_version, 1, spec.movie_duration, spec.width, spec.height) +
                         box("edts", std::string(8, '\0')) + mdia);
}

inline std::string moov(const mp4_spec &spec) {
  std::string body = mvhd(spec.mvhd_version, spec.movie_timescale, spec.movie_duration);
  if (spec.audio_track) body += audio_trak(spec);
  if (spec.video_track) body += video_trak(spec);
  body += box("udta", box("\xA9"
                          "too",
                          "kling-cpp tests"));
  return box("moov", body);
}

inline std::string mdat(const mp4_spec &spec) {
  const std::string data(spec.mdat_bytes, '\x5A');
  if (spec.mdat_largesize) return large_box("mdat", data);
  if (spec.mdat_to_end) return be32(0) + "mdat" + data;
  return box("mdat", data);
}

// A whole file: ftyp, free, then moov and mdat in the order the spec asks
// (mdat_to_end puts mdat last).
inline std::string mp4_file(const mp4_spec &spec = {}) {
  std::string out;
  if (spec.with_ftyp)
    out += ftyp(spec.major_brand, spec.major_brand == "qt  " ? std::vector<std::string>{"qt  "}
                                                             : std::vector<std::string>{"isom", "mp41"});
  out += box("free", "");
  if (spec.moov_first || spec.mdat_to_end) {
    out += moov(spec) + mdat(spec);
  } else {
    out += mdat(spec) + moov(spec);
  }
  return out;
}

} // namespace kling_test

#endif // KLING_TESTS_SUPPORT_MEDIA_BUILDERS_HPP
