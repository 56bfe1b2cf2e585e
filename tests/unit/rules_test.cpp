// The gateway's rules, one test case per rule ID (tagged with the ID), each
// with requests that pass and requests that break the rule; the seed
// document's request examples; typed requests that serialize to them.
#include <kling/testing.hpp>

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../support/catch.hpp"
#include "../support/media_builders.hpp"
#include "../support/text.hpp"

using kling::json;
using kling::rules::report;

namespace {

json fixture(const std::string &name) {
  auto parsed = kling::parse_json(kling_test::fixture_text("requests/" + name + ".json"));
  REQUIRE(parsed);
  return *parsed;
}

// "RULE field" of every violation, for compact assertions.
std::set<std::string> broken(const report &r) {
  std::set<std::string> out;
  for (const auto &v : r.violations)
    out.insert(v.rule + " " + v.field);
  return out;
}
std::set<std::string> warned(const report &r) {
  std::set<std::string> out;
  for (const auto &v : r.warnings)
    out.insert(v.rule + " " + v.field);
  return out;
}
bool breaks(const report &r, const std::string &rule) {
  for (const auto &v : r.violations) {
    if (v.rule == rule) return true;
  }
  return false;
}

// A request with one member replaced (or removed, for a null value).
json with(json request, const std::string &key, json value) {
  if (value.is_null())
    request.erase(key);
  else
    request[key] = std::move(value);
  return request;
}

json o1_text() { return fixture("o1_text_to_video"); }
json t2v() { return fixture("t2v_basic"); }
json i2v() { return fixture("i2v_basic"); }
json motion() { return fixture("motion_basic"); }

// Inline images: a header is all the rules read.
std::string png_base64(std::uint32_t w, std::uint32_t h) {
  return kling::base64::encode(kling_test::png_header(w, h));
}
std::string jpeg_bytes(std::uint32_t w, std::uint32_t h) {
  kling_test::jpeg_spec spec;
  spec.width = w;
  spec.height = h;
  return kling_test::jpeg_image(spec);
}
std::string jpeg_data_uri(std::uint32_t w, std::uint32_t h) {
  return "data:image/jpeg;base64," + kling::base64::encode(jpeg_bytes(w, h));
}
// An inline video: seconds long, w x h, at fps frames per second.
std::string mp4_data_uri(double seconds, std::uint32_t w, std::uint32_t h, std::uint32_t fps) {
  kling_test::mp4_spec spec;
  spec.movie_timescale = 1000;
  spec.movie_duration = static_cast<std::uint64_t>(seconds * 1000);
  spec.width = spec.entry_width = w;
  spec.height = spec.entry_height = h;
  const auto frames = static_cast<std::uint32_t>(seconds * fps);
  spec.media_timescale = fps * 1000;
  spec.media_duration = static_cast<std::uint64_t>(frames) * 1000;
  spec.samples = {{frames, 1000}};
  return "data:video/mp4;base64," + kling::base64::encode(kling_test::mp4_file(spec));
}
std::string cjk(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += "\xE7\x8C\xAB"; // 猫
  return out;
}

} // namespace

// ----- the seed document's examples ----------------------------------------

TEST_CASE("every request example of the gateway's document routes right and validates clean",
          "[rules][seed]") {
  const std::vector<std::pair<std::string, kling::route>> examples = {
      {"o1_text_to_video", kling::route::omni_video},
      {"o1_first_frame", kling::route::omni_video},
      {"o1_image_element_reference", kling::route::omni_video},
      {"o1_video_edit", kling::route::omni_video},
      {"o1_video_reference", kling::route::omni_video},
      {"o1_video_extension", kling::route::omni_video},
      {"t2v_basic", kling::route::text_to_video},
      {"t2v_sound", kling::route::text_to_video},
      {"t2v_camera_simple", kling::route::text_to_video},
      {"t2v_camera_preset", kling::route::text_to_video},
      {"i2v_basic", kling::route::image_to_video},
      {"i2v_first_last_frame", kling::route::image_to_video},
      {"i2v_sound_voice", kling::route::image_to_video},
      {"i2v_motion_brush", kling::route::image_to_video},
      {"i2v_camera", kling::route::image_to_video},
      {"motion_basic", kling::route::motion_control},
      {"motion_prompt", kling::route::motion_control},
      {"motion_image_orientation", kling::route::motion_control},
  };
  for (const auto &e : examples) {
    INFO(e.first);
    const json body = fixture(e.first);
    CHECK(kling::rules::route_of(body) == e.second);
    const report r = kling::rules::validate(body);
    CHECK(r.route == e.second);
    CHECK(r.violations.empty());
    CHECK(r.warnings.empty());
  }
  const report element = kling::rules::validate_element(fixture("element_create"));
  CHECK(element.route == kling::route::element);
  CHECK(element.violations.empty());
}

namespace {
// seconds travels as a string (C-5); the document writes it both ways.
json seconds_as_string(json j) { return kling::rules::normalized(std::move(j)); }
} // namespace

TEST_CASE("the typed requests build every example of the document", "[rules][seed][model]") {
  {
    kling::omni_video r;
    r.prompt = "一个宇航员在月球上行走,背景是地球";
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::landscape_16_9;
    r.seconds = 5;
    CHECK(json(r) == fixture("o1_text_to_video"));
  }
  {
    kling::omni_video r;
    r.prompt = "让花被风吹动";
    r.first_frame_url = "http://wanx.alicdn.com/material/20250318/stylization_all_1.jpeg";
    r.seconds = 5;
    CHECK(json(r) == seconds_as_string(fixture("o1_first_frame")));
  }
  {
    kling::omni_video r;
    r.prompt = "<<<image_1>>>在东京街头漫步,偶遇<<<element_1>>>和<<<element_2>>>";
    r.reference_images = {"https://p4-kling.klingai.com/bs2/upload-ylab-stunt/kling/element/"
                          "%E5%88%BA%E5%AE%A2-%E5%85%B6%E4%BB%96%E5%8F%82%E8%80%831.jpg?x-kcdn-pid=112452"};
    r.element_list = {{"146"}, {"145"}};
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::square_1_1;
    r.seconds = 5;
    CHECK(json(r) == fixture("o1_image_element_reference"));
  }
  {
    kling::omni_video r;
    r.prompt = "给<<<video_1>>>中的女孩,拿上<<<image_1>>>中的花";
    r.reference_images = {"http://wanx.alicdn.com/material/20250318/stylization_all_1.jpeg"};
    r.video_list = {
        {"https://cdn.wanx.aliyuncs.com/static/demo-wan26/vace.mp4", kling::refer_type::base, true}};
    r.mode = kling::mode::pro;
    CHECK(json(r) == fixture("o1_video_edit"));
  }
  {
    kling::omni_video r;
    r.prompt = "参考<<<video_1>>>的运镜方式,生成一段视频:<<<element_1>>>在东京街头漫步";
    r.element_list = {{"12345"}};
    r.video_list = {
        {"https://cdn.wanx.aliyuncs.com/static/demo-wan26/vace.mp4", kling::refer_type::feature, {}}};
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::square_1_1;
    r.seconds = 5;
    CHECK(json(r) == fixture("o1_video_reference"));
  }
  {
    kling::omni_video r;
    r.prompt = "基于<<<video_1>>>,生成下一个镜头";
    r.video_list = {
        {"https://cdn.wanx.aliyuncs.com/static/demo-wan26/vace.mp4", kling::refer_type::feature, true}};
    r.mode = kling::mode::pro;
    CHECK(json(r) == fixture("o1_video_extension"));
  }
  const auto t2v_request = [](const char *prompt) {
    kling::text_to_video r;
    r.prompt = prompt;
    r.mode = kling::mode::pro;
    r.aspect_ratio = kling::aspect_ratio::landscape_16_9;
    r.seconds = 5;
    return r;
  };
  CHECK(json(t2v_request("一只可爱的猫咪在花园里玩耍,阳光明媚")) == fixture("t2v_basic"));
  {
    auto r = t2v_request("海浪拍打沙滩,海鸥在天空飞翔");
    r.sound = true;
    CHECK(json(r) == fixture("t2v_sound"));
  }
  {
    auto r = t2v_request("城市夜景,霓虹灯闪烁");
    kling::camera_config zoom;
    zoom.zoom = 5;
    r.camera_control = kling::camera_control::simple(zoom);
    CHECK(json(r) == fixture("t2v_camera_simple"));
  }
  {
    auto r = t2v_request("森林中的小溪");
    r.mode = kling::mode::std;
    r.aspect_ratio = kling::aspect_ratio::square_1_1;
    r.camera_control = kling::camera_control::preset(kling::camera_type::forward_up);
    CHECK(json(r) == fixture("t2v_camera_preset"));
  }
  const auto i2v_request = [](const char *image, const char *prompt) {
    kling::image_to_video r;
    r.image = image;
    r.prompt = prompt;
    r.mode = kling::mode::pro;
    r.seconds = 5;
    return r;
  };
  CHECK(json(i2v_request("https://example.com/start.jpg", "画面中的人物开始跳舞")) == fixture("i2v_basic"));
  {
    auto r = i2v_request("https://example.com/start.jpg", "人物从站立变为坐下");
    r.image_tail = "https://example.com/end.jpg";
    CHECK(json(r) == fixture("i2v_first_last_frame"));
  }
  {
    auto r = i2v_request("https://example.com/person.jpg", "男人<<<voice_1>>>说:'你好,世界'");
    r.sound = true;
    r.voice_list = {{"voice_123"}};
    CHECK(json(r) == fixture("i2v_sound_voice"));
  }
  {
    auto r = i2v_request("https://example.com/scene.jpg", "画面中的物体开始移动");
    r.static_mask = "https://example.com/static_mask.png";
    r.dynamic_masks = {{"https://example.com/dynamic_mask.png", {{100, 200}, {300, 400}}}};
    CHECK(json(r) == fixture("i2v_motion_brush"));
  }
  {
    auto r = i2v_request("https://example.com/landscape.jpg", "美丽的风景");
    kling::camera_config zoom;
    zoom.zoom = 5;
    r.camera_control = kling::camera_control::simple(zoom);
    CHECK(json(r) == fixture("i2v_camera"));
  }
  const auto motion_request = [](const char *video, kling::mode m, kling::character_orientation o) {
    kling::motion_control r;
    r.image_url = "https://example.com/person.jpg";
    r.video_url = video;
    r.mode = m;
    r.character_orientation = o;
    return r;
  };
  CHECK(json(motion_request("https://example.com/dance.mp4", kling::mode::pro,
                            kling::character_orientation::video)) == fixture("motion_basic"));
  {
    auto r = motion_request("https://example.com/dance.mp4", kling::mode::pro,
                            kling::character_orientation::video);
    r.prompt = "在舞台上表演";
    r.keep_original_sound = true;
    CHECK(json(r) == fixture("motion_prompt"));
  }
  {
    auto r = motion_request("https://example.com/action.mp4", kling::mode::std,
                            kling::character_orientation::image);
    r.keep_original_sound = false;
    CHECK(json(r) == fixture("motion_image_orientation"));
  }
  {
    kling::new_element e;
    e.element_name = "测试主体";
    e.element_description = "这是一个测试主体描述";
    e.element_frontal_image = "https://example.com/image.jpg";
    e.element_refer_list = {"https://example.com/image1.jpg", "https://example.com/image2.jpg"};
    e.tag_list = {"o_102"};
    CHECK(json(e) == fixture("element_create"));
    CHECK(kling::rules::validate(e).valid());
  }
}

// ----- routing ----------------------------------------------------------------

TEST_CASE("ROUTE-1: model is required and compared case-insensitively", "[rules][ROUTE-1]") {
  CHECK(kling::rules::route_of(with(o1_text(), "model", "kling-video-o1")) == kling::route::omni_video);
  CHECK(kling::rules::route_of(with(t2v(), "model", "KLING-v2.6")) == kling::route::text_to_video);
  CHECK(kling::rules::validate(with(t2v(), "model", "kling-v2.6")).valid());

  const report missing = kling::rules::validate(with(t2v(), "model", nullptr));
  CHECK(missing.route == kling::route::unknown);
  CHECK(broken(missing) == std::set<std::string>{"ROUTE-1 /model"});
}

TEST_CASE("ROUTE-2: Kling-Video-O1 is omni_video whatever else is present", "[rules][ROUTE-2]") {
  json mixed = o1_text();
  mixed["action_control"] = true;
  mixed["image"] = "https://example.com/a.jpg";
  CHECK(kling::rules::route_of(mixed) == kling::route::omni_video);
  // A typed omni_video whose model was changed is no longer one.
  kling::omni_video typed;
  typed.prompt = "x";
  typed.aspect_ratio = kling::aspect_ratio::square_1_1;
  CHECK(kling::rules::validate(typed).valid());
  typed.model = "Kling-V2.6";
  CHECK(breaks(kling::rules::validate(typed), "ROUTE-2"));
}

TEST_CASE("ROUTE-3: Kling-V2.6 routes by action_control, then image or image_tail", "[rules][ROUTE-3]") {
  CHECK(kling::rules::route_of(t2v()) == kling::route::text_to_video);
  CHECK(kling::rules::route_of(with(t2v(), "image", "https://example.com/a.jpg")) ==
        kling::route::image_to_video);
  CHECK(kling::rules::route_of(with(t2v(), "image_tail", "https://example.com/a.jpg")) ==
        kling::route::image_to_video);
  CHECK(kling::rules::route_of(with(t2v(), "image", "")) == kling::route::text_to_video);
  CHECK(kling::rules::route_of(with(i2v(), "action_control", true)) == kling::route::motion_control);
  CHECK(kling::rules::route_of(with(i2v(), "action_control", false)) == kling::route::image_to_video);
  CHECK(kling::rules::route_of(motion()) == kling::route::motion_control);

  // "true" as a string is not JSON true: not motion control, and the user is told.
  const report stringly = kling::rules::validate(with(motion(), "action_control", "true"));
  CHECK(stringly.route == kling::route::text_to_video);
  CHECK(warned(stringly).count("ROUTE-3 /action_control") == 1);
  CHECK(warned(kling::rules::validate(motion())).empty());

  // A typed text_to_video that gains an image through extra would be routed elsewhere.
  kling::text_to_video typed;
  typed.prompt = "x";
  CHECK(kling::rules::validate(typed).valid());
  typed.extra["image"] = "https://example.com/a.jpg";
  CHECK(breaks(kling::rules::validate(typed), "ROUTE-3"));
}

TEST_CASE("ROUTE-4: another model is sent as it is, with a warning", "[rules][ROUTE-4]") {
  const report other = kling::rules::validate(json{{"model", "Kling-V3"}, {"anything", {1, 2}}});
  CHECK(other.route == kling::route::unknown);
  CHECK(other.valid());
  CHECK(warned(other) == std::set<std::string>{"ROUTE-4 /model"});
  CHECK(warned(kling::rules::validate(t2v())).empty());
}

// ----- common rules -------------------------------------------------------------

TEST_CASE("C-1: prompt up to 2500 characters, counted as code points", "[rules][C-1]") {
  CHECK(kling::rules::validate(with(t2v(), "prompt", cjk(2500))).valid()); // 7500 bytes
  CHECK(kling::rules::validate(with(t2v(), "prompt", std::string(2500, 'a'))).valid());
  const report too_long = kling::rules::validate(with(t2v(), "prompt", cjk(2501)));
  CHECK(broken(too_long) == std::set<std::string>{"C-1 /prompt"});
  CHECK(too_long.violations[0].message == "prompt has 2501 characters; at most 2500 are allowed");
  CHECK(broken(kling::rules::validate(with(motion(), "prompt", std::string(2501, 'a')))) ==
        std::set<std::string>{"C-1 /prompt"});
}

TEST_CASE("C-2: negative_prompt up to 2500 characters", "[rules][C-2]") {
  CHECK(kling::rules::validate(with(t2v(), "negative_prompt", cjk(2500))).valid());
  CHECK(broken(kling::rules::validate(with(i2v(), "negative_prompt", cjk(2501)))) ==
        std::set<std::string>{"C-2 /negative_prompt"});
}

TEST_CASE("C-3: mode is std or pro", "[rules][C-3]") {
  CHECK(kling::rules::validate(with(t2v(), "mode", "std")).valid());
  CHECK(kling::rules::validate(with(o1_text(), "mode", "pro")).valid());
  const report fast = kling::rules::validate(with(t2v(), "mode", "fast"));
  CHECK(broken(fast) == std::set<std::string>{"C-3 /mode"});
  CHECK(fast.violations[0].message == "mode must be one of std, pro, not \"fast\"");
  CHECK(breaks(kling::rules::validate(with(t2v(), "mode", "PRO")), "C-3"));
}

TEST_CASE("C-4: aspect_ratio is 16:9, 9:16 or 1:1", "[rules][C-4]") {
  for (const char *ok : {"16:9", "9:16", "1:1"})
    CHECK(kling::rules::validate(with(t2v(), "aspect_ratio", ok)).valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "aspect_ratio", "4:3"))) ==
        std::set<std::string>{"C-4 /aspect_ratio"});
}

TEST_CASE("C-5: seconds as a string or an integer, sent as a string", "[rules][C-5]") {
  CHECK(kling::rules::validate(with(t2v(), "seconds", "10")).valid());
  CHECK(kling::rules::validate(with(t2v(), "seconds", 10)).valid());
  for (const json &bad : {json("five"), json(""), json(5.5), json(-5), json("5s")}) {
    CHECK(broken(kling::rules::validate(with(t2v(), "seconds", bad))) ==
          std::set<std::string>{"C-5 /seconds"});
  }
  CHECK(kling::rules::normalized(with(t2v(), "seconds", 10))["seconds"] == "10");
  CHECK(kling::rules::normalized(with(t2v(), "seconds", "5"))["seconds"] == "5");
}

TEST_CASE("C-6: callback_url is an absolute http(s) URL", "[rules][C-6]") {
  CHECK(kling::rules::validate(with(t2v(), "callback_url", "https://example.com/hook?x=1")).valid());
  CHECK(kling::rules::validate(with(t2v(), "callback_url", "http://10.0.0.1:8080/cb")).valid());
  for (const char *bad : {"example.com/hook", "ftp://example.com/hook", "/hook", "https://"}) {
    CHECK(broken(kling::rules::validate(with(t2v(), "callback_url", bad))) ==
          std::set<std::string>{"C-6 /callback_url"});
  }
}

TEST_CASE("C-7: external_task_id is a non-empty string", "[rules][C-7]") {
  CHECK(kling::rules::validate(with(t2v(), "external_task_id", "order-42")).valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "external_task_id", ""))) ==
        std::set<std::string>{"C-7 /external_task_id"});
  CHECK(breaks(kling::rules::validate(with(t2v(), "external_task_id", 42)), "C-9"));
}

TEST_CASE("C-8: unknown fields pass through untouched", "[rules][C-8]") {
  json body = with(t2v(), "future_option", {{"nested", {1, 2, 3}}});
  const report r = kling::rules::validate(body);
  CHECK(r.valid());
  CHECK(r.warnings.empty());
  CHECK(kling::rules::normalized(body)["future_option"] == json{{"nested", {1, 2, 3}}});

  kling::text_to_video typed;
  typed.prompt = "a cat";
  typed.extra = {{"future_option", true}, {"watermark", "off"}};
  const json sent = typed;
  CHECK(sent["future_option"] == true);
  CHECK(sent["watermark"] == "off");
  CHECK(kling::rules::validate(typed).valid());

  typed.extra = json::array({1});
  CHECK(broken(kling::rules::validate(typed)) == std::set<std::string>{"C-8 /extra"});
}

TEST_CASE("C-8: the objects inside a typed request carry an extra, joined like the request's own",
          "[rules][C-8]") {
  kling::image_to_video i2v_typed;
  i2v_typed.image = "https://example.com/start.jpg";
  i2v_typed.prompt = "<<<voice_1>>> says hello";
  i2v_typed.sound = true; // voices need sound (I-4)
  i2v_typed.voice_list = {kling::voice{"voice-1"}};
  i2v_typed.voice_list[0].extra = {{"volume", 0.5}};
  const report plain = kling::rules::validate(i2v_typed);

  kling::dynamic_mask brush{"https://example.com/mask.png", {{10, 20}, {30, 40}}};
  brush.extra = {{"strength", 2}};
  brush.trajectories[1].extra = {{"t", 0.5}};
  kling::image_to_video brushed = i2v_typed;
  brushed.voice_list.clear();
  brushed.prompt = "The person starts to dance";
  brushed.dynamic_masks = {brush};

  kling::text_to_video camera;
  camera.prompt = "a slow zoom";
  camera.camera_control = kling::camera_control::simple(kling::camera_config{0, 0, 0, 0, 0, 5});
  camera.camera_control->extra = {{"easing", "linear"}};
  camera.camera_control->config->extra = {{"speed", 1}};

  kling::omni_video omni;
  omni.prompt = "<<<image_1>>> meets <<<element_1>>> in <<<video_1>>>";
  omni.image_list = {kling::omni_image{"https://example.com/hero.jpg", std::nullopt}};
  omni.image_list[0].extra = {{"weight", 0.8}};
  omni.element_list = {kling::omni_element{"842130978230767622"}};
  omni.element_list[0].extra = {{"pose", "front"}};
  omni.video_list = {
      kling::omni_video_reference{"https://example.com/ref.mp4", kling::refer_type::feature, true}};
  omni.video_list[0].extra = {{"start_ms", 0}};

  SECTION("nested fields are sent inside their object, untouched") {
    const json i2v_sent = i2v_typed;
    CHECK(i2v_sent["voice_list"][0] == json{{"voice_id", "voice-1"}, {"volume", 0.5}});
    const json brushed_sent = brushed;
    CHECK(brushed_sent["dynamic_masks"][0]["strength"] == 2);
    CHECK(brushed_sent["dynamic_masks"][0]["trajectories"][1] == json{{"x", 30}, {"y", 40}, {"t", 0.5}});
    CHECK_FALSE(brushed_sent["dynamic_masks"][0]["trajectories"][0].contains("t"));
    const json camera_sent = camera;
    CHECK(camera_sent["camera_control"]["easing"] == "linear");
    CHECK(camera_sent["camera_control"]["config"]["speed"] == 1);
    CHECK(camera_sent["camera_control"]["config"]["zoom"] == 5);
    const json omni_sent = omni;
    CHECK(omni_sent["image_list"][0]["weight"] == 0.8);
    CHECK(omni_sent["element_list"][0] == json{{"element_id", "842130978230767622"}, {"pose", "front"}});
    CHECK(omni_sent["video_list"][0]["start_ms"] == 0);
    CHECK(omni_sent["video_list"][0]["keep_original_sound"] == "yes");
  }

  SECTION("a field that is also a typed member replaces it, at every level") {
    kling::image_to_video clash = i2v_typed;
    clash.extra = {{"prompt", "<<<voice_1>>> from extra"}};
    clash.voice_list[0].extra = {{"voice_id", "voice-from-extra"}};
    const json sent = clash;
    CHECK(sent["prompt"] == "<<<voice_1>>> from extra");
    CHECK(sent["voice_list"][0]["voice_id"] == "voice-from-extra");
    CHECK(sent["voice_list"][0].size() == 1);
  }

  SECTION("unknown nested fields pass validation as unknown top-level fields do") {
    kling::image_to_video bare = i2v_typed;
    bare.voice_list[0].extra = json::object();
    CHECK(broken(plain) == broken(kling::rules::validate(bare)));
    CHECK(plain.valid());
    CHECK(kling::rules::validate(camera).valid());
    kling::text_to_video bare_camera = camera;
    bare_camera.camera_control->extra = json::object();
    bare_camera.camera_control->config->extra = json::object();
    CHECK(broken(kling::rules::validate(camera)) == broken(kling::rules::validate(bare_camera)));
    kling::omni_video bare_omni = omni;
    for (auto &i : bare_omni.image_list)
      i.extra = json::object();
    for (auto &e : bare_omni.element_list)
      e.extra = json::object();
    for (auto &v : bare_omni.video_list)
      v.extra = json::object();
    CHECK(broken(kling::rules::validate(omni)) == broken(kling::rules::validate(bare_omni)));
  }

  SECTION("an extra that is not an object is named where it is, at every level") {
    // The violations of `with` that `without` does not have.
    const auto added = [](std::set<std::string> with, const std::set<std::string> &without) {
      for (const auto &v : without)
        with.erase(v);
      return with;
    };
    kling::image_to_video bad = i2v_typed;
    bad.voice_list[0].extra = "loud";
    CHECK(broken(kling::rules::validate(bad)) == std::set<std::string>{"C-8 /voice_list/0/extra"});
    bad.extra = 7;
    CHECK(broken(kling::rules::validate(bad)) ==
          std::set<std::string>{"C-8 /extra", "C-8 /voice_list/0/extra"});

    kling::image_to_video bad_brush = brushed;
    bad_brush.dynamic_masks[0].trajectories[1].extra = json::array({1});
    CHECK(added(broken(kling::rules::validate(bad_brush)), broken(kling::rules::validate(brushed))) ==
          std::set<std::string>{"C-8 /dynamic_masks/0/trajectories/1/extra"});

    kling::text_to_video bad_camera = camera;
    bad_camera.camera_control->config->extra = true;
    CHECK(broken(kling::rules::validate(bad_camera)) ==
          std::set<std::string>{"C-8 /camera_control/config/extra"});

    kling::omni_video bad_omni = omni;
    bad_omni.video_list[0].extra = 3;
    bad_omni.element_list[0].extra = json(nullptr); // null: nothing to add, as at the top
    CHECK(added(broken(kling::rules::validate(bad_omni)), broken(kling::rules::validate(omni))) ==
          std::set<std::string>{"C-8 /video_list/0/extra"});
  }
}

TEST_CASE("C-9: a field of the wrong JSON type is a violation, never a crash", "[rules][C-9]") {
  CHECK(broken(kling::rules::validate(with(t2v(), "prompt", 42))) == std::set<std::string>{"C-9 /prompt"});
  // C-1 and T-1 both read the prompt: its wrong type is reported once, not once per rule.
  CHECK(kling::rules::validate(with(t2v(), "prompt", 42)).violations.size() == 1);
  CHECK(kling::rules::validate(with(o1_text(), "prompt", 42)).violations.size() == 1);
  CHECK(broken(kling::rules::validate(with(o1_text(), "video_list", json::object()))) ==
        std::set<std::string>{"C-9 /video_list"});
  CHECK(broken(kling::rules::validate(json::array({1, 2}))) == std::set<std::string>{"C-9 "});
  CHECK(kling::rules::validate(t2v()).valid());

  // Every member of every example replaced by every JSON type: never a crash,
  // and a wrong type is always named.
  const std::vector<json> values = {nullptr,
                                    true,
                                    7,
                                    -1,
                                    2.5,
                                    "",
                                    "x",
                                    json::array(),
                                    json::array({1, "a", nullptr}),
                                    json::object(),
                                    json{{"k", "v"}}};
  for (const char *name :
       {"o1_text_to_video", "o1_image_element_reference", "o1_video_edit", "t2v_camera_simple",
        "i2v_motion_brush", "i2v_sound_voice", "motion_prompt", "element_create"}) {
    const json example = fixture(name);
    for (auto it = example.begin(); it != example.end(); ++it) {
      for (const json &v : values) {
        json mutated = example;
        mutated[it.key()] = v;
        const report r = std::string(name) == "element_create" ? kling::rules::validate_element(mutated)
                                                               : kling::rules::validate(mutated);
        for (const auto &violation : r.violations) {
          CHECK_FALSE(violation.rule.empty());
          CHECK_FALSE(violation.message.empty());
        }
      }
    }
  }
}

// ----- Omni-Video ----------------------------------------------------------------

TEST_CASE("O1-1: prompt is required", "[rules][O1-1]") {
  CHECK(kling::rules::validate(o1_text()).valid());
  CHECK(broken(kling::rules::validate(with(o1_text(), "prompt", nullptr))) ==
        std::set<std::string>{"O1-1 /prompt"});
  CHECK(broken(kling::rules::validate(with(o1_text(), "prompt", ""))) ==
        std::set<std::string>{"O1-1 /prompt"});
}

TEST_CASE("O1-2: a last frame requires a first frame", "[rules][O1-2]") {
  json both = with(with(with(o1_text(), "aspect_ratio", nullptr), "first_frame_url", "https://e.com/1.jpg"),
                   "last_frame_url", "https://e.com/2.jpg");
  CHECK(kling::rules::validate(both).valid());
  json last_only = with(with(o1_text(), "last_frame_url", "https://e.com/2.jpg"), "aspect_ratio", "16:9");
  CHECK(broken(kling::rules::validate(last_only)) == std::set<std::string>{"O1-2 /last_frame_url"});
  // The native form too.
  json native = o1_text();
  native["image_list"] = {{{"image_url", "https://e.com/2.jpg"}, {"type", "end_frame"}}};
  CHECK(broken(kling::rules::validate(native)) == std::set<std::string>{"O1-2 /image_list/0/image_url"});
}

TEST_CASE("O1-3: with more than 2 images, no last frame", "[rules][O1-3]") {
  json base = with(o1_text(), "aspect_ratio", nullptr);
  base["first_frame_url"] = "https://e.com/1.jpg";
  base["last_frame_url"] = "https://e.com/2.jpg";
  CHECK(kling::rules::validate(base).valid());
  json three = with(base, "reference_images", {"https://e.com/3.jpg"});
  CHECK(broken(kling::rules::validate(three)) == std::set<std::string>{"O1-3 /last_frame_url"});
  CHECK(kling::rules::validate(with(three, "last_frame_url", nullptr)).valid());
}

TEST_CASE("O1-4: reference images + elements at most 4 with a video, 7 without", "[rules][O1-4]") {
  json seven = o1_text();
  seven["reference_images"] = {"https://e.com/1.jpg", "https://e.com/2.jpg", "https://e.com/3.jpg"};
  seven["element_list"] = {
      {{"element_id", "1"}}, {{"element_id", "2"}}, {{"element_id", "3"}}, {{"element_id", 4}}};
  CHECK(kling::rules::validate(seven).valid());
  json eight = seven;
  eight["element_list"].push_back({{"element_id", "5"}});
  CHECK(broken(kling::rules::validate(eight)) == std::set<std::string>{"O1-4 /element_list"});

  json with_video = fixture("o1_video_reference"); // 1 element + 1 video
  with_video["reference_images"] = {"https://e.com/1.jpg", "https://e.com/2.jpg", "https://e.com/3.jpg"};
  CHECK(kling::rules::validate(with_video).valid()); // 3 + 1 = 4
  with_video["reference_images"].push_back("https://e.com/4.jpg");
  CHECK(broken(kling::rules::validate(with_video)) == std::set<std::string>{"O1-4 /element_list"});
}

TEST_CASE("O1-5: at most 1 video", "[rules][O1-5]") {
  json one = fixture("o1_video_extension");
  CHECK(kling::rules::validate(one).valid());
  json two = one;
  two["video_list"].push_back(one["video_list"][0]);
  CHECK(broken(kling::rules::validate(two)) == std::set<std::string>{"O1-5 /video_list"});
}

TEST_CASE("O1-6: video and element entries", "[rules][O1-6]") {
  json v = fixture("o1_video_extension");
  CHECK(kling::rules::validate(v).valid());
  v["video_list"][0]["refer_type"] = "style";
  v["video_list"][0]["keep_original_sound"] = "maybe";
  CHECK(broken(kling::rules::validate(v)) ==
        std::set<std::string>{"O1-6 /video_list/0/refer_type", "O1-6 /video_list/0/keep_original_sound"});
  json no_url = fixture("o1_video_extension");
  no_url["video_list"][0].erase("video_url");
  CHECK(broken(kling::rules::validate(no_url)) == std::set<std::string>{"O1-6 /video_list/0/video_url"});
  json bad_url = fixture("o1_video_extension");
  bad_url["video_list"][0]["video_url"] = "vace.mp4";
  CHECK(broken(kling::rules::validate(bad_url)) == std::set<std::string>{"O1-6 /video_list/0/video_url"});

  json e = fixture("o1_image_element_reference");
  e["element_list"][0] = {{"element_id", 842130978230767622ULL}}; // an integer id is fine
  CHECK(kling::rules::validate(e).valid());
  e["element_list"][1] = {{"name", "no id"}};
  CHECK(broken(kling::rules::validate(e)) == std::set<std::string>{"O1-6 /element_list/1/element_id"});
}

TEST_CASE("O1-7: a video edit has no first or last frame", "[rules][O1-7]") {
  json edit = fixture("o1_video_edit");
  CHECK(kling::rules::validate(edit).valid());
  edit["first_frame_url"] = "https://e.com/1.jpg";
  CHECK(broken(kling::rules::validate(edit)) == std::set<std::string>{"O1-7 /first_frame_url"});
  // A feature reference may have a first frame.
  json feature = with(fixture("o1_video_extension"), "first_frame_url", "https://e.com/1.jpg");
  CHECK(kling::rules::validate(feature).valid());
}

TEST_CASE("O1-8: seconds 3..10; 5 or 10 for text only and a first frame alone; ignored by a video edit",
          "[rules][O1-8]") {
  CHECK(kling::rules::validate(with(o1_text(), "seconds", "10")).valid());
  CHECK(broken(kling::rules::validate(with(o1_text(), "seconds", "7"))) ==
        std::set<std::string>{"O1-8 /seconds"});
  CHECK(broken(kling::rules::validate(with(fixture("o1_first_frame"), "seconds", 3))) ==
        std::set<std::string>{"O1-8 /seconds"});
  // References allow 3..10.
  CHECK(kling::rules::validate(with(fixture("o1_image_element_reference"), "seconds", "7")).valid());
  CHECK(broken(kling::rules::validate(with(fixture("o1_image_element_reference"), "seconds", "11"))) ==
        std::set<std::string>{"O1-8 /seconds"});
  CHECK(broken(kling::rules::validate(with(fixture("o1_video_reference"), "seconds", "2"))) ==
        std::set<std::string>{"O1-8 /seconds"});
  // A video edit follows its input video.
  const report edit = kling::rules::validate(with(fixture("o1_video_edit"), "seconds", "5"));
  CHECK(edit.valid());
  CHECK(warned(edit) == std::set<std::string>{"O1-8 /seconds"});
}

TEST_CASE("O1-9: aspect_ratio not with a first frame or video edit; required without first frame and video",
          "[rules][O1-9]") {
  CHECK(broken(kling::rules::validate(with(o1_text(), "aspect_ratio", nullptr))) ==
        std::set<std::string>{"O1-9 /aspect_ratio"});
  CHECK(broken(kling::rules::validate(with(fixture("o1_first_frame"), "aspect_ratio", "16:9"))) ==
        std::set<std::string>{"O1-9 /aspect_ratio"});
  CHECK(broken(kling::rules::validate(with(fixture("o1_video_edit"), "aspect_ratio", "16:9"))) ==
        std::set<std::string>{"O1-9 /aspect_ratio"});
  // A feature video: optional either way.
  CHECK(kling::rules::validate(fixture("o1_video_reference")).valid());
  CHECK(kling::rules::validate(fixture("o1_video_extension")).valid());
}

TEST_CASE("O1-10: prompt references point inside their lists", "[rules][O1-10]") {
  json refs = fixture("o1_image_element_reference"); // 1 image, 2 elements
  CHECK(kling::rules::validate(refs).valid());
  refs["prompt"] = "<<<image_2>>> and <<<element_3>>> and <<<element_0>>> and <<<video_1>>>";
  const report r = kling::rules::validate(refs);
  REQUIRE(r.violations.size() == 4);
  for (const auto &v : r.violations)
    CHECK(v.rule == "O1-10");
  CHECK(r.violations[0].message ==
        "<<<image_2>>> points outside the images given (1); references count from 1");
  // Images count over all images: first frame included.
  json framed = with(fixture("o1_first_frame"), "reference_images", {"https://e.com/r.jpg"});
  framed["prompt"] = "<<<image_2>>> follows <<<image_1>>>";
  CHECK(kling::rules::validate(framed).valid());
  // Text that merely looks like a reference is not one.
  CHECK(kling::rules::validate(with(o1_text(), "prompt", "<<<not_a_ref>>> <<<image_x>>>")).valid());
}

TEST_CASE("O1-11: the native image_list wins over flat fields", "[rules][O1-11]") {
  json native = o1_text();
  native.erase("aspect_ratio");
  native["image_list"] = {{{"image_url", "https://e.com/1.jpg"}, {"type", "first_frame"}}};
  CHECK(kling::rules::validate(native).valid());
  CHECK(kling::rules::validate(native).warnings.empty());
  native["first_frame_url"] = "https://e.com/flat.jpg";
  native["reference_images"] = {"https://e.com/r.jpg"};
  const report r = kling::rules::validate(native);
  CHECK(r.valid());
  CHECK(warned(r) == std::set<std::string>{"O1-11 /first_frame_url", "O1-11 /reference_images"});
  // image_list of plain strings is the flat alias of reference_images: no warning.
  json alias = with(o1_text(), "image_list", {"https://e.com/1.jpg"});
  CHECK(kling::rules::validate(alias).warnings.empty());
  CHECK(kling::rules::validate(alias).valid());
}

TEST_CASE("O1-12: images are URLs, data URIs or Base64 of JPEG/PNG within limits", "[rules][O1-12]") {
  const auto refs = [](json images) { return with(o1_text(), "reference_images", std::move(images)); };
  CHECK(kling::rules::validate(refs({"https://e.com/a.png", png_base64(300, 300), jpeg_data_uri(750, 300),
                                     "data:image/png;base64," + png_base64(1000, 400)}))
            .valid());
  const report bad = kling::rules::validate(refs({
      "not an image",                        // 0: none of the three forms
      "ftp://e.com/a.png",                   // 1: not http(s)
      png_base64(299, 600),                  // 2: a side under 300 px
      png_base64(1000, 399),                 // 3: wider than 2.5:1
      kling::base64::encode("GIF89a......"), // 4: not JPEG or PNG
      "data:text/plain;base64,QQ==",         // 5: not an image type
  }));
  CHECK(broken(bad) == std::set<std::string>{"O1-12 /reference_images/0", "O1-12 /reference_images/1",
                                             "O1-12 /reference_images/2", "O1-12 /reference_images/3",
                                             "O1-12 /reference_images/4", "O1-12 /reference_images/5"});
  // Over 10 MB, judged from the Base64 length without decoding.
  std::string big((10 * 1024 * 1024 / 3 + 10) * 4, 'A');
  CHECK(broken(kling::rules::validate(refs({big}))) == std::set<std::string>{"O1-12 /reference_images/0"});
  // A data URI whose type disagrees with the bytes is sent, with a warning.
  const report mislabeled =
      kling::rules::validate(refs({"data:image/png;base64," + kling::base64::encode(jpeg_bytes(400, 400))}));
  CHECK(mislabeled.valid());
  CHECK(warned(mislabeled) == std::set<std::string>{"O1-12 /reference_images/0"});
}

TEST_CASE("O1-13: reference videos: MP4/MOV, 3-10 s, 720-2160 px, 24-60 fps, <= 200 MB", "[rules][O1-13]") {
  kling::media::video_info ok{kling::media::video_container::mp4, 5.0, 1280, 720, 30.0, 50u * 1024 * 1024};
  CHECK(kling::rules::check_omni_video(ok).empty());
  auto bad = ok;
  bad.duration_seconds = 12;
  bad.width = 640;
  bad.frame_rate = 15;
  bad.size_bytes = 300u * 1024 * 1024;
  const auto problems = kling::rules::check_omni_video(bad);
  REQUIRE(problems.size() == 4);
  for (const auto &v : problems)
    CHECK(v.rule == "O1-13");

  // An inline video in the request is probed from its boxes.
  json body = fixture("o1_video_extension");
  body["video_list"][0]["video_url"] = mp4_data_uri(5.0, 1280, 720, 30);
  CHECK(kling::rules::validate(body).valid());
  body["video_list"][0]["video_url"] = mp4_data_uri(2.0, 1280, 720, 30);
  CHECK(broken(kling::rules::validate(body)) == std::set<std::string>{"O1-13 /video_list/0/video_url"});
}

// ----- text to video and camera ---------------------------------------------------

TEST_CASE("T-1: prompt is required", "[rules][T-1]") {
  CHECK(kling::rules::validate(t2v()).valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "prompt", nullptr))) ==
        std::set<std::string>{"T-1 /prompt"});
  kling::text_to_video typed;
  CHECK(broken(kling::rules::validate(typed)) == std::set<std::string>{"T-1 /prompt"});
}

TEST_CASE("T-2: sound is on or off", "[rules][T-2]") {
  CHECK(kling::rules::validate(fixture("t2v_sound")).valid());
  CHECK(kling::rules::validate(with(t2v(), "sound", "off")).valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "sound", "loud"))) == std::set<std::string>{"T-2 /sound"});
  CHECK(breaks(kling::rules::validate(with(t2v(), "sound", true)), "C-9"));
}

TEST_CASE("T-3: seconds is 5 or 10", "[rules][T-3]") {
  CHECK(kling::rules::validate(with(t2v(), "seconds", "10")).valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "seconds", "7"))) == std::set<std::string>{"T-3 /seconds"});
}

TEST_CASE("CAM-1: camera_control.type is one of five", "[rules][CAM-1]") {
  for (const char *t : {"down_back", "forward_up", "right_turn_forward", "left_turn_forward"}) {
    CHECK(kling::rules::validate(with(t2v(), "camera_control", {{"type", t}})).valid());
  }
  CHECK(broken(kling::rules::validate(with(t2v(), "camera_control", {{"type", "orbit"}}))) ==
        std::set<std::string>{"CAM-1 /camera_control/type"});
}

TEST_CASE("CAM-2: simple needs config with exactly one non-zero axis in [-10, 10]", "[rules][CAM-2]") {
  CHECK(kling::rules::validate(fixture("t2v_camera_simple")).valid());
  CHECK(
      kling::rules::validate(with(t2v(), "camera_control", {{"type", "simple"}, {"config", {{"pan", -10}}}}))
          .valid());
  CHECK(broken(kling::rules::validate(with(t2v(), "camera_control", {{"type", "simple"}}))) ==
        std::set<std::string>{"CAM-2 /camera_control/config"});
  CHECK(broken(kling::rules::validate(
            with(t2v(), "camera_control", {{"type", "simple"}, {"config", {{"pan", 1}, {"zoom", 2}}}}))) ==
        std::set<std::string>{"CAM-2 /camera_control/config/"});
  CHECK(broken(kling::rules::validate(
            with(t2v(), "camera_control", {{"type", "simple"}, {"config", {{"zoom", 0}}}}))) ==
        std::set<std::string>{"CAM-2 /camera_control/config/"});
  CHECK(broken(kling::rules::validate(
            with(t2v(), "camera_control", {{"type", "simple"}, {"config", {{"roll", 10.5}}}}))) ==
        std::set<std::string>{"CAM-2 /camera_control/config/roll"});
  CHECK(warned(kling::rules::validate(with(t2v(), "camera_control", {{"config", {{"pan", 1}}}}))) ==
        std::set<std::string>{"CAM-2 /camera_control/config"});
}

TEST_CASE("CAM-3: other types take no config", "[rules][CAM-3]") {
  CHECK(kling::rules::validate(fixture("t2v_camera_preset")).valid());
  CHECK(broken(kling::rules::validate(
            with(t2v(), "camera_control", {{"type", "down_back"}, {"config", {{"zoom", 5}}}}))) ==
        std::set<std::string>{"CAM-3 /camera_control/config"});
  CHECK(broken(kling::rules::validate(
            with(i2v(), "camera_control", {{"type", "forward_up"}, {"config", {{"zoom", 5}}}}))) ==
        std::set<std::string>{"CAM-3 /camera_control/config"});
}

// ----- image to video ----------------------------------------------------------------

TEST_CASE("I-1: image or image_tail, at least one", "[rules][I-1]") {
  CHECK(kling::rules::validate(i2v()).valid());
  json tail_only = with(with(i2v(), "image", nullptr), "image_tail", "https://e.com/end.jpg");
  CHECK(kling::rules::route_of(tail_only) == kling::route::image_to_video);
  CHECK(kling::rules::validate(tail_only).valid()); // unlike O1, a tail alone is allowed
  kling::image_to_video typed;
  typed.prompt = "dance";
  CHECK(broken(kling::rules::validate(typed)) == std::set<std::string>{"I-1 /image"});
  typed.image = "https://e.com/a.jpg";
  CHECK(kling::rules::validate(typed).valid());
}

TEST_CASE("I-2: at most one of image_tail, motion brush, camera_control", "[rules][I-2]") {
  CHECK(kling::rules::validate(fixture("i2v_first_last_frame")).valid());
  CHECK(kling::rules::validate(fixture("i2v_motion_brush")).valid());
  CHECK(kling::rules::validate(fixture("i2v_camera")).valid());
  json tail_and_camera = with(fixture("i2v_first_last_frame"), "camera_control", {{"type", "forward_up"}});
  CHECK(broken(kling::rules::validate(tail_and_camera)) == std::set<std::string>{"I-2 /camera_control"});
  json brush_and_tail = with(fixture("i2v_motion_brush"), "image_tail", "https://e.com/end.jpg");
  CHECK(broken(kling::rules::validate(brush_and_tail)) == std::set<std::string>{"I-2 /static_mask"});
}

TEST_CASE("I-3: sound on|off, seconds 5 or 10, prompt optional", "[rules][I-3]") {
  CHECK(kling::rules::validate(with(i2v(), "prompt", nullptr)).valid());
  CHECK(kling::rules::validate(with(i2v(), "seconds", 10)).valid());
  CHECK(broken(kling::rules::validate(with(i2v(), "seconds", "8"))) == std::set<std::string>{"I-3 /seconds"});
  CHECK(broken(kling::rules::validate(with(i2v(), "sound", "yes"))) == std::set<std::string>{"I-3 /sound"});
}

TEST_CASE("I-4: at most 2 voices; <<<voice_N>>> needs the voice and sound on", "[rules][I-4]") {
  json voices = fixture("i2v_sound_voice");
  CHECK(kling::rules::validate(voices).valid());
  voices["voice_list"] = {{{"voice_id", "a"}}, {{"voice_id", "b"}}, {{"voice_id", "c"}}};
  CHECK(broken(kling::rules::validate(voices)) == std::set<std::string>{"I-4 /voice_list"});
  json missing = with(fixture("i2v_sound_voice"), "prompt", "<<<voice_2>>> says hi");
  CHECK(broken(kling::rules::validate(missing)) == std::set<std::string>{"I-4 /prompt"});
  json silent = with(fixture("i2v_sound_voice"), "sound", "off");
  CHECK(broken(kling::rules::validate(silent)) == std::set<std::string>{"I-4 /sound"});
  json no_id = fixture("i2v_sound_voice");
  no_id["voice_list"][0] = {{"voice", "x"}};
  CHECK(broken(kling::rules::validate(no_id)) == std::set<std::string>{"I-4 /voice_list/0/voice_id"});
}

TEST_CASE("I-5: cfg_scale in [0, 1], ignored by V2.x", "[rules][I-5]") {
  const report ok = kling::rules::validate(with(i2v(), "cfg_scale", 0.5));
  CHECK(ok.valid());
  CHECK(warned(ok) == std::set<std::string>{"I-5 /cfg_scale"});
  CHECK(broken(kling::rules::validate(with(i2v(), "cfg_scale", 1.5))) ==
        std::set<std::string>{"I-5 /cfg_scale"});
}

TEST_CASE("I-6: dynamic masks: at most 6 groups of a mask and 2..77 integer points", "[rules][I-6]") {
  json brush = fixture("i2v_motion_brush");
  const json group = brush["dynamic_masks"][0];
  brush["dynamic_masks"] = json::array();
  for (int i = 0; i < 6; ++i)
    brush["dynamic_masks"].push_back(group);
  CHECK(kling::rules::validate(brush).valid());
  brush["dynamic_masks"].push_back(group);
  CHECK(broken(kling::rules::validate(brush)) == std::set<std::string>{"I-6 /dynamic_masks"});

  json points = fixture("i2v_motion_brush");
  json trajectory = json::array();
  for (int i = 0; i < 77; ++i)
    trajectory.push_back({{"x", i}, {"y", i}});
  points["dynamic_masks"][0]["trajectories"] = trajectory;
  CHECK(kling::rules::validate(points).valid());
  trajectory.push_back({{"x", 1}, {"y", 1}});
  points["dynamic_masks"][0]["trajectories"] = trajectory;
  CHECK(broken(kling::rules::validate(points)) == std::set<std::string>{"I-6 /dynamic_masks/0/trajectories"});
  points["dynamic_masks"][0]["trajectories"] = {{{"x", 1}, {"y", 1}}};
  CHECK(broken(kling::rules::validate(points)) == std::set<std::string>{"I-6 /dynamic_masks/0/trajectories"});
  points["dynamic_masks"][0]["trajectories"] = {{{"x", 1.5}, {"y", 1}}, {{"x", 2}}};
  CHECK(broken(kling::rules::validate(points)) ==
        std::set<std::string>{"I-6 /dynamic_masks/0/trajectories/0/x",
                              "I-6 /dynamic_masks/0/trajectories/1/y"});
  json no_mask = fixture("i2v_motion_brush");
  no_mask["dynamic_masks"][0].erase("mask");
  CHECK(broken(kling::rules::validate(no_mask)) == std::set<std::string>{"I-6 /dynamic_masks/0/mask"});
}

TEST_CASE("I-7: inline frames and masks are checked; masks match the image", "[rules][I-7]") {
  json inline_brush = fixture("i2v_motion_brush");
  inline_brush["image"] = png_base64(1920, 1080);
  inline_brush["static_mask"] = png_base64(960, 540);
  inline_brush["dynamic_masks"][0]["mask"] = png_base64(960, 540);
  CHECK(kling::rules::validate(inline_brush).valid());

  json other_ratio = inline_brush;
  other_ratio["static_mask"] = png_base64(1000, 1000);
  other_ratio["dynamic_masks"][0]["mask"] = png_base64(1000, 1000);
  CHECK(broken(kling::rules::validate(other_ratio)) ==
        std::set<std::string>{"I-7 /static_mask", "I-7 /dynamic_masks/0/mask"});

  json other_size = inline_brush;
  other_size["dynamic_masks"][0]["mask"] = png_base64(1920, 1080);
  CHECK(broken(kling::rules::validate(other_size)) == std::set<std::string>{"I-7 /dynamic_masks/0/mask"});

  CHECK(broken(kling::rules::validate(with(i2v(), "image", png_base64(200, 200)))) ==
        std::set<std::string>{"I-7 /image"});
  CHECK(broken(kling::rules::validate(with(fixture("i2v_first_last_frame"), "image_tail", "garbage!"))) ==
        std::set<std::string>{"I-7 /image_tail"});
}

// ----- motion control ------------------------------------------------------------------

TEST_CASE("M-1: image_url, video_url, mode and character_orientation are required", "[rules][M-1]") {
  CHECK(kling::rules::validate(motion()).valid());
  for (const char *key : {"image_url", "video_url", "mode", "character_orientation"}) {
    CHECK(broken(kling::rules::validate(with(motion(), key, nullptr))) ==
          std::set<std::string>{"M-1 /" + std::string(key)});
  }
  kling::motion_control typed;
  const report all_missing = kling::rules::validate(typed);
  CHECK(broken(all_missing) ==
        std::set<std::string>{"M-1 /image_url", "M-1 /video_url", "M-1 /mode", "M-1 /character_orientation"});
}

TEST_CASE("M-2: character_orientation is image or video", "[rules][M-2]") {
  CHECK(kling::rules::validate(fixture("motion_image_orientation")).valid());
  CHECK(broken(kling::rules::validate(with(motion(), "character_orientation", "left"))) ==
        std::set<std::string>{"M-2 /character_orientation"});
}

TEST_CASE("M-3: keep_original_sound is yes or no", "[rules][M-3]") {
  CHECK(kling::rules::validate(fixture("motion_prompt")).valid());
  CHECK(broken(kling::rules::validate(with(motion(), "keep_original_sound", "on"))) ==
        std::set<std::string>{"M-3 /keep_original_sound"});
}

TEST_CASE("M-4: inline image_url, with or without a data-URI prefix, within limits", "[rules][M-4]") {
  CHECK(kling::rules::validate(with(motion(), "image_url", png_base64(1080, 1920))).valid());
  CHECK(kling::rules::validate(with(motion(), "image_url", jpeg_data_uri(300, 750))).valid());
  CHECK(broken(kling::rules::validate(with(motion(), "image_url", png_base64(70000, 40000)))) ==
        std::set<std::string>{"M-4 /image_url"});
  CHECK(broken(kling::rules::validate(with(motion(), "image_url", png_base64(299, 400)))) ==
        std::set<std::string>{"M-4 /image_url"});
}

TEST_CASE("M-5: the reference video's limits depend on the orientation", "[rules][M-5]") {
  using kling::character_orientation;
  kling::media::video_info v{kling::media::video_container::mov, 20.0, 1080, 1920, 30.0, 80u * 1024 * 1024};
  CHECK(kling::rules::check_motion_video(v, character_orientation::video).empty());
  CHECK(kling::rules::check_motion_video(v, character_orientation::image).size() == 1); // over 10 s
  v.duration_seconds = 2;
  v.width = 300;
  v.size_bytes = 120u * 1024 * 1024;
  const auto problems = kling::rules::check_motion_video(v, character_orientation::video);
  REQUIRE(problems.size() == 3);
  for (const auto &p : problems)
    CHECK(p.rule == "M-5");

  json inline_video = fixture("motion_image_orientation");
  inline_video["video_url"] = mp4_data_uri(8.0, 720, 1280, 25);
  CHECK(kling::rules::validate(inline_video).valid());
  inline_video["video_url"] = mp4_data_uri(12.0, 720, 1280, 25);
  CHECK(broken(kling::rules::validate(inline_video)) == std::set<std::string>{"M-5 /video_url"});
}

// ----- elements and queries -----------------------------------------------------------

TEST_CASE("E-1: element name, description, frontal image, 1-3 reference images, tags", "[rules][E-1]") {
  const json ok = fixture("element_create");
  CHECK(kling::rules::validate_element(ok).valid());
  CHECK(kling::rules::validate_element(with(ok, "element_name", cjk(10))).valid());
  CHECK(broken(kling::rules::validate_element(with(ok, "element_name", cjk(11)))) ==
        std::set<std::string>{"E-1 /element_name"});
  CHECK(broken(kling::rules::validate_element(with(ok, "element_description", std::string(101, 'd')))) ==
        std::set<std::string>{"E-1 /element_description"});
  CHECK(broken(kling::rules::validate_element(with(ok, "element_frontal_image", nullptr))) ==
        std::set<std::string>{"E-1 /element_frontal_image"});
  CHECK(broken(kling::rules::validate_element(with(ok, "element_frontal_image", png_base64(100, 100)))) ==
        std::set<std::string>{"E-1 /element_frontal_image"});
  CHECK(broken(kling::rules::validate_element(with(ok, "element_refer_list", json::array()))) ==
        std::set<std::string>{"E-1 /element_refer_list"});
  json four = ok;
  for (int i = 0; i < 2; ++i)
    four["element_refer_list"].push_back({{"image_url", "https://e.com/x.jpg"}});
  CHECK(broken(kling::rules::validate_element(four)) == std::set<std::string>{"E-1 /element_refer_list"});
  CHECK(broken(kling::rules::validate_element(with(ok, "tag_list", {{{"id", "o_1"}}}))) ==
        std::set<std::string>{"E-1 /tag_list/0/tag_id"});
  const report nothing = kling::rules::validate_element(json::object());
  CHECK(broken(nothing) == std::set<std::string>{"E-1 /element_name", "E-1 /element_description",
                                                 "E-1 /element_frontal_image", "E-1 /element_refer_list"});
}

TEST_CASE("E-2 and E-3: paging and deletion parameters", "[rules][E-2][E-3]") {
  CHECK(kling::rules::check_element_page(1, 30).empty());
  CHECK(kling::rules::check_element_page(1000, 500).empty());
  CHECK(kling::rules::check_element_page(0, 30).at(0).rule == "E-2");
  CHECK(kling::rules::check_element_page(1, 501).at(0).field == "/page_size");
  CHECK(kling::rules::check_element_delete("842130978230767622").empty());
  CHECK(kling::rules::check_element_delete("").at(0).rule == "E-3");
}

TEST_CASE("Q-1: a task query needs a task id", "[rules][Q-1]") {
  CHECK(kling::rules::check_task_query("task_abc123").empty());
  CHECK(kling::rules::check_task_query("").at(0).rule == "Q-1");
  auto request = kling::protocol::get_video("a/b c", "kling");
  REQUIRE(request);
  CHECK(request->target() == "/v1/videos/a%2Fb%20c?provider=kling");
}

// ----- several faults, and refusal before sending --------------------------------------

TEST_CASE("a request with several faults lists all of them", "[rules]") {
  json body = {{"model", "Kling-Video-O1"},
               {"prompt", "<<<video_3>>>"},
               {"mode", "turbo"},
               {"last_frame_url", "https://e.com/last.jpg"},
               {"video_list",
                {{{"video_url", "https://e.com/a.mp4"}, {"refer_type", "base"}},
                 {{"video_url", "https://e.com/b.mp4"}, {"refer_type", "edit"}}}},
               {"seconds", 12},
               {"callback_url", "hook"}};
  const report r = kling::rules::validate(body);
  CHECK(broken(r) == std::set<std::string>{"C-3 /mode", "C-6 /callback_url", "O1-2 /last_frame_url",
                                           "O1-5 /video_list", "O1-6 /video_list/1/refer_type",
                                           "O1-7 /last_frame_url", "O1-10 /prompt"});
  CHECK(warned(r) == std::set<std::string>{"O1-8 /seconds"});
}

namespace {
// A transport that fails the test if anything is sent.
struct must_not_send {
  kling::result<kling::http_response> send(const kling::http_request &r) {
    FAIL("a request was sent: " << r.method << " " << r.path);
    return kling::error{kling::errc::connection, "unreachable"};
  }
};
} // namespace

TEST_CASE("create refuses a request that breaks a rule before any byte is sent", "[rules][client]") {
  kling::basic_client<must_not_send> client{
      kling::options{}.base_url("http://127.0.0.1:1").api_key("k-1234")};
  kling::text_to_video typed;
  typed.prompt = "a cat";
  typed.seconds = 7;
  typed.sound = true;
  auto refused = client.videos().create(typed);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == kling::errc::invalid_request);
  CHECK_FALSE(refused.error().request_sent);
  REQUIRE(refused.error().violations.size() == 1);
  CHECK(refused.error().violations[0].rule == "T-3");
  CHECK(refused.error().message ==
        "request not sent: it breaks 1 rule (first: T-3 at /seconds: seconds must be 5 or 10, got 7)");

  auto raw = client.videos().create(with(t2v(), "aspect_ratio", "4:3"));
  REQUIRE_FALSE(raw);
  CHECK(raw.error().violations.at(0).rule == "C-4");

  // Malformed text inside a request breaks a rule: invalid_request with the
  // violation, not the parser's malformed_input.
  auto bad_url = client.videos().create(with(t2v(), "callback_url", "https://exa mple.com/hook"));
  REQUIRE_FALSE(bad_url);
  CHECK(bad_url.error().code == kling::errc::invalid_request);
  REQUIRE(bad_url.error().violations.size() == 1);
  CHECK(bad_url.error().violations[0].rule == "C-6");
  CHECK_FALSE(kling::parse_url("https://exa mple.com/hook"));
  CHECK(kling::parse_url("https://exa mple.com/hook").error().code == kling::errc::malformed_input);

  kling::new_element element;
  auto bad_element = client.elements().create(element);
  REQUIRE_FALSE(bad_element);
  CHECK(bad_element.error().violations.size() == 4);
}

TEST_CASE("create sends valid requests with seconds as a string, and may skip validation",
          "[rules][client][C-5]") {
  kling::basic_client<kling::testing::mock_transport> client{
      kling::options{}.base_url("http://127.0.0.1:1").api_key("k-1234")};
  client.transport().respond(200, R"({"id":"t1","status":"pending"})");
  REQUIRE(client.videos().create(with(t2v(), "seconds", 10)));
  CHECK(kling::json::parse(client.transport().requests().at(0).body)["seconds"] == "10");

  kling::basic_client<kling::testing::mock_transport> trusting{
      kling::options{}.base_url("http://127.0.0.1:1").api_key("k-1234").validate_requests(false)};
  trusting.transport().respond(200, R"({"id":"t2","status":"pending"})");
  CHECK(trusting.videos().create(with(t2v(), "aspect_ratio", "4:3")));
  CHECK(trusting.transport().request_count() == 1);
}
