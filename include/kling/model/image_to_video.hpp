// image_to_video: a Kling-V2.6 request from a first and/or last frame (route
// image_to_video), with voices, motion brush or camera movement.
//
//   kling::image_to_video request;
//   request.image = "https://example.com/start.jpg";   // or Base64, or a data URI
//   request.prompt = "The person starts to dance";
//
// Besides `image`, at most one of: image_tail, the motion brush
// (static_mask / dynamic_masks), camera_control (I-2).
//
// Thread safety: plain values.
#ifndef KLING_MODEL_IMAGE_TO_VIDEO_HPP
#define KLING_MODEL_IMAGE_TO_VIDEO_HPP

#include <optional>
#include <string>
#include <vector>

#include "kling/model/camera_control.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

// A voice referenced from the prompt as <<<voice_N>>> (I-4).
struct voice {
  std::string voice_id{};
  json extra = json(json::value_t::object);
};

// A point of a motion brush trajectory, in pixels of the input image with
// the origin at its bottom-left corner.
struct trajectory_point {
  int x = 0;
  int y = 0;
  json extra = json(json::value_t::object);
};

// One motion brush group: the painted area and the path it follows (I-6).
struct dynamic_mask {
  std::string mask{}; // an image: URL, data URI or Base64
  std::vector<trajectory_point> trajectories{};
  json extra = json(json::value_t::object);
};

struct image_to_video {
  static constexpr kling::route route = kling::route::image_to_video;

  std::string model = "Kling-V2.6";
  std::optional<std::string> image{};      // first frame
  std::optional<std::string> image_tail{}; // last frame
  std::optional<std::string> prompt{};
  std::optional<std::string> negative_prompt{};
  std::optional<bool> sound{}; // sent as "on" / "off"
  std::vector<kling::voice> voice_list{};
  std::optional<kling::mode> mode{};
  std::optional<int> seconds{};      // 5 or 10
  std::optional<double> cfg_scale{}; // [0, 1]; ignored by V2.x models
  std::optional<std::string> static_mask{};
  std::vector<kling::dynamic_mask> dynamic_masks{};
  std::optional<kling::camera_control> camera_control{};
  std::optional<std::string> callback_url{};
  std::optional<std::string> external_task_id{};
  json extra = json(json::value_t::object);
};

KLING_LAZY void to_json(json &j, const voice &v);
KLING_LAZY void to_json(json &j, const trajectory_point &p);
KLING_LAZY void to_json(json &j, const dynamic_mask &m);

KLING_LAZY void to_json(json &j, const image_to_video &r);

template <class F>
void visit_extras(const dynamic_mask &m, const lazy_pointer &at, F &&f) {
  f(lazy_pointer(&at, "extra"), m.extra);
  visit_extras(m.trajectories, lazy_pointer(&at, "trajectories"), f);
}

template <class F>
void visit_extras(const image_to_video &r, const lazy_pointer &at, F &&f) {
  f(lazy_pointer(&at, "extra"), r.extra);
  visit_extras(r.voice_list, lazy_pointer(&at, "voice_list"), f);
  visit_extras(r.dynamic_masks, lazy_pointer(&at, "dynamic_masks"), f);
  visit_extras(r.camera_control, lazy_pointer(&at, "camera_control"), f);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_IMAGE_TO_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_IMAGE_TO_VIDEO_IPP)
#define KLING_MODEL_IMAGE_TO_VIDEO_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const voice &v) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["voice_id"] = v.voice_id;
  request_support::merge_extra(j, v.extra);
}

KLING_LAZY_DEF void to_json(json &out, const trajectory_point &p) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["x"] = p.x;
  j["y"] = p.y;
  request_support::merge_extra(j, p.extra);
}

KLING_LAZY_DEF void to_json(json &out, const dynamic_mask &m) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["mask"] = m.mask;
  j["trajectories"] = m.trajectories;
  request_support::merge_extra(j, m.extra);
}

KLING_LAZY_DEF void to_json(json &out, const image_to_video &r) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  using namespace request_support;
  j = json::object();
  j["model"] = r.model;
  put(j, "image", r.image);
  put(j, "image_tail", r.image_tail);
  put(j, "prompt", r.prompt);
  put(j, "negative_prompt", r.negative_prompt);
  put_switch(j, "sound", r.sound, "on", "off");
  if (!r.voice_list.empty()) j["voice_list"] = r.voice_list;
  put_word(j, "mode", r.mode);
  put_seconds(j, r.seconds);
  put(j, "cfg_scale", r.cfg_scale);
  put(j, "static_mask", r.static_mask);
  if (!r.dynamic_masks.empty()) j["dynamic_masks"] = r.dynamic_masks;
  put(j, "camera_control", r.camera_control);
  put(j, "callback_url", r.callback_url);
  put(j, "external_task_id", r.external_task_id);
  merge_extra(j, r.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_IMAGE_TO_VIDEO_IPP
