// Must not compile: the static_assert's message is the test's expected output.
#include <kling/core.hpp>

struct not_a_transport {};

int main() {
  kling::basic_client<not_a_transport> client{kling::options{}};
  (void)client;
}
