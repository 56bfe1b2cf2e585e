// text_to_video: a Kling-V2.6 request without images (route text_to_video),
// optionally with sound and camera movement.
//
//   kling::text_to_video request;
//   request.prompt = "A cat playing in a sunny garden";
//   request.mode = kling::mode::pro;
//
// Thread safety: plain values.
#ifndef KLING_MODEL_TEXT_TO_VIDEO_HPP
#define KLING_MODEL_TEXT_TO_VIDEO_HPP

#include <optional>
#include <string>

#include "kling/model/camera_control.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

struct text_to_video {
  static constexpr kling::route route = kling::route::text_to_video;

  std::string model = "Kling-V2.6";
  std::string prompt{};
  std::optional<std::string> negative_prompt{};
  std::optional<bool> sound{}; // sent as "on" / "off"
  std::optional<kling::mode> mode{};
  std::optional<kling::aspect_ratio> aspect_ratio{};
  std::optional<int> seconds{}; // 5 or 10
  std::optional<kling::camera_control> camera_control{};
  std::optional<std::string> callback_url{};
  std::optional<std::string> external_task_id{};
  json extra = json(json::value_t::object);
};

KLING_LAZY void to_json(json &j, const text_to_video &r);

template <class F>
void visit_extras(const text_to_video &r, const lazy_pointer &at, F &&f) {
  f(lazy_pointer(&at, "extra"), r.extra);
  visit_extras(r.camera_control, lazy_pointer(&at, "camera_control"), f);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_TEXT_TO_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_TEXT_TO_VIDEO_IPP)
#define KLING_MODEL_TEXT_TO_VIDEO_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const text_to_video &r) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  using namespace request_support;
  j = json{{"model", r.model}, {"prompt", r.prompt}};
  put(j, "negative_prompt", r.negative_prompt);
  put_switch(j, "sound", r.sound, "on", "off");
  put_word(j, "mode", r.mode);
  put_word(j, "aspect_ratio", r.aspect_ratio);
  put_seconds(j, r.seconds);
  put(j, "camera_control", r.camera_control);
  put(j, "callback_url", r.callback_url);
  put(j, "external_task_id", r.external_task_id);
  merge_extra(j, r.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_TEXT_TO_VIDEO_IPP
