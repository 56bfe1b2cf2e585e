// omni_video: a request to Kling-Video-O1, the Omni-Video model (route
// omni_video): text to video, first/last frame, image and element
// references, video edit, style and camera reference, shot extension.
//
//   kling::omni_video request;
//   request.prompt = "<<<image_1>>> walks through Tokyo";
//   request.reference_images = {"https://example.com/hero.jpg"};
//   request.aspect_ratio = kling::aspect_ratio::square_1_1;
//
// Images go in the flat fields (first_frame_url, last_frame_url,
// reference_images) or the native image_list; when both are given the
// gateway uses image_list only (O1-11). Elements and videos exist only in
// the native form.
//
// Thread safety: plain values.
#ifndef KLING_MODEL_OMNI_VIDEO_HPP
#define KLING_MODEL_OMNI_VIDEO_HPP

#include <optional>
#include <string>
#include <vector>

#include "kling/model/request_support.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

// One image of the native image_list: an http(s) URL, a data URI or Base64.
struct omni_image {
  std::string image_url{};
  std::optional<image_type> type{}; // none: a reference image
  json extra = json(json::value_t::object);
};

// An element of the library, referenced as <<<element_N>>>.
struct omni_element {
  std::string element_id{}; // kept exactly as text
  json extra = json(json::value_t::object);
};

// A reference video, referenced as <<<video_1>>>.
struct omni_video_reference {
  std::string video_url{};
  std::optional<kling::refer_type> refer_type{};
  std::optional<bool> keep_original_sound{}; // sent as "yes" / "no"
  json extra = json(json::value_t::object);
};

struct omni_video {
  static constexpr kling::route route = kling::route::omni_video;

  std::string model = "Kling-Video-O1";
  std::string prompt{};
  std::optional<std::string> first_frame_url{};
  std::optional<std::string> last_frame_url{};
  std::vector<std::string> reference_images{};
  std::vector<omni_image> image_list{};
  std::vector<omni_element> element_list{};
  std::vector<omni_video_reference> video_list{};
  std::optional<kling::mode> mode{};
  std::optional<kling::aspect_ratio> aspect_ratio{};
  std::optional<int> seconds{};
  std::optional<std::string> callback_url{};
  std::optional<std::string> external_task_id{};
  json extra = json(json::value_t::object);
};

KLING_LAZY void to_json(json &j, const omni_image &i);

KLING_LAZY void to_json(json &j, const omni_element &e);

KLING_LAZY void to_json(json &j, const omni_video_reference &v);

KLING_LAZY void to_json(json &j, const omni_video &r);

template <class F>
void visit_extras(const omni_video &r, const lazy_pointer &at, F &&f) {
  f(lazy_pointer(&at, "extra"), r.extra);
  visit_extras(r.image_list, lazy_pointer(&at, "image_list"), f);
  visit_extras(r.element_list, lazy_pointer(&at, "element_list"), f);
  visit_extras(r.video_list, lazy_pointer(&at, "video_list"), f);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_OMNI_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_OMNI_VIDEO_IPP)
#define KLING_MODEL_OMNI_VIDEO_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const omni_image &i) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["image_url"] = i.image_url;
  request_support::put_word(j, "type", i.type);
  request_support::merge_extra(j, i.extra);
}

KLING_LAZY_DEF void to_json(json &out, const omni_element &e) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["element_id"] = e.element_id;
  request_support::merge_extra(j, e.extra);
}

KLING_LAZY_DEF void to_json(json &out, const omni_video_reference &v) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["video_url"] = v.video_url;
  request_support::put_word(j, "refer_type", v.refer_type);
  request_support::put_switch(j, "keep_original_sound", v.keep_original_sound, "yes", "no");
  request_support::merge_extra(j, v.extra);
}

KLING_LAZY_DEF void to_json(json &out, const omni_video &r) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  using namespace request_support;
  j = json::object();
  j["model"] = r.model;
  j["prompt"] = r.prompt;
  put(j, "first_frame_url", r.first_frame_url);
  put(j, "last_frame_url", r.last_frame_url);
  if (!r.reference_images.empty()) j["reference_images"] = r.reference_images;
  if (!r.image_list.empty()) j["image_list"] = r.image_list;
  if (!r.element_list.empty()) j["element_list"] = r.element_list;
  if (!r.video_list.empty()) j["video_list"] = r.video_list;
  put_word(j, "mode", r.mode);
  put_word(j, "aspect_ratio", r.aspect_ratio);
  put_seconds(j, r.seconds);
  put(j, "callback_url", r.callback_url);
  put(j, "external_task_id", r.external_task_id);
  merge_extra(j, r.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_OMNI_VIDEO_IPP
