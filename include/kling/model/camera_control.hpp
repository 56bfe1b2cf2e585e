// camera_control: camera movement for text to video and image to video
// (CAM-1..3): a preset type, or `simple` with one of six axes moved.
//
//   request.camera_control = kling::camera_control::preset(kling::camera_type::forward_up);
//   request.camera_control = kling::camera_control::simple({.zoom = 5});   // C++20
//
// Thread safety: plain values.
#ifndef KLING_MODEL_CAMERA_CONTROL_HPP
#define KLING_MODEL_CAMERA_CONTROL_HPP

#include <optional>
#include <string>

#include "kling/model/request_support.hpp"

KLING_NAMESPACE_BEGIN

// Exactly one axis may be non-zero, each within [-10, 10] (CAM-2).
struct camera_config {
  double horizontal = 0; // move along x: negative left, positive right
  double vertical = 0;   // move along y: negative down, positive up
  double pan = 0;        // rotate around y: negative left, positive right
  double tilt = 0;       // rotate around x: negative down, positive up
  double roll = 0;       // rotate around z: negative counter-clockwise
  double zoom = 0;       // negative: narrower view, positive: wider
  json extra = json(json::value_t::object);
};

struct camera_control {
  std::optional<camera_type> type{};
  std::optional<camera_config> config{}; // only with type simple (CAM-2, CAM-3)
  json extra = json(json::value_t::object);

  KLING_LAZY static camera_control preset(camera_type t);
  KLING_LAZY static camera_control simple(camera_config c);
};

KLING_LAZY void to_json(json &j, const camera_config &c);

KLING_LAZY void to_json(json &j, const camera_control &c);

template <class F>
void visit_extras(const camera_control &c, const lazy_pointer &at, F &&f) {
  f(lazy_pointer(&at, "extra"), c.extra);
  visit_extras(c.config, lazy_pointer(&at, "config"), f);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_CAMERA_CONTROL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_CAMERA_CONTROL_IPP)
#define KLING_MODEL_CAMERA_CONTROL_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF camera_control camera_control::preset(camera_type t) {
  return camera_control{t, std::nullopt, json::object()};
}
KLING_LAZY_DEF camera_control camera_control::simple(camera_config c) {
  return camera_control{camera_type::simple, c, json::object()};
}

KLING_LAZY_DEF void to_json(json &out, const camera_config &c) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["horizontal"] = c.horizontal;
  j["vertical"] = c.vertical;
  j["pan"] = c.pan;
  j["tilt"] = c.tilt;
  j["roll"] = c.roll;
  j["zoom"] = c.zoom;
  request_support::merge_extra(j, c.extra);
}

KLING_LAZY_DEF void to_json(json &out, const camera_control &c) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  request_support::put_word(j, "type", c.type);
  request_support::put(j, "config", c.config);
  request_support::merge_extra(j, c.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_CAMERA_CONTROL_IPP
