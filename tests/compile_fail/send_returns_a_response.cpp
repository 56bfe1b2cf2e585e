// Must not compile: send returns a bare http_response, so a failure has no way to be an error.
#include <kling/core.hpp>

struct bare_transport {
  kling::http_response send(const kling::http_request &) { return {}; }
};

int main() {
  kling::basic_client<bare_transport> client{kling::options{}};
  auto task = client.videos().get("task_1");
  (void)task;
}
