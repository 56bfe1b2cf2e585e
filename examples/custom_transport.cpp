// A transport of your own: here a decorator that logs every exchange and
// counts bytes, around the default cpp-httplib transport. Anything with
// `kling::result<kling::http_response> send(const kling::http_request &)`
// (and/or async_send) is a transport; the client checks it at compile time.
#include "support/connection.hpp"

template <class Inner>
class logging_transport {
public:
  explicit logging_transport(Inner inner) : inner_(std::move(inner)) {}

  kling::result<kling::http_response> send(const kling::http_request &request) {
    auto answer = inner_.send(request);
    sent_ += request.body.size();
    if (answer) received_ += answer->body.size();
    std::cout << request.method << ' ' << request.target() << " -> "
              << (answer ? std::to_string(answer->status) : kling::to_string(answer.error().code)) << '\n';
    return answer;
  }
  std::size_t sent() const { return sent_; }
  std::size_t received() const { return received_; }

private:
  Inner inner_;
  std::size_t sent_ = 0, received_ = 0;
};

int main() {
  example_connection connection;
  kling::basic_client<logging_transport<kling::httplib_transport>> client{
      connection.options,
      logging_transport<kling::httplib_transport>(kling::httplib_transport(connection.options.network()))};
  kling::text_to_video request;
  request.prompt = "A paper boat on a rainy street";
  const int failed = report(client.videos().create_and_wait(request));
  std::cout << client.transport().sent() << " bytes sent, " << client.transport().received() << " received\n";
  return failed;
}
