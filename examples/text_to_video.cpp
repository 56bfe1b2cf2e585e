// Text to video with camera control (Kling-V2.6): a preset movement and a
// simple one (exactly one axis moves), with sound.
#include "support/connection.hpp"

int main() {
  example_connection connection;
  kling::client client{connection.options};

  kling::text_to_video forest;
  forest.prompt = "A stream in the forest";
  forest.mode = kling::mode::std;
  forest.aspect_ratio = kling::aspect_ratio::square_1_1;
  forest.seconds = 5;
  forest.camera_control = kling::camera_control::preset(kling::camera_type::forward_up);

  kling::text_to_video city;
  city.prompt = "A city at night, neon lights flickering";
  city.sound = true;
  city.mode = kling::mode::pro;
  city.aspect_ratio = kling::aspect_ratio::landscape_16_9;
  city.seconds = 10;
  kling::camera_config pan_right;
  pan_right.pan = 4;
  city.camera_control = kling::camera_control::simple(pan_right);

  int failures = 0;
  for (const auto &request : {forest, city})
    failures += report(client.videos().create_and_wait(request));
  return failures;
}
