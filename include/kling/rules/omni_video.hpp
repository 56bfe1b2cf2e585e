// Rules of Kling-Video-O1 (route omni_video): O1-1 .. O1-13.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_OMNI_VIDEO_HPP
#define KLING_RULES_OMNI_VIDEO_HPP

#include <optional>
#include <string>
#include <vector>

#include "kling/rules/common.hpp"
#include "kling/rules/images.hpp"
#include "kling/rules/videos.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY void check_omni_video(checker &c, const scope &s, const common_fields &common);

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_OMNI_VIDEO_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_OMNI_VIDEO_IPP)
#define KLING_RULES_OMNI_VIDEO_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

namespace omni_detail {

struct image_ref {
  const std::string *value; // in the request, which outlives the check: not copied
  std::string field;
};

// The images of a request after O1-11: native image_list objects when there
// are any, else the flat fields (and image_list as a list of plain strings).
struct images {
  std::optional<image_ref> first, last;
  std::vector<image_ref> references;
  std::string references_field; // where the references came from, for messages

  std::size_t total() const { return (first ? 1 : 0) + (last ? 1 : 0) + references.size(); }
};

KLING_LAZY images collect_images(checker &c, const scope &s) {
  images flat, native;
  std::vector<std::string> flat_fields;
  if (const std::string *v = c.string(s, "first_frame_url")) {
    flat.first = image_ref{v, s.field("first_frame_url")};
    flat_fields.push_back(s.field("first_frame_url"));
  }
  if (const std::string *v = c.string(s, "last_frame_url")) {
    flat.last = image_ref{v, s.field("last_frame_url")};
    flat_fields.push_back(s.field("last_frame_url"));
  }
  flat.references_field = s.field("reference_images");
  if (const json *list = c.array(s, "reference_images")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string field = pointer_child(flat.references_field, i);
      if ((*list)[i].is_string())
        flat.references.push_back({&(*list)[i].get_ref<const std::string &>(), field});
      else
        c.wrong_type(field, "a string", (*list)[i]);
    }
    if (!list->empty()) flat_fields.push_back(flat.references_field);
  }
  bool has_native = false;
  native.references_field = s.field("image_list");
  if (const json *list = c.array(s, "image_list")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json &entry = (*list)[i];
      const std::string field = pointer_child(native.references_field, i);
      if (entry.is_string()) { // image_list of plain strings: the flat reference list's alias
        flat.references.push_back({&entry.get_ref<const std::string &>(), field});
        continue;
      }
      if (!entry.is_object()) {
        c.wrong_type(field, "an object {image_url, type} or a string", entry);
        continue;
      }
      has_native = true;
      const scope item{entry, field};
      const std::string *url = c.required_string(item, "image_url", "O1-12");
      const auto type = c.one_of(item, "type", {"first_frame", "end_frame"}, "O1-12");
      if (!url) continue;
      image_ref ref{url, item.field("image_url")};
      if (!type) {
        native.references.push_back(std::move(ref));
        continue;
      }
      std::optional<image_ref> &slot = *type == "first_frame" ? native.first : native.last;
      if (slot)
        c.violation("O1-12", item.field("type"), "only one image may be the " + *type);
      else
        slot = std::move(ref);
    }
    if (!has_native && !list->empty()) flat_fields.push_back(native.references_field);
  }
  if (!has_native) return flat;
  for (const auto &f : flat_fields) {
    c.warning(
        "O1-11", f,
        "ignored by the gateway: the native image_list (objects) takes precedence over flat image fields");
  }
  return native;
}

} // namespace omni_detail

KLING_LAZY_DEF void check_omni_video(checker &c, const scope &s, const common_fields &common) {
  const std::string *prompt = c.required_string(s, "prompt", "O1-1");
  const omni_detail::images imgs = omni_detail::collect_images(c, s);

  // O1-12: every image the gateway will use.
  for (const auto *ref : {imgs.first ? &*imgs.first : nullptr, imgs.last ? &*imgs.last : nullptr}) {
    if (ref) check_image(c, *ref->value, ref->field, "O1-12", standard_image_limits);
  }
  for (const auto &ref : imgs.references)
    check_image(c, *ref.value, ref.field, "O1-12", standard_image_limits);

  // O1-6: elements and videos.
  std::size_t element_count = 0;
  if (const json *list = c.array(s, "element_list")) {
    element_count = list->size();
    for (const scope &item : c.objects_in(*list, s.field("element_list"))) {
      const json *id = item.get("element_id");
      const bool ok = id && ((id->is_string() && !id->get_ref<const std::string &>().empty()) ||
                             id->is_number_integer() || id->is_number_unsigned());
      if (!ok)
        c.violation("O1-6", item.field("element_id"),
                    "each element needs an element_id (a string or an integer)");
    }
  }
  std::size_t video_count = 0;
  bool video_edit = false;
  if (const json *list = c.array(s, "video_list")) {
    video_count = list->size();
    if (video_count > 1) {
      c.violation("O1-5", s.field("video_list"),
                  "at most 1 video is supported, got " + std::to_string(video_count));
    }
    for (const scope &item : c.objects_in(*list, s.field("video_list"))) {
      if (const std::string *url = c.required_string(item, "video_url", "O1-6")) {
        check_video_string(c, *url, item.field("video_url"), "O1-6", omni_video_limits);
      }
      const auto refer = c.one_of(item, "refer_type", {"base", "feature"}, "O1-6");
      video_edit = video_edit || (refer && *refer == "base");
      c.one_of(item, "keep_original_sound", {"yes", "no"}, "O1-6");
    }
  }
  const bool has_video = video_count > 0;

  // O1-2, O1-3, O1-7: frames.
  if (imgs.last && !imgs.first) {
    c.violation("O1-2", imgs.last->field,
                "a last frame needs a first frame (a last frame alone is not supported)");
  }
  if (imgs.last && imgs.total() > 2) {
    c.violation("O1-3", imgs.last->field,
                "with more than 2 images (" + std::to_string(imgs.total()) + ") no last frame is supported");
  }
  if (video_edit) {
    for (const auto *frame : {imgs.first ? &*imgs.first : nullptr, imgs.last ? &*imgs.last : nullptr}) {
      if (frame)
        c.violation("O1-7", frame->field, "a video edit (refer_type base) cannot have first or last frames");
    }
  }

  // O1-4: reference images and elements together.
  const std::size_t limit = has_video ? 4 : 7;
  if (imgs.references.size() + element_count > limit) {
    c.violation("O1-4", element_count > 0 ? s.field("element_list") : imgs.references_field,
                std::to_string(imgs.references.size()) + " reference images + " +
                    std::to_string(element_count) + " elements exceed " + std::to_string(limit) +
                    (has_video ? " (with a video)" : " (without a video)"));
  }

  // O1-8: duration.
  if (common.seconds) {
    const int seconds = *common.seconds;
    const bool text_only = imgs.total() == 0 && element_count == 0 && !has_video;
    const bool first_frame_only = imgs.first && !imgs.last && !has_video;
    if (video_edit) {
      c.warning("O1-8", s.field("seconds"),
                "a video edit lasts as long as its input video: seconds is ignored");
    } else if (seconds < 3 || seconds > 10) {
      c.violation("O1-8", s.field("seconds"), "seconds must be 3 to 10, got " + std::to_string(seconds));
    } else if ((text_only || first_frame_only) && seconds != 5 && seconds != 10) {
      c.violation("O1-8", s.field("seconds"),
                  std::string(text_only ? "text to video" : "a first frame alone") +
                      " supports 5 or 10 seconds, got " + std::to_string(seconds));
    }
  }

  // O1-9: aspect ratio.
  if (s.has("aspect_ratio")) {
    if (imgs.first) {
      c.violation("O1-9", s.field("aspect_ratio"),
                  "aspect_ratio cannot be set with a first frame: the image decides it");
    } else if (video_edit) {
      c.violation("O1-9", s.field("aspect_ratio"),
                  "aspect_ratio cannot be set for a video edit: the video decides it");
    }
  } else if (!imgs.first && !has_video) {
    c.violation("O1-9", s.field("aspect_ratio"),
                "aspect_ratio is required without a first frame and without a video");
  }

  // O1-10: prompt references.
  if (prompt) {
    for (const auto &ref : prompt_references(*prompt)) {
      std::size_t count = 0;
      if (ref.kind == "image")
        count = imgs.total();
      else if (ref.kind == "element")
        count = element_count;
      else if (ref.kind == "video")
        count = video_count;
      else
        continue;
      if (ref.index < 1 || static_cast<std::size_t>(ref.index) > count) {
        c.violation("O1-10", s.field("prompt"),
                    ref.text + " points outside the " + ref.kind + "s given (" + std::to_string(count) +
                        "); references count from 1");
      }
    }
  }
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_OMNI_VIDEO_IPP
