// Must not compile: a "scheduler" that cannot run anything later.
#include <kling/core.hpp>

struct frame_clock {
  kling::protocol::time_point now() { return {}; }
};

int main() {
  frame_clock clock;
  auto s = kling::make_scheduler(clock);
  (void)s;
}
