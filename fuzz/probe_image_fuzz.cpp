// libFuzzer harness for the image side of the media layer: probe_image on the
// bytes, and classify_image_string on the same bytes read as text. Any crash,
// sanitizer report or hang is a bug; errors are expected answers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kling/media/image_probe.hpp"
#include "kling/media/sources.hpp"

#include "fuzz_support.hpp"

KLING_FUZZ_TARGET(probe_image_fuzz) {
  const std::string_view bytes(reinterpret_cast<const char *>(data), size);
  auto info = kling::media::probe_image(bytes);
  if (info && (info->width == 0 || info->height == 0 || info->size_bytes != size)) __builtin_trap();
  const kling::media::image_string text = kling::media::classify_image_string(bytes);
  // The views must point inside the input.
  for (std::string_view part : {text.payload, text.media_type}) {
    if (!part.empty() &&
        (part.data() < bytes.data() || part.data() + part.size() > bytes.data() + bytes.size()))
      __builtin_trap();
  }
  if ((text.kind == kling::media::image_string_kind::invalid) == text.problem.empty()) __builtin_trap();
  return 0;
}
