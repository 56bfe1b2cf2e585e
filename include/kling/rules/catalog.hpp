// The catalogue of the gateway's rules that the client enforces, by ID:
// the README's table, `kling rules`, and the test that every rule has tests
// all read it.
//
// Thread safety: constants.
#ifndef KLING_RULES_CATALOG_HPP
#define KLING_RULES_CATALOG_HPP

#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

struct rule_info {
  std::string_view id;
  std::string_view applies_to; // route or endpoint
  std::string_view summary;
};

// Each text carries its length (the sv suffix): Clang finds a length by
// interpreting strlen one character at a time, which for this table's ~6,000
// characters cost 2% of compiling <kling/core.hpp>.
namespace catalog_text {
using namespace std::string_view_literals;

inline constexpr rule_info catalog[] = {
    {"ROUTE-1"sv, "POST /v1/videos"sv, "model is required; compared case-insensitively"sv},
    {"ROUTE-2"sv, "POST /v1/videos"sv, "Kling-Video-O1 goes to omni_video, whatever else is present"sv},
    {"ROUTE-3"sv, "POST /v1/videos"sv,
     "Kling-V2.6: action_control true -> motion_control; else image or image_tail -> image_to_video; else "
     "text_to_video"sv},
    {"ROUTE-4"sv, "POST /v1/videos"sv, "any other model: route unknown, sent as it is with a warning"sv},
    {"C-1"sv, "every route"sv, "prompt at most 2500 characters (Unicode code points)"sv},
    {"C-2"sv, "every route"sv, "negative_prompt at most 2500 characters"sv},
    {"C-3"sv, "every route"sv, "mode is std or pro"sv},
    {"C-4"sv, "every route"sv, "aspect_ratio is 16:9, 9:16 or 1:1"sv},
    {"C-5"sv, "every route"sv, "seconds as a string or an integer; sent as a string"sv},
    {"C-6"sv, "every route"sv, "callback_url is an absolute http(s) URL"sv},
    {"C-7"sv, "every route"sv, "external_task_id is a non-empty string without control characters"sv},
    {"C-8"sv, "every route"sv, "unknown fields pass through untouched"sv},
    {"C-9"sv, "every route"sv, "a field of the wrong JSON type is a violation, never a crash"sv},
    {"LOCAL-1"sv, "every route"sv,
     "media::local_image(path) only in an image field; anywhere else it is refused and the file never read"sv},
    {"O1-1"sv, "omni_video"sv, "prompt is required"sv},
    {"O1-2"sv, "omni_video"sv, "a last frame requires a first frame"sv},
    {"O1-3"sv, "omni_video"sv, "more than 2 images in total: no last frame"sv},
    {"O1-4"sv, "omni_video"sv, "reference images + elements: at most 4 with a video, 7 without"sv},
    {"O1-5"sv, "omni_video"sv, "at most 1 video"sv},
    {"O1-6"sv, "omni_video"sv,
     "refer_type base|feature; keep_original_sound yes|no; videos need video_url; elements need element_id"sv},
    {"O1-7"sv, "omni_video"sv, "refer_type base (video edit): no first or last frame"sv},
    {"O1-8"sv, "omni_video"sv,
     "seconds 3..10; text only or first frame alone: 5 or 10; video edit: seconds is ignored (warning)"sv},
    {"O1-9"sv, "omni_video"sv,
     "aspect_ratio not with a first frame or a video edit; required without first frame and video"sv},
    {"O1-10"sv, "omni_video"sv, "<<<image_N>>>, <<<element_N>>>, <<<video_N>>> point inside their lists"sv},
    {"O1-11"sv, "omni_video"sv, "native image_list wins over flat image fields (warning)"sv},
    {"O1-12"sv, "omni_video"sv,
     "images: http(s) URL, data URI or Base64; inline: JPEG/PNG, <= 10 MB, sides >= 300 px, ratio "
     "1:2.5..2.5:1"sv},
    {"O1-13"sv, "omni_video"sv, "videos: MP4/MOV, 3-10 s, sides 720-2160 px, <= 200 MB, 24-60 fps"sv},
    {"T-1"sv, "text_to_video"sv, "prompt is required"sv},
    {"T-2"sv, "text_to_video"sv, "sound is on or off"sv},
    {"T-3"sv, "text_to_video"sv, "seconds is 5 or 10"sv},
    {"CAM-1"sv, "text_to_video, image_to_video"sv,
     "camera_control.type is simple, down_back, forward_up, right_turn_forward or left_turn_forward"sv},
    {"CAM-2"sv, "text_to_video, image_to_video"sv,
     "type simple needs config with exactly one non-zero axis, each in [-10, 10]"sv},
    {"CAM-3"sv, "text_to_video, image_to_video"sv, "other types take no config"sv},
    {"I-1"sv, "image_to_video"sv, "image or image_tail, at least one"sv},
    {"I-2"sv, "image_to_video"sv, "at most one of image_tail, motion brush, camera_control"sv},
    {"I-3"sv, "image_to_video"sv, "sound on|off; seconds 5 or 10; prompt optional"sv},
    {"I-4"sv, "image_to_video"sv,
     "voice_list at most 2 {voice_id}; <<<voice_N>>> needs N <= count and sound on"sv},
    {"I-5"sv, "image_to_video"sv, "cfg_scale in [0, 1]; ignored by V2.x (warning)"sv},
    {"I-6"sv, "image_to_video"sv,
     "dynamic_masks: at most 6 groups, each mask + 2..77 integer points (5 s)"sv},
    {"I-7"sv, "image_to_video"sv,
     "images and masks follow O1-12; masks match the image's ratio and each other's size"sv},
    {"M-1"sv, "motion_control"sv, "image_url, video_url, mode and character_orientation are required"sv},
    {"M-2"sv, "motion_control"sv, "character_orientation is image or video"sv},
    {"M-3"sv, "motion_control"sv, "keep_original_sound is yes or no"sv},
    {"M-4"sv, "motion_control"sv,
     "inline image_url: JPEG/PNG, <= 10 MB, sides 300-65536 px, ratio 1:2.5..2.5:1"sv},
    {"M-5"sv, "motion_control"sv,
     "reference video: MP4/MOV, <= 100 MB, sides 340-3850 px, >= 3 s, <= 10 s (image) or 30 s (video)"sv},
    {"E-1"sv, "POST /v1/elements/custom"sv,
     "element_name <= 10, element_description <= 100 characters, frontal image, 1-3 refer images, tag_list"sv},
    {"E-2"sv, "GET /v1/elements/*"sv, "page_num 1..1000, page_size 1..500"sv},
    {"E-3"sv, "POST /v1/elements/delete"sv, "element_id is required, sent as a string"sv},
    {"Q-1"sv, "GET /v1/videos/{task_id}"sv,
     "task_id non-empty and percent-encoded; optional provider; no control characters in either"sv},
    {"P-1"sv, "answers"sv, "status words of the gateway and the provider; anything else is unknown"sv},
    {"P-2"sv, "answers"sv, "finished tasks in the flat and the unified shape"sv},
    {"P-3"sv, "answers"sv, "element envelopes: code != 0 is an error with code, message, request_id"sv},
    {"P-4"sv, "answers"sv, "ISO 8601 times and Unix seconds"sv},
    {"P-5"sv, "answers"sv, "every error body shape, JSON or not, becomes a typed error"sv},
    {"P-6"sv, "answers"sv, "unknown answer fields are kept"sv},
    {"P-7"sv, "answers"sv, "a finished task knows when its URL expires (30 days)"sv},
};

} // namespace catalog_text

using catalog_text::catalog;

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CATALOG_HPP
