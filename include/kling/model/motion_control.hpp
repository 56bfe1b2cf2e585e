// motion_control: a Kling-V2.6 request that moves the character of a
// reference image like the person in a reference video (route
// motion_control; action_control: true is always sent).
//
//   kling::motion_control request;
//   request.image_url = "https://example.com/person.jpg";
//   request.video_url = "https://example.com/dance.mp4";
//   request.mode = kling::mode::pro;
//   request.character_orientation = kling::character_orientation::video;
//
// image_url, video_url, mode and character_orientation are required and
// have no defaults (M-1).
//
// Thread safety: plain values.
#ifndef KLING_MODEL_MOTION_CONTROL_HPP
#define KLING_MODEL_MOTION_CONTROL_HPP

#include <optional>
#include <string>

#include "kling/model/request_support.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

struct motion_control {
  static constexpr kling::route route = kling::route::motion_control;

  std::string model = "Kling-V2.6";
  std::string image_url{}; // URL, Base64 with or without a data-URI prefix
  std::string video_url{};
  std::optional<kling::mode> mode{};
  std::optional<kling::character_orientation> character_orientation{};
  std::optional<std::string> prompt{};
  std::optional<bool> keep_original_sound{}; // sent as "yes" / "no"
  std::optional<std::string> callback_url{};
  std::optional<std::string> external_task_id{};
  json extra = json(json::value_t::object);
};

KLING_LAZY void to_json(json &j, const motion_control &r);

KLING_NAMESPACE_END

#endif // KLING_MODEL_MOTION_CONTROL_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_MOTION_CONTROL_IPP)
#define KLING_MODEL_MOTION_CONTROL_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const motion_control &r) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  using namespace request_support;
  j = json::object();
  j["model"] = r.model;
  j["action_control"] = true;
  if (!r.image_url.empty()) j["image_url"] = r.image_url;
  if (!r.video_url.empty()) j["video_url"] = r.video_url;
  put_word(j, "mode", r.mode);
  put_word(j, "character_orientation", r.character_orientation);
  put(j, "prompt", r.prompt);
  put_switch(j, "keep_original_sound", r.keep_original_sound, "yes", "no");
  put(j, "callback_url", r.callback_url);
  put(j, "external_task_id", r.external_task_id);
  merge_extra(j, r.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_MOTION_CONTROL_IPP
