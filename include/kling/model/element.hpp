// element: a character or object kept in the gateway's element library and
// referenced from Omni-Video prompts as <<<element_N>>>.
//
// Thread safety: plain values.
#ifndef KLING_MODEL_ELEMENT_HPP
#define KLING_MODEL_ELEMENT_HPP

#include <string>
#include <vector>

#include "kling/core/json_reader.hpp"

KLING_NAMESPACE_BEGIN

struct element_tag {
  std::string id;
  std::string name;
  std::string description;
};

struct element {
  std::string element_id; // kept exactly as text: ids exceed 2^53
  std::string element_name;
  std::string element_description;
  std::string element_frontal_image;
  std::vector<std::string> element_refer_images; // element_refer_list[].image_url
  std::vector<element_tag> tags;                 // tag_list
  std::string owned_by;
  json raw;
};

// The answer to a delete: the gateway runs deletions as tasks of their own.
struct element_deletion {
  std::string task_id;
  std::string task_status; // submitted, processing, succeed, failed
  json raw;
};

namespace model_detail {

// Reads an array of objects at `key`, calling read(field_reader&) for each.
template <class Read>
void read_objects(field_reader &r, std::string_view key, Read read) {
  const json *list = r.array(key);
  if (!list) return;
  for (std::size_t i = 0; i < list->size() && r.ok(); ++i) {
    field_reader item((*list)[i], pointer_child(r.path_of(key), i));
    read(item);
    if (!item.ok()) r.fail(item.failure().message);
  }
}

} // namespace model_detail

KLING_FUNCTION_OBJECT parse_element_function {
  result<element> operator()(const json &body, std::string path = "") const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_element) parse_element{};

KLING_FUNCTION_OBJECT parse_element_list_function {
  result<std::vector<element>> operator()(const json &body, std::string path = "") const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_element_list) parse_element_list{};

KLING_FUNCTION_OBJECT parse_element_deletion_function {
  result<element_deletion> operator()(const json &body, std::string path = "") const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_element_deletion) parse_element_deletion{};

KLING_NAMESPACE_END

#endif // KLING_MODEL_ELEMENT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_ELEMENT_IPP)
#define KLING_MODEL_ELEMENT_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF result<element> KLING_FUNCTION(parse_element)::operator()(const json &body,
                                                                         std::string path) const {
  element e;
  field_reader r(body, std::move(path));
  r.id("element_id", e.element_id);
  r.text("element_name", e.element_name);
  r.text("element_description", e.element_description);
  r.text("element_frontal_image", e.element_frontal_image);
  model_detail::read_objects(r, "element_refer_list", [&](field_reader &item) {
    std::string url;
    item.text("image_url", url);
    e.element_refer_images.push_back(std::move(url));
  });
  model_detail::read_objects(r, "tag_list", [&](field_reader &item) {
    element_tag tag;
    if (!item.id("id", tag.id)) item.id("tag_id", tag.id);
    item.text("name", tag.name);
    item.text("description", tag.description);
    e.tags.push_back(std::move(tag));
  });
  r.text("owned_by", e.owned_by);
  if (!r.ok()) return r.failure();
  e.raw = body;
  return e;
}

KLING_LAZY_DEF result<std::vector<element>>
KLING_FUNCTION(parse_element_list)::operator()(const json &body, std::string path) const {
  if (!body.is_array()) {
    return error{errc::parse, (path.empty() ? "/" : path) + ": expected an array, got " + body.type_name()};
  }
  std::vector<element> out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    auto e = parse_element(body[i], pointer_child(path, i));
    if (!e) return std::move(e).error();
    out.push_back(std::move(*e));
  }
  return out;
}

KLING_LAZY_DEF result<element_deletion>
KLING_FUNCTION(parse_element_deletion)::operator()(const json &body, std::string path) const {
  element_deletion d;
  field_reader r(body, std::move(path));
  r.id("task_id", d.task_id);
  r.text("task_status", d.task_status);
  if (!r.ok()) return r.failure();
  d.raw = body;
  return d;
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_ELEMENT_IPP
