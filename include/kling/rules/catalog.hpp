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

inline constexpr rule_info catalog[] = {
    {"ROUTE-1", "POST /v1/videos", "model is required; compared case-insensitively"},
    {"ROUTE-2", "POST /v1/videos", "Kling-Video-O1 goes to omni_video, whatever else is present"},
    {"ROUTE-3", "POST /v1/videos",
     "Kling-V2.6: action_control true -> motion_control; else image or image_tail -> image_to_video; else "
     "text_to_video"},
    {"ROUTE-4", "POST /v1/videos", "any other model: route unknown, sent as it is with a warning"},
    {"C-1", "every route", "prompt at most 2500 characters (Unicode code points)"},
    {"C-2", "every route", "negative_prompt at most 2500 characters"},
    {"C-3", "every route", "mode is std or pro"},
    {"C-4", "every route", "aspect_ratio is 16:9, 9:16 or 1:1"},
    {"C-5", "every route", "seconds as a string or an integer; sent as a string"},
    {"C-6", "every route", "callback_url is an absolute http(s) URL"},
    {"C-7", "every route", "external_task_id is a non-empty string without control characters"},
    {"C-8", "every route", "unknown fields pass through untouched"},
    {"C-9", "every route", "a field of the wrong JSON type is a violation, never a crash"},
    {"LOCAL-1", "every route",
     "media::local_image(path) only in an image field; anywhere else it is refused and the file never read"},
    {"O1-1", "omni_video", "prompt is required"},
    {"O1-2", "omni_video", "a last frame requires a first frame"},
    {"O1-3", "omni_video", "more than 2 images in total: no last frame"},
    {"O1-4", "omni_video", "reference images + elements: at most 4 with a video, 7 without"},
    {"O1-5", "omni_video", "at most 1 video"},
    {"O1-6", "omni_video",
     "refer_type base|feature; keep_original_sound yes|no; videos need video_url; elements need element_id"},
    {"O1-7", "omni_video", "refer_type base (video edit): no first or last frame"},
    {"O1-8", "omni_video",
     "seconds 3..10; text only or first frame alone: 5 or 10; video edit: seconds is ignored (warning)"},
    {"O1-9", "omni_video",
     "aspect_ratio not with a first frame or a video edit; required without first frame and video"},
    {"O1-10", "omni_video", "<<<image_N>>>, <<<element_N>>>, <<<video_N>>> point inside their lists"},
    {"O1-11", "omni_video", "native image_list wins over flat image fields (warning)"},
    {"O1-12", "omni_video",
     "images: http(s) URL, data URI or Base64; inline: JPEG/PNG, <= 10 MB, sides >= 300 px, ratio "
     "1:2.5..2.5:1"},
    {"O1-13", "omni_video", "videos: MP4/MOV, 3-10 s, sides 720-2160 px, <= 200 MB, 24-60 fps"},
    {"T-1", "text_to_video", "prompt is required"},
    {"T-2", "text_to_video", "sound is on or off"},
    {"T-3", "text_to_video", "seconds is 5 or 10"},
    {"CAM-1", "text_to_video, image_to_video",
     "camera_control.type is simple, down_back, forward_up, right_turn_forward or left_turn_forward"},
    {"CAM-2", "text_to_video, image_to_video",
     "type simple needs config with exactly one non-zero axis, each in [-10, 10]"},
    {"CAM-3", "text_to_video, image_to_video", "other types take no config"},
    {"I-1", "image_to_video", "image or image_tail, at least one"},
    {"I-2", "image_to_video", "at most one of image_tail, motion brush, camera_control"},
    {"I-3", "image_to_video", "sound on|off; seconds 5 or 10; prompt optional"},
    {"I-4", "image_to_video", "voice_list at most 2 {voice_id}; <<<voice_N>>> needs N <= count and sound on"},
    {"I-5", "image_to_video", "cfg_scale in [0, 1]; ignored by V2.x (warning)"},
    {"I-6", "image_to_video", "dynamic_masks: at most 6 groups, each mask + 2..77 integer points (5 s)"},
    {"I-7", "image_to_video",
     "images and masks follow O1-12; masks match the image's ratio and each other's size"},
    {"M-1", "motion_control", "image_url, video_url, mode and character_orientation are required"},
    {"M-2", "motion_control", "character_orientation is image or video"},
    {"M-3", "motion_control", "keep_original_sound is yes or no"},
    {"M-4", "motion_control", "inline image_url: JPEG/PNG, <= 10 MB, sides 300-65536 px, ratio 1:2.5..2.5:1"},
    {"M-5", "motion_control",
     "reference video: MP4/MOV, <= 100 MB, sides 340-3850 px, >= 3 s, <= 10 s (image) or 30 s (video)"},
    {"E-1", "POST /v1/elements/custom",
     "element_name <= 10, element_description <= 100 characters, frontal image, 1-3 refer images, tag_list"},
    {"E-2", "GET /v1/elements/*", "page_num 1..1000, page_size 1..500"},
    {"E-3", "POST /v1/elements/delete", "element_id is required, sent as a string"},
    {"Q-1", "GET /v1/videos/{task_id}",
     "task_id non-empty and percent-encoded; optional provider; no control characters in either"},
    {"P-1", "answers", "status words of the gateway and the provider; anything else is unknown"},
    {"P-2", "answers", "finished tasks in the flat and the unified shape"},
    {"P-3", "answers", "element envelopes: code != 0 is an error with code, message, request_id"},
    {"P-4", "answers", "ISO 8601 times and Unix seconds"},
    {"P-5", "answers", "every error body shape, JSON or not, becomes a typed error"},
    {"P-6", "answers", "unknown answer fields are kept"},
    {"P-7", "answers", "a finished task knows when its URL expires (30 days)"},
};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_CATALOG_HPP
