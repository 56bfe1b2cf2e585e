// validate: every rule of the gateway's contract, applied to the JSON that
// will be sent. One implementation serves raw JSON from users and the typed
// requests (which are serialized first), so both meet the same rules.
//
//   auto report = kling::rules::validate(kling::json::parse(text));
//   for (const auto &v : report.violations) std::cerr << v.rule << ' ' << v.field << ": " << v.message <<
//   '\n';
//
// Every violation is reported, not only the first.
//
// Thread safety: pure functions.
#ifndef KLING_RULES_VALIDATE_HPP
#define KLING_RULES_VALIDATE_HPP

#include "kling/rules/common.hpp"
#include "kling/rules/elements.hpp"
#include "kling/rules/image_to_video.hpp"
#include "kling/rules/motion_control.hpp"
#include "kling/rules/omni_video.hpp"
#include "kling/rules/text_to_video.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

// A POST /v1/videos body: routed as the gateway routes it, then checked.
KLING_LAZY report validate(const json &request);

// A body meant for a given route (a typed request): checked by that route's
// rules, with a violation when the gateway would route it elsewhere.
KLING_FUNCTION_OBJECT validate_as_function {
  report operator()(const json &request, kling::route expected) const;
};
inline constexpr KLING_FUNCTION_TYPE(validate_as) validate_as{};

// A POST /v1/elements/custom body (E-1).
KLING_FUNCTION_OBJECT validate_element_function { report operator()(const json &request) const; };
inline constexpr KLING_FUNCTION_TYPE(validate_element) validate_element{};

// A typed request (omni_video, text_to_video, image_to_video, motion_control,
// new_element) and its body, json(request), checked by its route's rules. A
// caller that sends the body passes the one it serialized, so a request is
// serialized once.
template <class Request, class = decltype(Request::route)>
report validate(const Request &request, const json &body) {
  report r = validate_as(body, Request::route);
  visit_extras(request, lazy_pointer(), [&r](const lazy_pointer &where, const json &extra) {
    if (extra.is_object() || extra.is_null()) return;
    r.violations.push_back(
        {"C-8", where.str(),
         std::string("extra must be a JSON object of fields to send, not ") + extra.type_name()});
  });
  return r;
}

// A typed request: serialized, then checked as above.
template <class Request, class = decltype(Request::route)>
report validate(const Request &request) {
  return validate(request, json(request));
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_VALIDATE_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_VALIDATE_IPP)
#define KLING_RULES_VALIDATE_IPP

#include <algorithm>

KLING_NAMESPACE_BEGIN

namespace rules {

namespace validate_detail {

KLING_LAZY report not_an_object(kling::route r, const json &request) {
  checker c(r);
  c.violation("C-9", "", std::string("a request must be a JSON object, not ") + request.type_name());
  return std::move(c).result();
}

// LOCAL-1: a local file (only media::local_image makes one: its marker holds
// a number drawn in this process) named anywhere but an image field is the
// program's mistake; refused here, so the client never reads a file and sends
// it where no image goes. The walk builds a field's pointer only for a string
// that names a local file.
KLING_LAZY void check_local_files(checker &c, const json &value, const lazy_pointer &at) {
  if (value.is_string()) {
    const std::string &text = value.get_ref<const std::string &>();
    const std::string &marker = media::local_image_marker();
    if (text.compare(0, marker.size(), marker) != 0) return;
    const std::string field = at.str();
    const auto &allowed = c.image_fields();
    if (std::find(allowed.begin(), allowed.end(), field) != allowed.end()) return;
    c.violation("LOCAL-1", field,
                "a local file (media::local_image) goes only in an image field; this one is not read");
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it)
      check_local_files(c, it.value(), lazy_pointer(&at, it.key()));
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      check_local_files(c, value[i], lazy_pointer(&at, i));
  }
}

KLING_LAZY void check_route(checker &c, const scope &s, kling::route r) {
  if (r == kling::route::element) return check_new_element(c, s);
  check_routing(c, s, r);
  const common_fields common = check_common(c, s);
  switch (r) {
  case kling::route::omni_video: check_omni_video(c, s, common); break;
  case kling::route::text_to_video: check_text_to_video(c, s, common); break;
  case kling::route::image_to_video: check_image_to_video(c, s, common); break;
  case kling::route::motion_control: check_motion_control(c, s); break;
  case kling::route::unknown:
  case kling::route::element: break;
  }
}

// The checks of route r, whatever route_of says; the caller reports a mismatch.
KLING_LAZY report checks_of(const json &request, kling::route r) {
  if (!request.is_object()) return not_an_object(r, request);
  checker c(r);
  const scope s{request, ""};
  check_route(c, s, r);
  check_local_files(c, request, lazy_pointer());
  return std::move(c).result();
}

} // namespace validate_detail

KLING_LAZY_DEF report validate(const json &request) {
  return validate_detail::checks_of(request, route_of(request));
}

KLING_LAZY_DEF report KLING_FUNCTION(validate_as)::operator()(const json &request,
                                                              kling::route expected) const {
  report r = validate_detail::checks_of(request, expected);
  if (expected == kling::route::element || !request.is_object()) return r;
  const kling::route actual = route_of(request);
  if (actual == expected || expected == kling::route::unknown) return r;
  // I-1 already says why an image_to_video request without images falls to text to video.
  if (expected == kling::route::image_to_video && actual == kling::route::text_to_video) return r;
  const char *rule = expected == kling::route::omni_video ? "ROUTE-2" : "ROUTE-3";
  r.violations.push_back({rule, "/model",
                          "meant for " + std::string(to_string(expected)) +
                              " but the gateway would route it to " + std::string(to_string(actual))});
  return r;
}

KLING_LAZY_DEF report KLING_FUNCTION(validate_element)::operator()(const json &request) const {
  return validate_detail::checks_of(request, kling::route::element);
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_VALIDATE_IPP
