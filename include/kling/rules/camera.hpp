// Rules of camera_control (CAM-1..3), shared by text to video and image to video.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_CAMERA_HPP
#define KLING_RULES_CAMERA_HPP

#include <string>

#include "kling/rules/checker.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_FUNCTION_OBJECT check_camera_control_function { void operator()(checker &c, const scope &s) const; };
inline constexpr KLING_FUNCTION_TYPE(check_camera_control) check_camera_control{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CAMERA_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_CAMERA_IPP)
#define KLING_RULES_CAMERA_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF void KLING_FUNCTION(check_camera_control)::operator()(checker &c, const scope &s) const {
  const json *camera = c.object(s, "camera_control");
  if (!camera) return;
  const scope cam{*camera, s.field("camera_control")};
  const auto type = c.one_of(
      cam, "type", {"simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"}, "CAM-1");
  const json *config = c.object(cam, "config");
  if (!cam.has("type")) {
    if (cam.has("config")) {
      c.warning("CAM-2", cam.field("config"), "config only applies with type simple, and no type is given");
    }
    return;
  }
  if (!type) return; // CAM-1 already reported
  if (*type != "simple") {
    if (cam.has("config")) c.violation("CAM-3", cam.field("config"), "type " + *type + " takes no config");
    return;
  }
  if (!cam.has("config")) {
    c.violation("CAM-2", cam.field("config"), "type simple needs a config with one non-zero axis");
    return;
  }
  if (!config) return; // wrong type, reported as C-9
  const scope cfg{*config, cam.field("config")};
  int moving = 0;
  for (const char *axis : {"horizontal", "vertical", "pan", "tilt", "roll", "zoom"}) {
    const json *v = c.number(cfg, axis);
    if (!v) continue;
    const double value = v->get<double>();
    if (value < -10 || value > 10) {
      c.violation("CAM-2", cfg.field(axis),
                  std::string(axis) + " must be within [-10, 10], got " + dump_json(*v));
    }
    if (value != 0) ++moving;
  }
  if (moving != 1) {
    c.violation("CAM-2", cfg.field(""),
                "exactly one of horizontal, vertical, pan, tilt, roll, zoom must be non-zero, got " +
                    std::to_string(moving));
  }
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CAMERA_IPP
