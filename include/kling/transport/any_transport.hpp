// any_transport: any transport behind one type, chosen at run time, for
// plugins that are handed their HTTP stack by the host:
//
//   kling::any_transport t = host_has_async ? kling::any_transport(engine_http{...})
//                                           : kling::any_transport(kling::testing::mock_transport{});
//   kling::basic_client<kling::any_transport> client{options, t};
//
// It offers both send and async_send; the one the wrapped transport lacks
// answers with a configuration error (and async_send still calls its
// completion exactly once). async_send passes on the wrapped transport's
// abandon_request, when it has one.
//
// Thread safety: as the wrapped transport; copies share it.
#ifndef KLING_TRANSPORT_ANY_TRANSPORT_HPP
#define KLING_TRANSPORT_ANY_TRANSPORT_HPP

#include <memory>
#include <type_traits>
#include <utility>

#include "kling/transport/requirements.hpp"

KLING_NAMESPACE_BEGIN

class any_transport {
public:
  template <class T, class = std::enable_if_t<!std::is_same<std::decay_t<T>, any_transport>::value &&
                                              is_transport_v<std::decay_t<T>>>>
  any_transport(T transport) { // NOLINT: implicit by design, like std::function
    auto held = std::make_shared<T>(std::move(transport));
    if constexpr (has_send_v<T>) send_ = [held](const http_request &r) { return held->send(r); };
    if constexpr (has_async_send_v<T>) {
      async_send_ = [held](http_request r, http_completion done) {
        return kling::start_exchange(*held, std::move(r), std::move(done));
      };
    }
    holder_ = held;
  }

  KLING_LAZY result<http_response> send(const http_request &request);

  KLING_LAZY abandon_request async_send(http_request request, http_completion done);

  KLING_LAZY bool can_block() const;
  KLING_LAZY bool can_send_async() const;

private:
  std::shared_ptr<void> holder_; // keeps the transport alive
  std::function<result<http_response>(const http_request &)> send_;
  std::function<abandon_request(http_request, http_completion)> async_send_;
};

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_ANY_TRANSPORT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_TRANSPORT_ANY_TRANSPORT_IPP)
#define KLING_TRANSPORT_ANY_TRANSPORT_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF result<http_response> any_transport::send(const http_request &request) {
  if (!send_)
    return error{errc::configuration, "this transport cannot send blocking requests (it has no send)"};
  return send_(request);
}

KLING_LAZY_DEF abandon_request any_transport::async_send(http_request request, http_completion done) {
  if (!async_send_) {
    done(error{errc::configuration, "this transport cannot send asynchronously (it has no async_send)"});
    return {};
  }
  return async_send_(std::move(request), std::move(done));
}

KLING_LAZY_DEF bool any_transport::can_block() const { return static_cast<bool>(send_); }

KLING_LAZY_DEF bool any_transport::can_send_async() const { return static_cast<bool>(async_send_); }

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_ANY_TRANSPORT_IPP
