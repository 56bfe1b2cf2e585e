// Quick start: create a text-to-video task, wait for it, download the video.
//
//   KLING_BASE_URL=https://your-gateway KLING_API_KEY=... ./quickstart ["a prompt"]
#include <kling/kling.hpp>

#include <iostream>

int main(int argc, char **argv) {
  const auto options = kling::options::from_environment(); // KLING_BASE_URL, KLING_API_KEY
  if (options.base_url().empty() || options.api_key().empty()) {
    std::cerr << "quickstart: set KLING_BASE_URL and KLING_API_KEY to your gateway and key.\n"
                 "For a tour without a key or a network, run: kling demo\n";
    return 2;
  }
  kling::client client{options};

  kling::text_to_video request;
  request.prompt = argc > 1 ? argv[1] : "A cat playing in a sunny garden";
  request.mode = kling::mode::pro;
  request.seconds = 5;

  auto task = client.videos().create_and_wait(request); // polls until it is finished
  if (!task) {
    std::cerr << kling::to_string(task.error()) << '\n'; // kind, HTTP status, provider code, message
    return 1;
  }
  auto saved = client.videos().download(*task, "cat.mp4");
  std::cout << task->id << " -> " << (saved ? saved->path : kling::to_string(saved.error())) << '\n';
  return saved ? 0 : 1;
}
