// libFuzzer harness for probe_video: any crash, sanitizer report, hang or
// huge allocation on hostile MP4/MOV bytes is a bug; errors are expected
// answers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kling/media/video_probe.hpp"

#include "fuzz_support.hpp"

KLING_FUZZ_TARGET(probe_video_fuzz) {
  const std::string_view bytes(reinterpret_cast<const char *>(data), size);
  auto info = kling::media::probe_video(bytes);
  if (info && (info->width == 0 || info->height == 0 || info->size_bytes != size ||
               info->duration_seconds < 0 || info->frame_rate < 0))
    __builtin_trap();
  return 0;
}
