// Which service a POST /v1/videos body reaches (ROUTE-1..4). The gateway
// decides from the model and a few fields; the client decides the same way
// so that it checks a request against the rules it will actually meet.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_ROUTING_HPP
#define KLING_RULES_ROUTING_HPP

#include <string>
#include <string_view>

#include "kling/core/ascii.hpp"
#include "kling/core/json.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

inline constexpr std::string_view omni_video_model = "Kling-Video-O1";
inline constexpr std::string_view v26_model = "Kling-V2.6";

// ROUTE-1: the model, compared case-insensitively; ROUTE-2: O1 has no
// sub-routing; ROUTE-3: V2.6 by action_control, then image/image_tail;
// ROUTE-4: anything else (including no model) is unknown.
KLING_FUNCTION_OBJECT route_of_function { kling::route operator()(const json &request) const; };
inline constexpr KLING_FUNCTION_TYPE(route_of) route_of{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_ROUTING_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_ROUTING_IPP)
#define KLING_RULES_ROUTING_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

namespace routing_detail {
KLING_LAZY bool non_empty_string(const json &request, std::string_view key) {
  const json *v = find_member(request, key);
  return v && v->is_string() && !v->get_ref<const std::string &>().empty();
}
} // namespace routing_detail

KLING_LAZY_DEF kling::route KLING_FUNCTION(route_of)::operator()(const json &request) const {
  const json *model = find_member(request, "model");
  if (!model || !model->is_string()) return kling::route::unknown;
  const std::string &name = model->get_ref<const std::string &>();
  if (ascii::equals_ignoring_case(name, omni_video_model)) return kling::route::omni_video;
  if (!ascii::equals_ignoring_case(name, v26_model)) return kling::route::unknown;
  const json *action = find_member(request, "action_control");
  if (action && action->is_boolean() && action->get<bool>()) return kling::route::motion_control;
  if (routing_detail::non_empty_string(request, "image") ||
      routing_detail::non_empty_string(request, "image_tail")) {
    return kling::route::image_to_video;
  }
  return kling::route::text_to_video;
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_ROUTING_IPP
