// route: which of the gateway's services a POST /v1/videos request reaches
// (ROUTE-1..4), plus the element library for requests to /v1/elements.
//
// Thread safety: constants.
#ifndef KLING_MODEL_ROUTE_HPP
#define KLING_MODEL_ROUTE_HPP

#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

enum class route {
  omni_video,     // Kling-Video-O1
  text_to_video,  // Kling-V2.6 without images
  image_to_video, // Kling-V2.6 with image or image_tail
  motion_control, // Kling-V2.6 with action_control: true
  unknown,        // any other model: sent as it is
  element,        // POST /v1/elements/custom
};

constexpr std::string_view to_string(route r) noexcept {
  switch (r) {
  case route::omni_video: return "omni_video";
  case route::text_to_video: return "text_to_video";
  case route::image_to_video: return "image_to_video";
  case route::motion_control: return "motion_control";
  case route::unknown: return "unknown";
  case route::element: return "element";
  }
  return "unknown";
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_ROUTE_HPP
