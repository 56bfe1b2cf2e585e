// A batch of shots with the library's batch runner: named requests, four
// under way at once, each video downloaded to renders/<name>.mp4, and a
// journal (renders/.kling-batch.jsonl) that makes the program safe to kill
// and run again: what is done is skipped, nothing is paid twice.
#include <cstdio>
#include <string>
#include <vector>

#include "support/connection.hpp"
#include "support/threaded_transport.hpp"

int main(int argc, char **argv) {
  example_connection connection;
  // The runner sends through async_send; these threads are the program's own.
  kling::basic_client<threaded_transport> client{connection.options,
                                                 threaded_transport(connection.options.network(), 4)};

  std::vector<kling::batch_item> shots;
  for (const char *scene : {"harbour at dawn", "market at noon", "rooftops at dusk", "lighthouse at night"}) {
    kling::text_to_video request;
    request.prompt = std::string("A cinematic shot of the ") + scene;
    request.mode = kling::mode::pro;
    request.seconds = 5;
    std::string name = scene;
    for (char &c : name)
      if (c == ' ') c = '-';
    shots.push_back({name, kling::json(request)});
  }

  kling::batch_settings settings;
  settings.out_dir = argc > 1 ? argv[1] : "renders";
  settings.concurrency = 4;
  settings.progress = [](const kling::batch_progress &p) {
    if (p.state == kling::batch_state::downloading) return; // one line per state, not per piece
    std::fprintf(stderr, "%-20s %s%s\n", p.name.c_str(), kling::to_string(p.state),
                 p.state == kling::batch_state::waiting
                     ? (std::string(" ") + kling::to_string(p.status)).c_str()
                     : "");
  };
  kling::basic_batch<threaded_transport> batch{client, shots, settings};
  auto summary = batch.run();
  if (!summary) {
    std::fprintf(stderr, "%s\n", kling::to_string(summary.error()).c_str());
    return 1;
  }
  std::printf("%s\n", kling::dump_json(kling::to_json(*summary), 2).c_str());
  return summary->failed == 0 ? 0 : 1;
}
