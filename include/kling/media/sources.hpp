// How images appear in requests (rule O1-12: an http(s) URL, a data URI or
// bare Base64), and turning local image files into the inline forms.
//
// Thread safety: classify_image_string is a pure function; the file functions
// only read the file they are given.
#ifndef KLING_MEDIA_SOURCES_HPP
#define KLING_MEDIA_SOURCES_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "kling/core/ascii.hpp"
#include "kling/core/base64.hpp"
#include "kling/core/files.hpp"
#include "kling/core/result.hpp"
#include "kling/core/url.hpp"
#include "kling/core/utf8.hpp"
#include "kling/media/image_probe.hpp"
#include "kling/media/video_probe.hpp"

KLING_NAMESPACE_BEGIN

namespace media {

enum class image_string_kind { url, data_uri, base64, invalid };

// What an image field of a request holds. The views point into the text
// that was classified.
struct image_string {
  image_string_kind kind = image_string_kind::invalid;
  std::string_view payload;    // the Base64 text for data_uri and base64, the URL for url
  std::string_view media_type; // "image/png" from a data URI, as written
  std::string problem;         // for invalid: why
};

namespace source_detail {
// The gateway's limit on inline images.
constexpr std::uint64_t max_image_bytes = 10 * 1024 * 1024;
} // namespace source_detail

// Which of the three forms of rule O1-12 an image string has: an absolute
// http(s) URL, a data:image/...;base64, URI, or bare strict Base64. Anything
// else, the empty string included, is invalid with a problem saying why.
// Only the form is checked here: the Base64 is not decoded and the URL not
// fetched.
KLING_DECL image_string classify_image_string(std::string_view text);

// The whole file, when it is a regular file of at most max_bytes (checked
// before reading). Errors are errc::io and name the file.
using files::read_file;

// The file as bare Base64 (no data: prefix), for an image field of a
// request. The file must be a PNG or JPEG image of at most 10 MB.
KLING_DECL result<std::string> image_file_to_base64(const std::string &path);

// The file as "data:image/png;base64,...", its type taken from its content
// rather than its name.
KLING_DECL result<std::string> image_file_to_data_uri(const std::string &path);

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_SOURCES_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MEDIA_SOURCES_IPP)
#define KLING_MEDIA_SOURCES_IPP

KLING_NAMESPACE_BEGIN

namespace media {

namespace source_detail {

KLING_DECL image_string invalid(std::string problem) {
  image_string out;
  out.problem = std::move(problem);
  return out;
}

// data:<type>[;parameter=value...];base64,<payload> (RFC 2397); only images,
// and only Base64, which must be strict.
KLING_DECL image_string classify_data_uri(std::string_view text) {
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

KLING_DECL image_string classify_image_string(std::string_view text) {
  using namespace source_detail;
  if (text.empty())
    return invalid("empty string: expected an http(s) URL, a data:image/...;base64, URI, or Base64");
  if (ascii::starts_with_ignoring_case(text, "data:")) return classify_data_uri(text);
  auto parsed = parse_url(text);
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

struct image_file {
  std::string bytes;
  image_info info;
};

// Reads the file once and checks that it is a PNG or JPEG image of at most
// the gateway's 10 MB.
KLING_DECL result<image_file> read_image_file(const std::string &path) {
  auto bytes = read_file(path, max_image_bytes);
  if (!bytes) return std::move(bytes).error();
  auto info = probe_image(*bytes);
  if (!info) return error{info.error().code, files::quote(path) + ": " + info.error().message};
  return image_file{std::move(*bytes), *info};
}

} // namespace source_detail

KLING_DECL result<std::string> image_file_to_base64(const std::string &path) {
  auto image = source_detail::read_image_file(path);
  if (!image) return std::move(image).error();
  return base64::encode(image->bytes);
}

KLING_DECL result<std::string> image_file_to_data_uri(const std::string &path) {
  auto image = source_detail::read_image_file(path);
  if (!image) return std::move(image).error();
  return "data:image/" + std::string(to_string(image->info.format)) + ";base64," +
         base64::encode(image->bytes);
}

} // namespace media

KLING_NAMESPACE_END

#endif // KLING_MEDIA_SOURCES_IPP
