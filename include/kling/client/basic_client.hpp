// basic_client<Transport>: the client of the Kling gateway over any transport.
// Most code uses the alias kling::client (cpp-httplib); tests use
// basic_client<mock_transport>; engines plug in their own HTTP stack.
//
//   kling::basic_client<kling::testing::mock_transport> fake{kling::options{}.base_url(url).api_key("test")};
//   auto task = fake.videos().get("task_1");
//
// A client is a cheap handle: copies share one session (options and
// transport). A bad base URL or a missing key does not fail construction;
// every call then returns a configuration error that says what to fix.
//
// Thread safety: calls may run concurrently when the transport's send may
// (httplib_transport and mock_transport: yes).
#ifndef KLING_CLIENT_BASIC_CLIENT_HPP
#define KLING_CLIENT_BASIC_CLIENT_HPP

#include <memory>
#include <utility>

#include "kling/client/elements.hpp"
#include "kling/client/videos.hpp"

KLING_NAMESPACE_BEGIN

template <class Transport>
class basic_client {
  static_assert(check_transport<Transport>(), "see the message above");

public:
  using transport_type = Transport;

  explicit basic_client(kling::options opts)
      : basic_client(opts, make_transport<Transport>(opts.network())) {}
  basic_client(kling::options opts, Transport transport) {
    // Guarded so that a transport that cannot move fails with check_transport's message alone.
    if constexpr (std::is_move_constructible<Transport>::value)
      session_ = std::make_shared<kling::session<Transport>>(std::move(opts), std::move(transport));
  }

  videos_resource<Transport> videos() const { return videos_resource<Transport>(session_); }
  elements_resource<Transport> elements() const { return elements_resource<Transport>(session_); }

  const kling::options &options() const { return session_->options(); }
  Transport &transport() const { return session_->transport(); }
  // The shared session, for drivers of the protocol machines (task_tracker, your own).
  const std::shared_ptr<kling::session<Transport>> &session() const { return session_; }

private:
  std::shared_ptr<kling::session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_BASIC_CLIENT_HPP
