// Omni-Video (Kling-Video-O1): image and element references in the prompt,
// then a video edit. <<<image_N>>>, <<<element_N>>> and <<<video_N>>> count
// from 1 and must point inside their lists (O1-10).
#include "support/connection.hpp"

int main() {
  example_connection connection;
  kling::client client{connection.options};

  kling::omni_video references;
  references.prompt = "<<<image_1>>> walks through Tokyo and meets <<<element_1>>> and <<<element_2>>>";
  references.reference_images = {"https://example.com/hero.jpg"};
  references.element_list = {{"146"}, {"145"}};
  references.mode = kling::mode::pro;
  references.aspect_ratio = kling::aspect_ratio::square_1_1; // required without a first frame or video (O1-9)
  references.seconds = 5;

  kling::omni_video edit;
  edit.prompt = "Give the girl in <<<video_1>>> the flowers of <<<image_1>>>";
  edit.reference_images = {"https://example.com/flowers.jpg"};
  edit.video_list = {{"https://example.com/girl.mp4", kling::refer_type::base, true}};
  edit.mode = kling::mode::pro; // a video edit takes its length and frame from the video

  // A mistake is caught before anything is sent:
  kling::omni_video wrong = edit;
  wrong.aspect_ratio = kling::aspect_ratio::landscape_16_9;
  for (const auto &v : kling::rules::validate(wrong).violations)
    std::cout << "refused: [" << v.rule << "] " << v.message << '\n';

  int failures = 0;
  for (const auto &request : {references, edit})
    failures += report(client.videos().create_and_wait(request));
  return failures;
}
