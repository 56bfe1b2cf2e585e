// Must not compile: the client holds its transport by value, and this one cannot move.
#include <kling/core.hpp>

#include <mutex>

struct locked_transport {
  std::mutex mutex; // not movable: the transport should hold it through a std::shared_ptr
  kling::result<kling::http_response> send(const kling::http_request &) { return kling::http_response{}; }
};

int main() {
  kling::basic_client<locked_transport> client{kling::options{}};
  auto task = client.videos().get("task_1");
  (void)task;
}
