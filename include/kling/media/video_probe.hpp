// Video metadata (container, duration, size, frame rate) read from the box
// structure of MP4 and QuickTime (MOV) files without decoding anything: what
// the gateway's video rules (O1-13, M-5) check before a request is sent.
//
// Only 'ftyp' and 'moov' are read. Media data ('mdat') is skipped by its
// size, so probe_video_file seeks through a large file instead of loading it.
// Hostile input is expected: every box must fit its parent, nesting depth and
// the number of boxes are bounded, and nothing is allocated from a size in the
// data except 'moov', which is capped.
//
// Thread safety: pure functions (probe_video_file only reads its file).
#ifndef KLING_MEDIA_VIDEO_PROBE_HPP
#define KLING_MEDIA_VIDEO_PROBE_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/ascii.hpp"
#include "kling/core/files.hpp"
#include "kling/core/result.hpp"
#include "kling/core/utf8.hpp"

KLING_NAMESPACE_BEGIN

namespace media {

enum class video_container { mp4, mov };

constexpr const char *to_string(video_container container) noexcept {
  switch (container) {
  case video_container::mp4: return "mp4";
  case video_container::mov: return "mov";
  }
  return "unknown";
}

struct video_info {
  video_container container = video_container::mp4;
  double duration_seconds = 0;
  std::uint32_t width = 0; // of the first video track, as its track header says
  std::uint32_t height = 0;
  double frame_rate = 0;        // average: samples / track duration; 0 when the track has no samples
  std::uint64_t size_bytes = 0; // the whole file
};

// Container, duration, size and frame rate of an MP4 or MOV video held in
// memory. Malformed or truncated input is an errc::malformed_input error that
// names the box and its byte offset; so is a 'moov' over 64 MB, as for files.
KLING_FUNCTION_OBJECT probe_video_function { result<video_info> operator()(std::string_view bytes) const; };
inline constexpr KLING_FUNCTION_TYPE(probe_video) probe_video{};

// The same for a file, read by seeking: only the box headers, 'ftyp' and
// 'moov' (at most 64 MB) are read, whatever the size of the file. A file that
// cannot be opened or read is an errc::io error.
KLING_FUNCTION_OBJECT probe_video_file_function {
  result<video_info> operator()(const std::string &path) const;
};
inline constexpr KLING_FUNCTION_TYPE(probe_video_file) probe_video_file{};

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_VIDEO_PROBE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MEDIA_VIDEO_PROBE_IPP)
#define KLING_MEDIA_VIDEO_PROBE_IPP

#include <array>
#include <cstddef>
#include <system_error>
#include <utility>

KLING_NAMESPACE_BEGIN

namespace media {

namespace video_detail {

constexpr std::uint64_t max_moov_bytes = std::uint64_t{64} << 20;
constexpr int max_depth = 16;
// Real files have a few hundred boxes (fragmented ones a few per second of
// video); this only stops files made of millions of tiny boxes.
constexpr std::uint32_t max_boxes = 1000000;

constexpr std::uint32_t fourcc(const char (&name)[5]) noexcept {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(name[0])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(name[3]));
}

KLING_LAZY std::uint64_t big_endian(std::string_view bytes, std::size_t pos, std::size_t count) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i)
    value = value << 8 | static_cast<unsigned char>(bytes[pos + i]);
  return value;
}
KLING_LAZY std::uint32_t be16(std::string_view bytes, std::size_t pos) noexcept {
  return static_cast<std::uint32_t>(big_endian(bytes, pos, 2));
}
KLING_LAZY std::uint32_t be32(std::string_view bytes, std::size_t pos) noexcept {
  return static_cast<std::uint32_t>(big_endian(bytes, pos, 4));
}
KLING_LAZY std::uint64_t be64(std::string_view bytes, std::size_t pos) noexcept {
  return big_endian(bytes, pos, 8);
}

// 'moov', or 'm\x00\x01v' for bytes that are not printable.
KLING_LAZY std::string type_name(std::uint32_t type) {
  std::string out = "'";
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto c = static_cast<unsigned char>(type >> shift & 0xFF);
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      ascii::append_hex(out, c, 2);
    }
  }
  return out + "'";
}

KLING_LAZY error invalid(std::string message) { return error{errc::malformed_input, std::move(message)}; }

struct box {
  std::uint32_t type = 0;
  std::uint64_t offset = 0; // of its first byte in the file
  std::uint64_t header = 0; // 8; 16 with a 64-bit size; 16 more for 'uuid'
  std::uint64_t size = 0;   // header included

  std::string where() const { return type_name(type) + " box at byte " + std::to_string(offset); }
};

KLING_LAZY std::string parent_name(const box *parent) {
  return parent ? "the " + parent->where() : "the file";
}

// The header of the box at offset. head holds the bytes there (at least
// min(room, 32) of them); room is what is left of the parent (or the file).
KLING_LAZY result<box> read_header(std::string_view head, std::uint64_t offset, std::uint64_t room,
                                   const box *parent) {
  if (room < 8) {
    return invalid("truncated box header at byte " + std::to_string(offset) + ": " + std::to_string(room) +
                   " bytes left in " + parent_name(parent));
  }
  box b;
  b.offset = offset;
  b.type = be32(head, 4);
  b.header = 8;
  const std::uint32_t size32 = be32(head, 0);
  if (size32 == 1) {
    if (room < 16) return invalid("truncated 64-bit size of the " + b.where());
    b.header = 16;
    b.size = be64(head, 8);
  } else if (size32 == 0) {
    b.size = room; // extends to the end of its parent
  } else {
    b.size = size32;
  }
  if (b.type == fourcc("uuid")) b.header += 16; // the extended type
  if (b.size < b.header) {
    return invalid("the " + b.where() + " has size " + std::to_string(b.size) + ", smaller than its " +
                   std::to_string(b.header) + "-byte header");
  }
  if (b.size > room) {
    return invalid("the " + b.where() + " has size " + std::to_string(b.size) + " but only " +
                   std::to_string(room) + " bytes are left in " + parent_name(parent));
  }
  return b;
}

struct walk_state {
  std::uint32_t boxes = 0;
};

KLING_LAZY result<void> count_box(walk_state &state, const box &b) {
  if (++state.boxes > max_boxes) {
    return invalid("more than " + std::to_string(max_boxes) + " boxes; gave up at byte " +
                   std::to_string(b.offset));
  }
  return {};
}

// Calls f(child, child_payload) -> result<void> for each box in the payload
// of parent, which is at the given depth (the file's own boxes are depth 0).
template <class F>
result<void> for_each_child(std::string_view payload, const box &parent, int depth, walk_state &state,
                            F &&f) {
  if (depth >= max_depth) {
    return invalid("the " + parent.where() + " is nested more than " + std::to_string(max_depth) +
                   " levels deep");
  }
  const std::uint64_t base = parent.offset + parent.header;
  std::size_t pos = 0;
  while (pos < payload.size()) {
    auto child = read_header(payload.substr(pos, 32), base + pos, payload.size() - pos, &parent);
    if (!child) return std::move(child).error();
    if (auto counted = count_box(state, *child); !counted) return counted;
    const auto header = static_cast<std::size_t>(child->header);
    const auto size = static_cast<std::size_t>(child->size); // fits: it is at most payload.size()
    if (auto done = f(*child, payload.substr(pos + header, size - header)); !done) return done;
    pos += size;
  }
  return {};
}

struct child {
  bool found = false;
  box header;
  std::string_view payload;
};

// The first child of each of the given types.
template <std::size_t N>
result<std::array<child, N>> find_children(std::string_view payload, const box &parent, int depth,
                                           walk_state &state, const std::array<std::uint32_t, N> &types) {
  std::array<child, N> found{};
  auto walked = for_each_child(payload, parent, depth, state, [&](const box &b, std::string_view body) {
    for (std::size_t i = 0; i < N; ++i) {
      if (b.type == types[i] && !found[i].found) found[i] = child{true, b, body};
    }
    return result<void>{};
  });
  if (!walked) return std::move(walked).error();
  return found;
}

// Version 0 or 1 of a full box whose payload must hold v0_size or v1_size
// bytes (version and flags included).
KLING_LAZY result<int> full_box_version(const box &b, std::string_view payload, std::size_t v0_size,
                                        std::size_t v1_size) {
  if (payload.empty()) return invalid("the " + b.where() + " is empty");
  const int version = static_cast<unsigned char>(payload[0]);
  if (version > 1) return invalid("the " + b.where() + " has unsupported version " + std::to_string(version));
  const std::size_t needed = version == 0 ? v0_size : v1_size;
  if (payload.size() < needed) {
    return invalid("the " + b.where() + " is too short: " + std::to_string(payload.size()) +
                   " bytes of content, version " + std::to_string(version) + " needs " +
                   std::to_string(needed));
  }
  return version;
}

struct timing {
  std::uint32_t timescale = 0; // ticks per second
  std::uint64_t duration = 0;  // in ticks; 0 when unknown
};

// 'mvhd' and 'mdhd' start alike: times of creation and modification, then
// timescale and duration, 32-bit in version 0 and 64-bit in version 1.
KLING_LAZY result<timing> read_timing(const box &b, std::string_view payload) {
  auto version = full_box_version(b, payload, 20, 32);
  if (!version) return std::move(version).error();
  timing t;
  if (*version == 0) {
    t.timescale = be32(payload, 12);
    t.duration = be32(payload, 16);
    if (t.duration == 0xFFFFFFFFu) t.duration = 0; // all ones: unknown
  } else {
    t.timescale = be32(payload, 20);
    t.duration = be64(payload, 24);
    if (t.duration == ~std::uint64_t{0}) t.duration = 0;
  }
  if (t.timescale == 0) return invalid("the " + b.where() + " has timescale 0");
  return t;
}

struct track_facts {
  bool video = false;
  std::uint32_t header_width = 0; // from 'tkhd'
  std::uint32_t header_height = 0;
  std::uint32_t entry_width = 0; // from the first 'stsd' entry
  std::uint32_t entry_height = 0;
  timing media;              // from 'mdhd'
  std::uint64_t samples = 0; // from 'stts'
  std::uint64_t sample_ticks = 0;
};

// 16.16 fixed point to the nearest integer.
KLING_LAZY std::uint32_t fixed_to_int(std::uint32_t value) noexcept {
  return static_cast<std::uint32_t>((std::uint64_t{value} + 0x8000) >> 16);
}

KLING_LAZY result<void> read_tkhd(const box &b, std::string_view payload, track_facts &track) {
  // After version and flags: times, track ID, reserved, duration (20 bytes in
  // version 0, 32 in 1), then 52 bytes of layer, volume and matrix, then
  // width and height.
  auto version = full_box_version(b, payload, 84, 96);
  if (!version) return std::move(version).error();
  const std::size_t at = *version == 0 ? 76 : 88;
  track.header_width = fixed_to_int(be32(payload, at));
  track.header_height = fixed_to_int(be32(payload, at + 4));
  return {};
}

KLING_LAZY result<void> read_stts(const box &b, std::string_view payload, track_facts &track) {
  auto version = full_box_version(b, payload, 8, 8);
  if (!version) return std::move(version).error();
  const std::uint64_t entries = be32(payload, 4);
  if (entries > (payload.size() - 8) / 8) {
    return invalid("the " + b.where() + " lists " + std::to_string(entries) + " entries but has room for " +
                   std::to_string((payload.size() - 8) / 8));
  }
  for (std::size_t i = 0; i < entries; ++i) {
    const std::uint64_t count = be32(payload, 8 + 8 * i);
    const std::uint64_t delta = be32(payload, 12 + 8 * i);
    track.samples += count;              // < 2^32 entries of < 2^32: no overflow
    track.sample_ticks += count * delta; // may wrap only for absurd files; only a fallback
  }
  return {};
}

KLING_LAZY result<void> read_stsd(const box &b, std::string_view payload, walk_state &state,
                                  track_facts &track) {
  auto version = full_box_version(b, payload, 8, 8);
  if (!version) return std::move(version).error();
  if (be32(payload, 4) == 0 || payload.size() == 8) return {};
  // The first sample entry is a box; a visual one has 6 reserved bytes, a
  // data reference index, 16 bytes of reserved fields, then width and height.
  const std::string_view entries = payload.substr(8);
  auto entry = read_header(entries.substr(0, 32), b.offset + b.header + 8, entries.size(), &b);
  if (!entry) return std::move(entry).error();
  if (auto counted = count_box(state, *entry); !counted) return counted;
  const auto header = static_cast<std::size_t>(entry->header);
  if (entry->size - header >= 28) {
    track.entry_width = be16(entries, header + 24);
    track.entry_height = be16(entries, header + 26);
  }
  return {};
}

KLING_LAZY result<track_facts> read_trak(const box &trak, std::string_view payload, int depth,
                                         walk_state &state) {
  track_facts track;
  auto parts = find_children<2>(payload, trak, depth, state, {fourcc("tkhd"), fourcc("mdia")});
  if (!parts) return std::move(parts).error();
  const child &tkhd = (*parts)[0];
  const child &mdia = (*parts)[1];
  if (!mdia.found) return track; // not a media track; not ours to judge
  auto media = find_children<3>(mdia.payload, mdia.header, depth + 1, state,
                                {fourcc("hdlr"), fourcc("mdhd"), fourcc("minf")});
  if (!media) return std::move(media).error();
  const child &hdlr = (*media)[0];
  const child &mdhd = (*media)[1];
  const child &minf = (*media)[2];
  if (!hdlr.found) return track;
  // Version and flags, pre_defined (QuickTime: component type), then the
  // handler type (QuickTime: component subtype).
  if (hdlr.payload.size() < 12) return invalid("the " + hdlr.header.where() + " is too short");
  if (be32(hdlr.payload, 8) != fourcc("vide")) return track;
  track.video = true;

  const std::string which = "the video track (" + trak.where() + ")";
  if (!mdhd.found) return invalid(which + " has no 'mdhd' box");
  auto media_timing = read_timing(mdhd.header, mdhd.payload);
  if (!media_timing) return std::move(media_timing).error();
  track.media = *media_timing;
  if (tkhd.found) {
    if (auto read = read_tkhd(tkhd.header, tkhd.payload, track); !read) return std::move(read).error();
  }

  if (!minf.found) return invalid(which + " has no 'minf' box");
  auto info = find_children<1>(minf.payload, minf.header, depth + 2, state, {fourcc("stbl")});
  if (!info) return std::move(info).error();
  const child &stbl = (*info)[0];
  if (!stbl.found) return invalid(which + " has no 'stbl' box");
  auto tables =
      find_children<2>(stbl.payload, stbl.header, depth + 3, state, {fourcc("stts"), fourcc("stsd")});
  if (!tables) return std::move(tables).error();
  const child &stts = (*tables)[0];
  const child &stsd = (*tables)[1];
  if (!stts.found) return invalid(which + " has no 'stts' box (sample times)");
  if (auto read = read_stts(stts.header, stts.payload, track); !read) return std::move(read).error();
  if (stsd.found) {
    if (auto read = read_stsd(stsd.header, stsd.payload, state, track); !read) return std::move(read).error();
  }
  return track;
}

struct movie_facts {
  bool has_mvhd = false;
  timing movie; // from 'mvhd'
  bool has_video = false;
  track_facts video; // the first video track
};

KLING_LAZY result<movie_facts> read_moov(const box &moov, std::string_view payload, walk_state &state) {
  movie_facts facts;
  auto walked =
      for_each_child(payload, moov, 1, state, [&](const box &b, std::string_view body) -> result<void> {
        if (b.type == fourcc("mvhd") && !facts.has_mvhd) {
          auto t = read_timing(b, body);
          if (!t) return std::move(t).error();
          facts.movie = *t;
          facts.has_mvhd = true;
        } else if (b.type == fourcc("trak") && !facts.has_video) {
          auto track = read_trak(b, body, 2, state);
          if (!track) return std::move(track).error();
          if (track->video) {
            facts.video = *track;
            facts.has_video = true;
          }
        }
        return {};
      });
  if (!walked) return std::move(walked).error();
  if (!facts.has_mvhd) return invalid("the " + moov.where() + " has no 'mvhd' box (movie header)");
  if (!facts.has_video) return invalid("no video track: no 'trak' box with a 'vide' handler");
  return facts;
}

// The whole input, in memory.
struct memory_source {
  std::string_view bytes;
  result<std::string_view> read(std::uint64_t offset, std::uint64_t n) const {
    return bytes.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(n));
  }
};

// A file read piece by piece; each read replaces the previous one.
struct file_source {
  files::input_file &in;
  std::string buffer;
  result<std::string_view> read(std::uint64_t offset, std::uint64_t n) {
    if (auto done = in.read_at(offset, static_cast<std::size_t>(n), buffer); !done) {
      return std::move(done).error();
    }
    return std::string_view(buffer);
  }
};

// Every real file starts with a box whose type is four printable characters.
KLING_LAZY bool starts_like_a_box(std::string_view head) noexcept {
  if (head.size() < 8) return false;
  for (std::size_t i = 4; i < 8; ++i) {
    const auto c = static_cast<unsigned char>(head[i]);
    if (c < 0x20 || c >= 0x7F) return false;
  }
  return true;
}

// Walks the file's own boxes, reading only 'ftyp' and 'moov'. Every box must
// fit the file, so a truncated download is an error even when 'moov' comes
// first.
template <class Source>
result<video_info> probe(Source &source, std::uint64_t size) {
  if (size == 0) return invalid("not an MP4 or MOV video (empty)");
  walk_state state;
  bool has_ftyp = false;
  std::uint32_t major_brand = 0;
  bool has_moov = false;
  movie_facts facts;
  for (std::uint64_t pos = 0; pos < size;) {
    const std::uint64_t room = size - pos;
    auto head = source.read(pos, room < 32 ? room : 32);
    if (!head) return std::move(head).error();
    if (pos == 0 && !starts_like_a_box(*head)) return invalid("not an MP4 or MOV video (no box at byte 0)");
    auto b = read_header(*head, pos, room, nullptr);
    if (!b) return std::move(b).error();
    if (auto counted = count_box(state, *b); !counted) return std::move(counted).error();
    const std::uint64_t content = b->size - b->header;
    if (b->type == fourcc("ftyp") && !has_ftyp) {
      if (content < 4) return invalid("the " + b->where() + " is too short for a brand");
      auto brand = source.read(pos + b->header, 4);
      if (!brand) return std::move(brand).error();
      major_brand = be32(*brand, 0);
      has_ftyp = true;
    } else if (b->type == fourcc("moov") && !has_moov) {
      if (content > max_moov_bytes) {
        return invalid("the " + b->where() + " is " + std::to_string(content) + " bytes; at most " +
                       std::to_string(max_moov_bytes) + " are read");
      }
      auto body = source.read(pos + b->header, content);
      if (!body) return std::move(body).error();
      auto read = read_moov(*b, *body, state);
      if (!read) return std::move(read).error();
      facts = *read;
      has_moov = true;
    }
    pos += b->size;
  }
  if (!has_moov) return invalid("no 'moov' box (movie header): not a complete MP4 or MOV video");

  video_info info;
  // QuickTime files written before 'ftyp' existed start with 'moov' or 'mdat'.
  info.container = !has_ftyp || major_brand == fourcc("qt  ") ? video_container::mov : video_container::mp4;
  const track_facts &video = facts.video;
  info.width = video.header_width;
  info.height = video.header_height;
  if (info.width == 0 || info.height == 0) {
    info.width = video.entry_width;
    info.height = video.entry_height;
  }
  if (info.width == 0 || info.height == 0) {
    return invalid("the video track has no size (its 'tkhd' and 'stsd' boxes say " +
                   std::to_string(info.width) + "x" + std::to_string(info.height) + ")");
  }
  // An unknown movie duration falls back to the video track's own.
  if (facts.movie.duration != 0) {
    info.duration_seconds = static_cast<double>(facts.movie.duration) / facts.movie.timescale;
  } else {
    info.duration_seconds = static_cast<double>(video.media.duration) / video.media.timescale;
  }
  const std::uint64_t track_ticks = video.media.duration != 0 ? video.media.duration : video.sample_ticks;
  if (video.samples != 0 && track_ticks != 0) {
    info.frame_rate =
        static_cast<double>(video.samples) * video.media.timescale / static_cast<double>(track_ticks);
  }
  info.size_bytes = size;
  return info;
}

} // namespace video_detail

KLING_LAZY_DEF result<video_info> KLING_FUNCTION(probe_video)::operator()(std::string_view bytes) const {
  video_detail::memory_source source{bytes};
  return video_detail::probe(source, bytes.size());
}

KLING_LAZY_DEF result<video_info>
KLING_FUNCTION(probe_video_file)::operator()(const std::string &path) const {
  files::input_file in;
  auto size = in.open(path);
  if (!size) return std::move(size).error();
  video_detail::file_source source{in, {}};
  auto info = video_detail::probe(source, *size);
  if (!info && info.error().code != errc::io)
    info.error().message = files::quote(path) + ": " + info.error().message;
  return info;
}

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_VIDEO_PROBE_IPP
