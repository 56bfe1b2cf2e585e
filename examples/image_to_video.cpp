// Image to video from local files, with a first and a last frame: each file
// is read once, checked (JPEG or PNG, at most 10 MB, sides of 300 px or more,
// ratio within 1:2.5 .. 2.5:1) and sent inline as Base64.
//
//   ./image_to_video [FIRST.png LAST.png]     (without files it writes two sample PNGs)
#include "support/connection.hpp"

int main(int argc, char **argv) {
  std::string first = argc == 3 ? argv[1] : "/tmp/kling-example-first.png";
  std::string last = argc == 3 ? argv[2] : "/tmp/kling-example-last.png";
  if (argc != 3) {
    for (const std::string &path : {first, last}) {
      if (auto written = kling::files::write_file(path, kling::testing::sample_png(800, 450)); !written) {
        std::cerr << kling::to_string(written.error()) << '\n';
        return 1;
      }
    }
  }
  example_connection connection;
  kling::client client{connection.options};

  auto first_frame = kling::media::image_file_to_base64(first);
  auto last_frame = kling::media::image_file_to_base64(last);
  if (!first_frame || !last_frame) {
    std::cerr << kling::to_string(first_frame ? last_frame.error() : first_frame.error()) << '\n';
    return 1;
  }
  kling::image_to_video request;
  request.image = *first_frame;
  request.image_tail = *last_frame;
  request.prompt = "The person stands up from the chair";
  request.mode = kling::mode::pro;
  request.seconds = 5;
  return report(client.videos().create_and_wait(request));
}
