// How the examples connect: to the gateway named by KLING_BASE_URL and
// KLING_API_KEY when both are set, otherwise to a fake gateway started in
// this process, so that every example runs offline (and in the project's tests).
#ifndef KLING_EXAMPLES_CONNECTION_HPP
#define KLING_EXAMPLES_CONNECTION_HPP

#include <kling/kling.hpp>
#include <kling/testing/fake_gateway.hpp>

#include <iostream>
#include <memory>

struct example_connection {
  std::unique_ptr<kling::testing::fake_gateway> fake;
  kling::options options;

  example_connection() {
    options = kling::options::from_environment();
    if (!options.base_url().empty() && !options.api_key().empty()) {
      std::cerr << "using the gateway at " << options.base_url() << '\n';
      return;
    }
    kling::testing::fake_gateway_options o;
    o.polls_while_pending = 1;
    o.polls_while_processing = 1;
    fake = std::make_unique<kling::testing::fake_gateway>(o);
    if (!fake->start()) {
      std::cerr << "cannot start the fake gateway\n";
      std::exit(1);
    }
    kling::protocol::wait_options quick; // the real gateway asks for 3-5 s between polls
    quick.first_interval = quick.max_interval = std::chrono::milliseconds(100);
    options.base_url(fake->base_url()).api_key(fake->api_key()).wait(quick);
    std::cerr << "offline: using a fake gateway at " << fake->base_url() << '\n';
  }
};

// Prints the outcome of a call; the exit code for it.
inline int report(const kling::result<kling::task> &t) {
  if (!t) {
    std::cerr << kling::to_string(t.error()) << '\n';
    return 1;
  }
  std::cout << "task " << t->id << ": " << kling::to_string(t->status) << ' ' << t->video_url() << '\n';
  return 0;
}

#endif // KLING_EXAMPLES_CONNECTION_HPP
