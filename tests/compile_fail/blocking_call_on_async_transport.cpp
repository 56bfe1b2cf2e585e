// Must not compile: a blocking call over a transport that only sends asynchronously.
#include <kling/core.hpp>

struct engine_http {
  void async_send(kling::http_request, kling::http_completion) {}
};

int main() {
  kling::basic_client<engine_http> client{kling::options{}};
  auto task = client.videos().get("task_1");
  (void)task;
}
