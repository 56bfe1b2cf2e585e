// What a type must offer to carry the library's HTTP requests, checked at
// compile time with messages that say what is missing. What it must do with
// them (no redirects followed, no content decoding, no Expect: 100-continue,
// streaming downloads, the idle timeout, errc and request_sent, cancellation,
// requests still out at destruction, who owns the event loop) is the README's
// transport checklist ("Your own HTTP stack: engines and plugins"); the curl
// transports in examples/transports follow it and are a starting point.
//
// A transport offers at least one of:
//   kling::result<kling::http_response> send(const kling::http_request &);
//       blocking: returns when the exchange is over (used by the sync calls);
//       it may be overloaded on http_request && (same result), which the
//       client calls when nothing reads the request afterwards (no observer)
//   void async_send(kling::http_request, kling::http_completion);
//       returns at once; calls the completion exactly once, from any thread
//
// An async_send may instead return a kling::abandon_request: a function that
// asks the transport to give the exchange up (Unreal's CancelRequest, Godot's
// cancel_request). The library calls it, at most once, when an asynchronous
// call is cancelled through async_operation::cancel() with its request still
// out, and when a task_tracker's task is cancelled or the tracker destroyed
// (a cancellation_token is only seen at the call's next event, when nothing
// is out). It runs on the thread that handles the cancel: the scheduler's
// executor if there is one, else the cancelling thread, which may be inside
// that request's own streaming receiver. The completion must still be called
// exactly once (typically with errc::cancelled), so the transport must not
// hold a lock that the function takes while it calls the completion; and
// since an answer may cross the cancel, calling the function after the
// completion must do nothing.
//
// The client holds it by value, so it must be move-constructible.
// Optionally it is constructible from `const kling::network_settings &`; the
// client then builds it from its options, else default-constructs it. A
// transport that receives answers whole may hand streamed bodies to their
// receivers with kling::deliver_body (transport/streaming.hpp).
//
// Thread safety: the traits are compile-time constants. A transport used by
// concurrent calls must allow concurrent send/async_send.
#ifndef KLING_TRANSPORT_REQUIREMENTS_HPP
#define KLING_TRANSPORT_REQUIREMENTS_HPP

#include <functional>
#include <type_traits>
#include <utility>

#include "kling/core/result.hpp"
#include "kling/transport/http.hpp"
#include "kling/transport/network_settings.hpp"

KLING_NAMESPACE_BEGIN

using http_completion = std::function<void(result<http_response>)>;
using abandon_request = std::function<void()>;

// A member send callable with a request, whatever it returns...
template <class T, class = void>
struct has_send_member : std::false_type {};
template <class T>
struct has_send_member<T,
                       std::void_t<decltype(std::declval<T &>().send(std::declval<const http_request &>()))>>
    : std::true_type {};
// ... and one that returns a result: a failure must be an error value, not an http_response.
template <class T, class = void>
struct has_send : std::false_type {};
template <class T>
struct has_send<T, std::enable_if_t<has_send_member<T>::value>>
    : std::is_same<std::decay_t<decltype(std::declval<T &>().send(std::declval<const http_request &>()))>,
                   result<http_response>> {};

// What async_send returns: void, or a way to abandon the request.
template <class T>
using async_send_result_t =
    decltype(std::declval<T &>().async_send(std::declval<http_request>(), std::declval<http_completion>()));
template <class T, class = void>
struct has_async_send : std::false_type {};
template <class T>
struct has_async_send<T, std::void_t<async_send_result_t<T>>> : std::true_type {};

template <class T>
inline constexpr bool has_send_v = has_send<T>::value;
template <class T>
inline constexpr bool has_async_send_v = has_async_send<T>::value;
template <class T>
inline constexpr bool is_transport_v = has_send_v<T> || has_async_send_v<T>;

// True when T's async_send returns a way to abandon the request.
template <class T, class = void>
struct has_abandonable_async_send : std::false_type {};
template <class T>
struct has_abandonable_async_send<T, std::enable_if_t<has_async_send_v<T>>>
    : std::is_convertible<async_send_result_t<T>, abandon_request> {};
template <class T>
inline constexpr bool has_abandonable_async_send_v = has_abandonable_async_send<T>::value;

// Starts an asynchronous exchange on any async transport; the result abandons
// it, or is empty when the transport offers no way to. (Call it qualified:
// a user's function of the same name must not be found instead.)
namespace start_exchange_detail {
// Whether T has an async_send whose return can be kept (an abandon_request) or needs none (void).
template <class T, class = void>
struct keeps_handle : std::false_type {};
template <class T>
struct keeps_handle<T, std::enable_if_t<has_async_send_v<T>>>
    : std::bool_constant<has_abandonable_async_send_v<T> || std::is_void<async_send_result_t<T>>::value> {};
template <class T>
inline constexpr bool keeps_handle_v = keeps_handle<T>::value;

template <class T>
constexpr void check_handle() {
  static_assert(keeps_handle_v<T>,
                "kling: async_send must return void or a kling::abandon_request (a function "
                "that gives the request up); what it returns here would be thrown away");
}
} // namespace start_exchange_detail

template <class T>
abandon_request start_exchange(T &transport, http_request request, http_completion done) {
  if constexpr (!has_async_send_v<T>) {
    return {}; // not reached: check_async_transport fails the build first
  } else if constexpr (has_abandonable_async_send_v<T>) {
    return abandon_request(transport.async_send(std::move(request), std::move(done)));
  } else {
    start_exchange_detail::check_handle<T>();
    transport.async_send(std::move(request), std::move(done));
    return {};
  }
}

// Fails the build with a readable message when T cannot be a transport.
template <class T>
constexpr bool check_transport() {
  static_assert(
      !has_send_member<T>::value || has_send<T>::value,
      "kling: the transport's send must return kling::result<kling::http_response>, so that a failed "
      "exchange is an error (with its errc) rather than an http_response");
  static_assert(
      std::is_move_constructible<T>::value,
      "kling: the client holds its transport by value, so the transport must be move-constructible; "
      "hold what cannot move (a mutex, an engine object) through a std::shared_ptr");
  static_assert(is_transport_v<T> || has_send_member<T>::value,
                "kling: this type is not a transport. Give it a member "
                "`kling::result<kling::http_response> send(const kling::http_request&)` "
                "(blocking) and/or `void async_send(kling::http_request, kling::http_completion)` "
                "(completion called exactly once). See kling/transport/requirements.hpp.");
  return true;
}

// Fails the build when a blocking call is used with a transport that cannot block.
template <class T>
constexpr bool check_blocking_transport() {
  static_assert(has_send_v<T> || has_send_member<T>::value, // else check_transport said what is wrong
                "kling: this call blocks until the answer arrives, so the transport needs a member "
                "`kling::result<kling::http_response> send(const kling::http_request&)`. "
                "A transport with only async_send works with the asynchronous calls.");
  return true;
}

// Fails the build when an asynchronous call is used with a transport that cannot send asynchronously.
template <class T>
constexpr bool check_async_transport() {
  static_assert(has_async_send_v<T>,
                "kling: this call is asynchronous, so the transport needs a member "
                "`void async_send(kling::http_request, kling::http_completion)` that calls the completion "
                "exactly once, from any thread (it may return a kling::abandon_request instead of void). "
                "A transport with only send works with the blocking calls.");
  if constexpr (has_async_send_v<T>) start_exchange_detail::check_handle<T>();
  return true;
}

// Builds a transport the way the client does: from the network settings when
// T accepts them, else default-constructed.
template <class T>
T make_transport(const network_settings &settings) {
  if constexpr (std::is_constructible<T, const network_settings &>::value) {
    return T(settings);
  } else {
    static_assert(std::is_default_constructible<T>::value,
                  "kling: the client cannot build this transport: make it default-constructible "
                  "or constructible from `const kling::network_settings&`, or pass one in");
    return T();
  }
}

KLING_NAMESPACE_END

#endif // KLING_TRANSPORT_REQUIREMENTS_HPP
