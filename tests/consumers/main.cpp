// A program outside kling-cpp that uses it the way a user would: the default
// client over cpp-httplib (whose compile flags must arrive through the
// package), and the mock transport. Built once more with kling::compiled
// (separate compilation), where it must not see <httplib.h>.
#include <kling/kling.hpp>
#include <kling/testing.hpp>

#if defined(KLING_SEPARATE_COMPILATION) && defined(CPPHTTPLIB_VERSION)
#error "in separate compilation mode <kling/kling.hpp> must not include <httplib.h>"
#endif

#include <iostream>

int main() {
  // Nothing listens on port 9 of loopback: the real transport must report a
  // refused connection as an error value.
  kling::client client{kling::options{}.base_url("http://127.0.0.1:9").api_key("consumer-test-key")};
  auto refused = client.videos().get("task_1");
  if (refused || refused.error().code != kling::errc::connection) {
    std::cerr << "expected a connection error from the httplib transport\n";
    return 1;
  }

  kling::basic_client<kling::testing::mock_transport> fake{
      kling::options{}.base_url("http://127.0.0.1:9").api_key("k-1234")};
  fake.transport().respond(200, R"({"id":"task_1","status":"completed"})");
  auto task = fake.videos().get("task_1");
  if (!task || task->status != kling::task_status::completed) {
    std::cerr << "expected a completed task from the mock transport\n";
    return 1;
  }
  std::cout << "kling-cpp " << KLING_VERSION_STRING << " consumer ok\n";
  return 0;
}
