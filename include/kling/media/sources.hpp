// How images appear in requests (rule O1-12: an http(s) URL, a data URI or
// bare Base64), and turning local image files into the inline forms: at
// once (image_file_to_base64), or as the request is sent (local_image: the
// request holds only the path, and the file's Base64 is written straight
// into the body, so a 10 MB image costs one body's worth of memory).
//
// Thread safety: classify_image_string is a pure function; the file functions
// only read the file they are given.
#ifndef KLING_MEDIA_SOURCES_HPP
#define KLING_MEDIA_SOURCES_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kling/core/ascii.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/files.hpp"
#include "kling/core/json.hpp"
#include "kling/core/random.hpp"
#include "kling/core/result.hpp"
#include "kling/core/url.hpp"
#include "kling/core/utf8.hpp"
#include "kling/media/image_probe.hpp"
#include "kling/media/video_probe.hpp"

KLING_NAMESPACE_BEGIN

namespace media {

enum class image_string_kind { url, data_uri, base64, local_file, invalid };

// What an image field of a request holds. The views point into the text
// that was classified.
struct image_string {
  image_string_kind kind = image_string_kind::invalid;
  std::string_view
      payload; // the Base64 text for data_uri and base64, the URL for url, the path for local_file
  std::string_view media_type; // "image/png" from a data URI, as written
  std::string problem;         // for invalid: why
};

// The gateway's limit on an inline image, 10 MB (O1-12, I-7, M-4, E-1): the
// rules check it, and a local file over it is not read.
inline constexpr std::uint64_t max_image_bytes = 10 * 1024 * 1024;

// What starts an image field's value that names a local file (local_image):
// a word and a random number drawn once per process. Only a value made by
// local_image in this process names a file: text from anywhere else (an end
// user's prompt or JSON, an element id, an answer) cannot guess the number,
// so it can never make the client read and send a file.
KLING_FUNCTION_OBJECT local_image_marker_function { const std::string &operator()() const; };
inline constexpr KLING_FUNCTION_TYPE(local_image_marker) local_image_marker{};

// An image field's value naming a local PNG or JPEG file, e.g.
// `request.image = media::local_image("start.png");`. Validation reads the
// file's header; when the request is sent the field carries the file's
// Base64, the same bytes as image_file_to_base64(path) would give, written
// straight into the body.
KLING_FUNCTION_OBJECT local_image_function { std::string operator()(std::string_view path) const; };
inline constexpr KLING_FUNCTION_TYPE(local_image) local_image{};

// Which of the three forms of rule O1-12 an image string has: an absolute
// http(s) URL, a data:image/...;base64, URI, or bare strict Base64. Anything
// else, the empty string included, is invalid with a problem saying why.
// Only the form is checked here: the Base64 is not decoded and the URL not
// fetched. A local_image(path) is local_file (the file is not read here).
KLING_FUNCTION_OBJECT classify_image_string_function {
  image_string operator()(std::string_view text) const;
};
inline constexpr KLING_FUNCTION_TYPE(classify_image_string) classify_image_string{};

// A local PNG or JPEG file's header (its size_bytes the file's size), read
// from its start only; fails for a file over 10 MB.
KLING_FUNCTION_OBJECT probe_image_file_function {
  result<image_info> operator()(const std::string &path) const;
};
inline constexpr KLING_FUNCTION_TYPE(probe_image_file) probe_image_file{};

// A request body (JSON text) with every local_image(path) value replaced by
// the file's Base64, written into a body allocated once; the body as given
// when it names no local file. Errors (errc::io) name the file.
KLING_FUNCTION_OBJECT inline_local_images_function {
  result<std::string> operator()(std::string body) const;
};
inline constexpr KLING_FUNCTION_TYPE(inline_local_images) inline_local_images{};

// The whole file, when it is a regular file of at most max_bytes (checked
// before reading). Errors are errc::io and name the file.
using files::read_file;

// The file as bare Base64 (no data: prefix), for an image field of a
// request. The file must be a PNG or JPEG image of at most 10 MB.
KLING_FUNCTION_OBJECT image_file_to_base64_function {
  result<std::string> operator()(const std::string &path) const;
};
inline constexpr KLING_FUNCTION_TYPE(image_file_to_base64) image_file_to_base64{};

// The file as "data:image/png;base64,...", its type taken from its content
// rather than its name.
KLING_FUNCTION_OBJECT image_file_to_data_uri_function {
  result<std::string> operator()(const std::string &path) const;
};
inline constexpr KLING_FUNCTION_TYPE(image_file_to_data_uri) image_file_to_data_uri{};

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_SOURCES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MEDIA_SOURCES_IPP)
#define KLING_MEDIA_SOURCES_IPP

#include <algorithm>

KLING_NAMESPACE_BEGIN

namespace media {

namespace source_detail {

KLING_LAZY image_string invalid(std::string problem) {
  image_string out;
  out.problem = std::move(problem);
  return out;
}

// data:<type>[;parameter=value...];base64,<payload> (RFC 2397); only images,
// and only Base64, which must be strict.
KLING_LAZY image_string classify_data_uri(std::string_view text) {
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return invalid("data URI has no ',' before its data");
  const std::string_view header = text.substr(5, comma - 5);
  if (!ascii::ends_with_ignoring_case(header, ";base64")) {
    return invalid("data URI is not Base64-encoded (expected data:image/...;base64,)");
  }
  const std::string_view type = header.substr(0, header.find(';'));
  if (!ascii::starts_with_ignoring_case(type, "image/") || type.size() == 6) {
    return invalid("data URI type \"" + utf8::excerpt(type, 100) + "\" is not an image type (image/...)");
  }
  const std::string_view payload = text.substr(comma + 1);
  if (payload.empty()) return invalid("data URI has no data after \"base64,\"");
  if (auto size = base64::decoded_size(payload); !size)
    return invalid("data URI data: " + size.error().message);
  image_string out;
  out.kind = image_string_kind::data_uri;
  out.payload = payload;
  out.media_type = type;
  return out;
}

} // namespace source_detail

KLING_LAZY_DEF const std::string &KLING_FUNCTION(local_image_marker)::operator()() const {
  static const std::string marker = [] {
    std::string m = "kling-local-file:";
    ascii::append_hex(m, random_seed(), 16);
    return m + ":";
  }();
  return marker;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(local_image)::operator()(std::string_view path) const {
  return local_image_marker() + std::string(path);
}

KLING_LAZY_DEF image_string KLING_FUNCTION(classify_image_string)::operator()(std::string_view text) const {
  using namespace source_detail;
  const std::string &marker = local_image_marker();
  if (text.substr(0, marker.size()) == marker) {
    image_string out;
    out.kind = image_string_kind::local_file;
    out.payload = text.substr(marker.size());
    if (out.payload.empty()) return invalid("local image names no file");
    return out;
  }
  if (text.empty())
    return invalid("empty string: expected an http(s) URL, a data:image/...;base64, URI, or Base64");
  if (ascii::starts_with_ignoring_case(text, "data:")) return classify_data_uri(text);
  auto parsed = split_url(text);
  if (parsed) {
    image_string out;
    out.kind = image_string_kind::url;
    out.payload = text;
    return out;
  }
  // Meant as a URL, so the URL's problem is the useful one.
  if (ascii::starts_with_ignoring_case(text, "http://") ||
      ascii::starts_with_ignoring_case(text, "https://")) {
    return invalid(parsed.error().message);
  }
  auto size = base64::decoded_size(text);
  if (!size) {
    return invalid("not an http(s) URL, a data:image/...;base64, URI, or Base64 (as Base64: " +
                   size.error().message + ")");
  }
  image_string out;
  out.kind = image_string_kind::base64;
  out.payload = text;
  return out;
}

namespace source_detail {

// An image file, open, of at most the gateway's 10 MB, and its header.
struct image_file {
  files::input_file in;
  std::uint64_t size = 0;
  image_info info;
};

// Opens the file and checks that it is a PNG or JPEG image of at most the
// gateway's 10 MB, reading only its start (all of it only if the header
// lies further in). The file stays open, to be read once more as it is sent.
KLING_LAZY result<std::unique_ptr<image_file>> open_image_file(const std::string &path) {
  auto image = std::make_unique<image_file>();
  auto size = image->in.open(path);
  if (!size) return std::move(size).error();
  if (*size > max_image_bytes || *size > std::numeric_limits<std::size_t>::max()) {
    return error{errc::io, "file " + files::quote(path) + " is larger than " +
                               std::to_string(max_image_bytes) + " bytes (" + std::to_string(*size) +
                               " bytes)"};
  }
  image->size = *size;
  constexpr std::uint64_t prefix_bytes = 64 * 1024;
  std::string head;
  auto read = image->in.read_at(0, static_cast<std::size_t>(std::min(*size, prefix_bytes)), head);
  auto info = read ? probe_image(head) : result<image_info>(read.error());
  if (!info && *size > prefix_bytes) {
    read = image->in.read_at(0, static_cast<std::size_t>(*size), head);
    info = read ? probe_image(head) : result<image_info>(read.error());
  }
  if (!read) return std::move(read).error();
  if (!info) return error{info.error().code, files::quote(path) + ": " + info.error().message};
  image->info = *info;
  image->info.size_bytes = *size;
  return image;
}

// Appends the Base64 of the whole file, read in pieces.
KLING_LAZY result<void> append_base64(image_file &image, std::string &out) {
  constexpr std::size_t piece = 3 * 256 * 1024; // a multiple of 3: the pieces' Base64 joins up
  std::string bytes;
  for (std::uint64_t at = 0; at < image.size; at += piece) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece, image.size - at));
    if (auto read = image.in.read_at(at, n, bytes); !read) return read;
    base64::append_encoded(out, bytes);
  }
  return {};
}

constexpr std::uint64_t base64_size(std::uint64_t bytes) { return (bytes + 2) / 3 * 4; }

// The file's Base64, after "data:image/...;base64," when asked for, in a
// string allocated once.
KLING_LAZY result<std::string> file_to_base64(const std::string &path, bool data_uri) {
  auto image = open_image_file(path);
  if (!image) return std::move(image).error();
  const std::string prefix =
      data_uri ? "data:image/" + std::string(to_string((*image)->info.format)) + ";base64," : std::string();
  std::string out;
  out.reserve(prefix.size() + static_cast<std::size_t>(base64_size((*image)->size)));
  out += prefix;
  if (auto appended = append_base64(**image, out); !appended) return std::move(appended).error();
  return out;
}

} // namespace source_detail

KLING_LAZY_DEF result<image_info>
KLING_FUNCTION(probe_image_file)::operator()(const std::string &path) const {
  auto image = source_detail::open_image_file(path);
  if (!image) return std::move(image).error();
  return (*image)->info;
}

KLING_LAZY_DEF result<std::string>
KLING_FUNCTION(image_file_to_base64)::operator()(const std::string &path) const {
  return source_detail::file_to_base64(path, false);
}

KLING_LAZY_DEF result<std::string>
KLING_FUNCTION(image_file_to_data_uri)::operator()(const std::string &path) const {
  return source_detail::file_to_base64(path, true);
}

KLING_LAZY_DEF result<std::string> KLING_FUNCTION(inline_local_images)::operator()(std::string body) const {
  using namespace source_detail;
  static const std::string opener = "\"" + local_image_marker(); // made once: most bodies hold none
  if (body.find(opener) == std::string::npos) return body;
  // The JSON strings of the body that are values (not member names) and
  // start with the prefix: found by walking the text, so that the prefix
  // inside another string (a prompt that mentions it) is left alone.
  struct local {
    std::size_t begin = 0, end = 0; // the quoted string, quotes included
    std::unique_ptr<image_file> image;
  };
  std::vector<local> found;
  std::uint64_t size = body.size();
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '"') continue;
    const std::size_t begin = i;
    for (++i; i < body.size() && body[i] != '"'; ++i)
      if (body[i] == '\\') ++i;  // an escaped character
    if (i >= body.size()) break; // not JSON: sent as it is, the gateway answers
    const std::size_t end = i + 1;
    if (body.compare(begin, opener.size(), opener) != 0) continue;
    const std::size_t after = body.find_first_not_of(" \t\r\n", end);
    if (after != std::string::npos && body[after] == ':') continue; // a member name
    auto text = parse_json(std::string_view(body).substr(begin, end - begin));
    if (!text || !text->is_string()) continue;
    const std::string path = text->get<std::string>().substr(local_image_marker().size());
    auto image = open_image_file(path);
    if (!image) return std::move(image).error();
    size = size - (end - begin) + 2 + base64_size((*image)->size);
    found.push_back(local{begin, end, std::move(*image)});
  }
  if (found.empty()) return body;
  std::string out;
  out.reserve(static_cast<std::size_t>(size));
  std::size_t copied = 0;
  for (auto &f : found) {
    out.append(body, copied, f.begin - copied);
    out += '"';
    if (auto appended = append_base64(*f.image, out); !appended) return std::move(appended).error();
    out += '"';
    copied = f.end;
  }
  out.append(body, copied, std::string::npos);
  return out;
}

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_SOURCES_IPP
