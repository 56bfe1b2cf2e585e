// Must not compile: an asynchronous call over a transport that can only block.
#include <kling/core.hpp>

struct blocking_http {
  kling::result<kling::http_response> send(const kling::http_request &) { return kling::http_response{}; }
};

int main() {
  kling::basic_client<blocking_http> client{kling::options{}};
  client.videos().get_async("task_1", "", [](kling::result<kling::task>) {});
}
