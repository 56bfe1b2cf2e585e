// Quick start: create a text-to-video task and print it.
//
//   KLING_BASE_URL=https://your-gateway KLING_API_KEY=... ./quickstart "A cat playing in a sunny garden"
#include <kling/kling.hpp>

#include <iostream>

int main(int argc, char **argv) {
  const auto options = kling::options::from_environment();
  if (options.base_url().empty() || options.api_key().empty()) {
    std::cerr << "quickstart: set KLING_BASE_URL and KLING_API_KEY to your gateway and key.\n"
                 "For a tour without a key or a network, run: kling demo\n";
    return 2;
  }
  kling::client client{options};

  const kling::json request = {
      {"model", "Kling-V2.6"},
      {"prompt", argc > 1 ? argv[1] : "A cat playing in a sunny garden"},
      {"mode", "pro"},
      {"aspect_ratio", "16:9"},
      {"seconds", "5"},
  };
  auto task = client.videos().create(request);
  if (!task) {
    std::cerr << "quickstart: " << kling::to_string(task.error()) << '\n';
    return 1;
  }
  std::cout << "task " << task->id << " is " << kling::to_string(task->status) << '\n'
            << kling::dump_json(task->raw, 2) << '\n';
  return 0;
}
