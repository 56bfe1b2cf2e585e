// new_element: the description of a custom element to create
// (POST /v1/elements/custom, E-1).
//
//   kling::new_element hero;
//   hero.element_name = "Hero";
//   hero.element_description = "A knight in silver armour";
//   hero.element_frontal_image = "https://example.com/front.jpg";
//   hero.element_refer_list = {"https://example.com/side.jpg"};
//
// Thread safety: plain values.
#ifndef KLING_MODEL_NEW_ELEMENT_HPP
#define KLING_MODEL_NEW_ELEMENT_HPP

#include <string>
#include <vector>

#include "kling/model/request_support.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

struct new_element {
  static constexpr kling::route route = kling::route::element;

  std::string element_name{};        // at most 10 characters
  std::string element_description{}; // at most 100 characters
  std::string element_frontal_image{};
  std::vector<std::string> element_refer_list{}; // 1 to 3 images, sent as [{"image_url": ...}]
  std::vector<std::string> tag_list{};           // tag ids, sent as [{"tag_id": ...}]
  json extra = json(json::value_t::object);
};

KLING_LAZY void to_json(json &j, const new_element &e);

KLING_NAMESPACE_END

#endif // KLING_MODEL_NEW_ELEMENT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_MODEL_NEW_ELEMENT_IPP)
#define KLING_MODEL_NEW_ELEMENT_IPP

#include <utility>

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF void to_json(json &out, const new_element &e) {
  using json = KLING_DEFERRED(kling::json);
  json &j = out;
  j = json::object();
  j["element_name"] = e.element_name;
  j["element_description"] = e.element_description;
  j["element_frontal_image"] = e.element_frontal_image;
  json refer = json::array();
  for (const auto &url : e.element_refer_list)
    refer.push_back({{"image_url", url}});
  j["element_refer_list"] = std::move(refer);
  if (!e.tag_list.empty()) {
    json tags = json::array();
    for (const auto &id : e.tag_list)
      tags.push_back({{"tag_id", id}});
    j["tag_list"] = std::move(tags);
  }
  request_support::merge_extra(j, e.extra);
}

KLING_NAMESPACE_END

#endif // KLING_MODEL_NEW_ELEMENT_IPP
