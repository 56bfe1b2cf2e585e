// Typed requests, written two ways: C++17 (fill the members) and C++20
// (designated initializers). Each is checked against the gateway's rules
// offline and printed as the JSON that would be sent.
//
//   ./typed_requests        exit 0 when every request is valid
#include <kling/core.hpp>

#include <iostream>

namespace {

bool show(const char *title, const kling::json &body, const kling::rules::report &report) {
  std::cout << "== " << title << " (route " << kling::to_string(report.route) << ")\n"
            << kling::dump_json(body, 2) << '\n';
  for (const auto &v : report.violations)
    std::cout << "  violation " << v.rule << " " << v.field << ": " << v.message << '\n';
  for (const auto &w : report.warnings)
    std::cout << "  warning " << w.rule << " " << w.field << ": " << w.message << '\n';
  return report.valid();
}

template <class Request>
bool check(const char *title, const Request &request) {
  return show(title, kling::json(request), kling::rules::validate(request));
}

} // namespace

int main() {
  bool ok = true;

  // C++17: default-construct, then set what you need.
  kling::text_to_video t2v;
  t2v.prompt = "A cat playing in a sunny garden";
  t2v.mode = kling::mode::pro;
  t2v.aspect_ratio = kling::aspect_ratio::landscape_16_9;
  t2v.seconds = 5;
  t2v.camera_control = kling::camera_control::preset(kling::camera_type::forward_up);
  ok &= check("text to video, C++17", t2v);

  kling::omni_video edit;
  edit.prompt = "Give the girl in <<<video_1>>> the flowers of <<<image_1>>>";
  edit.reference_images = {"https://example.com/flowers.jpg"};
  edit.video_list = {{"https://example.com/girl.mp4", kling::refer_type::base, true}};
  edit.mode = kling::mode::pro;
  ok &= check("Omni-Video edit, C++17", edit);

#if __cplusplus >= 202002L
  // C++20: designated initializers, in the order the members are declared.
  const kling::image_to_video i2v{
      .image = "https://example.com/start.jpg",
      .image_tail = "https://example.com/end.jpg",
      .prompt = "The person stands up",
      .mode = kling::mode::pro,
      .seconds = 10,
  };
  ok &= check("image to video, C++20", i2v);

  const kling::motion_control dance{
      .image_url = "https://example.com/person.jpg",
      .video_url = "https://example.com/dance.mp4",
      .mode = kling::mode::std,
      .character_orientation = kling::character_orientation::video,
      .keep_original_sound = false,
  };
  ok &= check("motion control, C++20", dance);

  const kling::text_to_video zoom{
      .prompt = "A city at night, neon lights",
      .camera_control = kling::camera_control::simple({.zoom = 5}),
  };
  ok &= check("camera zoom, C++20", zoom);
#endif

  // A request that breaks rules: every violation is reported, nothing is sent.
  kling::text_to_video wrong;
  wrong.prompt = "A cat";
  wrong.seconds = 7;
  wrong.extra = {{"aspect_ratio", "4:3"}}; // extra fields are sent as they are, and checked
  const bool wrong_is_valid = check("a request with two faults", wrong);

  std::cout << (ok && !wrong_is_valid ? "all as expected\n" : "unexpected result\n");
  return ok && !wrong_is_valid ? 0 : 1;
}
