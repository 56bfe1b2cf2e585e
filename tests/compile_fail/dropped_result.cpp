// A result dropped unread: kling::result is [[nodiscard]], so the compiler
// says so (an error under -Werror, as the project builds).
#include <kling/core.hpp>

int main() {
  kling::base64::decode("Zm9v");                                         // result<std::string>
  kling::webhooks::verify("whsec_Zm9v", kling::http_headers{}, "{}", 0); // result<void>
}
