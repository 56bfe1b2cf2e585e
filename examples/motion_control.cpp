// Motion control (Kling-V2.6): the character of a reference image moves like
// the person in a reference video. image_url, video_url, mode and
// character_orientation are required (M-1); with orientation "image" the
// reference video may last at most 10 s, with "video" 30 s (M-5).
#include "support/connection.hpp"

int main() {
  example_connection connection;
  kling::client client{connection.options};

  kling::motion_control dance;
  dance.image_url = "https://example.com/person.jpg";
  dance.video_url = "https://example.com/dance.mp4";
  dance.mode = kling::mode::pro;
  dance.character_orientation = kling::character_orientation::video;
  dance.prompt = "Performing on a stage";
  dance.keep_original_sound = true;

  // A local reference video can be checked before it is uploaded anywhere.
  const std::string local = kling::testing::sample_mp4(12, 1080, 1920, 30);
  auto info = kling::media::probe_video(local);
  if (info) {
    for (const auto &v : kling::rules::check_motion_video(*info, kling::character_orientation::image)) {
      std::cout << "a 12 s video with orientation image would break " << v.rule << ": " << v.message << '\n';
    }
  }
  return report(client.videos().create_and_wait(dance));
}
