// Sample media for tests and demos, made in code:
// - sample_mp4: a valid ISO base media container (ftyp, moov with one video
//   track, mdat) whose boxes say how long it is, its size and frame rate, as
//   the media probes and download code read them; its samples are filler,
//   not encoded pictures;
// - sample_png: a complete PNG that any decoder opens (a grey gradient);
//   greyscale_png and png_chunk build other PNGs (tests of the image probe).
//
// Thread safety: pure functions.
#ifndef KLING_TESTING_SAMPLE_MEDIA_HPP
#define KLING_TESTING_SAMPLE_MEDIA_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

namespace testing {

namespace sample_detail {
inline void be32(std::string &out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>(v >> shift & 0xFF);
}
inline void be16(std::string &out, std::uint32_t v) {
  out += static_cast<char>(v >> 8 & 0xFF);
  out += static_cast<char>(v & 0xFF);
}
inline std::string box(std::string_view type, std::string_view payload) {
  std::string out;
  be32(out, static_cast<std::uint32_t>(payload.size() + 8));
  out.append(type.data(), type.size());
  out.append(payload.data(), payload.size());
  return out;
}
inline std::string full_box(std::string_view type, std::string_view payload) {
  return box(type, std::string(4, '\0') + std::string(payload));
}
inline std::string matrix() { // the identity transformation
  std::string out;
  for (std::uint32_t v : {0x10000u, 0u, 0u, 0u, 0x10000u, 0u, 0u, 0u, 0x40000000u})
    be32(out, v);
  return out;
}
} // namespace sample_detail

// seconds long, width x height, at fps frames per second, with mdat_bytes of filler.
inline std::string sample_mp4(std::uint32_t seconds = 5, std::uint32_t width = 1280,
                              std::uint32_t height = 720, std::uint32_t fps = 24,
                              std::size_t mdat_bytes = 64 * 1024) {
  using namespace sample_detail;
  const std::uint32_t timescale = 1000, duration = seconds * 1000;
  std::string mvhd;
  be32(mvhd, 0); // creation time
  be32(mvhd, 0); // modification time
  be32(mvhd, timescale);
  be32(mvhd, duration);
  be32(mvhd, 0x10000); // rate 1.0
  be16(mvhd, 0x100);   // volume 1.0
  mvhd += std::string(10, '\0') + matrix() + std::string(24, '\0');
  be32(mvhd, 2); // next track id

  std::string tkhd;
  be32(tkhd, 0);
  be32(tkhd, 0);
  be32(tkhd, 1); // track id
  be32(tkhd, 0);
  be32(tkhd, duration);
  tkhd += std::string(16, '\0') + matrix();
  be32(tkhd, width << 16);
  be32(tkhd, height << 16);

  std::string mdhd;
  be32(mdhd, 0);
  be32(mdhd, 0);
  be32(mdhd, fps * 1000);           // media timescale: one tick per 1/1000 frame
  be32(mdhd, seconds * fps * 1000); // media duration
  be16(mdhd, 0x55C4);               // language "und"
  be16(mdhd, 0);

  std::string hdlr(4, '\0');
  hdlr += "vide";
  hdlr += std::string(12, '\0') + std::string("kling-cpp sample\0", 17);

  std::string entry(6, '\0');
  be16(entry, 1); // data reference index
  entry += std::string(16, '\0');
  be16(entry, width);
  be16(entry, height);
  be32(entry, 0x480000); // 72 dpi
  be32(entry, 0x480000);
  be32(entry, 0);
  be16(entry, 1); // frames per sample
  entry += std::string(32, '\0');
  be16(entry, 24);     // depth
  be16(entry, 0xFFFF); // no color table
  std::string stsd;
  be32(stsd, 1);
  stsd += box("mp4v", entry);
  std::string stts;
  be32(stts, 1);
  be32(stts, seconds * fps); // sample count
  be32(stts, 1000);          // ticks per sample
  const std::string stbl = box("stbl", full_box("stsd", stsd) + full_box("stts", stts));
  const std::string minf = box("minf", full_box("vmhd", std::string(8, '\0')) + stbl);
  const std::string mdia = box("mdia", full_box("mdhd", mdhd) + full_box("hdlr", hdlr) + minf);
  const std::string moov = box("moov", full_box("mvhd", mvhd) + box("trak", full_box("tkhd", tkhd) + mdia));

  std::string ftyp = "isom";
  be32(ftyp, 0x200);
  ftyp += "isomiso2mp41";
  std::string filler(mdat_bytes, '\0');
  for (std::size_t i = 0; i < filler.size(); ++i)
    filler[i] = static_cast<char>(i * 31 % 251);
  return box("ftyp", ftyp) + moov + box("mdat", filler);
}

namespace sample_detail {
inline std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k)
      crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}
} // namespace sample_detail

// A PNG chunk: length, type, data and CRC.
inline std::string png_chunk(std::string_view type, std::string_view data) {
  std::string out;
  sample_detail::be32(out, static_cast<std::uint32_t>(data.size()));
  std::string typed(type);
  typed.append(data.data(), data.size());
  out += typed;
  sample_detail::be32(out, sample_detail::crc32(typed));
  return out;
}

// A complete greyscale PNG of `bit_depth` bits per pixel from its scanlines
// (each a filter byte and the row's pixels), stored in uncompressed deflate blocks.
inline std::string greyscale_png(std::uint32_t width, std::uint32_t height, unsigned bit_depth,
                                 std::string_view scanlines) {
  using sample_detail::be32;
  std::string zlib = "\x78\x01";
  std::size_t pos = 0;
  do {
    const std::size_t n = scanlines.size() - pos < 65535 ? scanlines.size() - pos : 65535;
    zlib += pos + n == scanlines.size() ? '\x01' : '\x00'; // the final block?
    zlib += static_cast<char>(n & 0xFF);
    zlib += static_cast<char>(n >> 8);
    zlib += static_cast<char>(~n & 0xFF);
    zlib += static_cast<char>(~n >> 8 & 0xFF);
    zlib.append(scanlines.data() + pos, n);
    pos += n;
  } while (pos < scanlines.size());
  std::uint32_t a = 1, b = 0; // Adler-32
  for (unsigned char c : scanlines) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  be32(zlib, b << 16 | a);
  std::string ihdr;
  be32(ihdr, width);
  be32(ihdr, height);
  ihdr += static_cast<char>(bit_depth);
  ihdr += std::string(4, '\0'); // greyscale, deflate, adaptive filtering, no interlace
  return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", zlib) +
         png_chunk("IEND", "");
}

// width x height, 8-bit greyscale, a gradient.
inline std::string sample_png(std::uint32_t width = 640, std::uint32_t height = 360) {
  std::string rows;
  rows.reserve((static_cast<std::size_t>(width) + 1) * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    rows += '\0'; // no filter
    for (std::uint32_t x = 0; x < width; ++x)
      rows += static_cast<char>((x * 255 / (width ? width : 1) + y) & 0xFF);
  }
  return greyscale_png(width, height, 8, rows);
}

} // namespace testing

KLING_NAMESPACE_END

#endif // KLING_TESTING_SAMPLE_MEDIA_HPP
