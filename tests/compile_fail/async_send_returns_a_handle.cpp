// Must not compile: an async_send that returns something the library would
// have to throw away (neither void nor a kling::abandon_request).
#include <kling/core.hpp>

struct handle_returning_http {
  int async_send(kling::http_request, kling::http_completion done) {
    done(kling::http_response{});
    return 42; // an engine's request handle, say
  }
};

struct loop {
  kling::protocol::time_point now() { return {}; }
  void after(std::chrono::milliseconds, std::function<void()>) {}
};

int main() {
  loop l;
  kling::basic_client<handle_returning_http> client{kling::options{}.scheduler(kling::make_scheduler(l))};
  client.videos().get_async("task_1", "", [](kling::result<kling::task>) {});
}
