// elements_resource: the element library (custom elements: create, list,
// delete; official presets: list). Obtained from client.elements().
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_ELEMENTS_HPP
#define KLING_CLIENT_ELEMENTS_HPP

#include <memory>
#include <string_view>
#include <utility>

#include "kling/client/async.hpp"
#include "kling/client/blocking.hpp"
#include "kling/model/new_element.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/responses.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

template <class Transport>
class elements_resource {
public:
  explicit elements_resource(std::shared_ptr<session<Transport>> s) : session_(std::move(s)) {}

  // One page of the user's custom elements.
  result<envelope<page<element>>> list(protocol::page_request page = {}) {
    return run(
        protocol::list_elements(page),
        [page](const http_response &r) { return protocol::read_element_page(r, page); }, true);
  }

  // One page of the gateway's official elements.
  result<envelope<page<element>>> presets(protocol::page_request page = {}) {
    return run(
        protocol::list_preset_elements(page),
        [page](const http_response &r) { return protocol::read_element_page(r, page); }, true);
  }

  // Creates a custom element; refused with every violation of E-1 before sending.
  result<envelope<element>> create(const new_element &request) {
    return create_checked(json(request), rules::validate(request));
  }

  // The same from a JSON description.
  result<envelope<element>> create(const json &body) {
    return create_checked(body, rules::validate_element(body));
  }

  // Deletes a custom element; the id is sent exactly as given.
  result<envelope<element_deletion>> remove(std::string_view element_id) {
    return run(protocol::delete_element(element_id), protocol::read_element_deletion, false);
  }

  // ---- asynchronous calls (transports with async_send, options with a scheduler) ----
  async_operation list_async(protocol::page_request page,
                             std::function<void(result<envelope<kling::page<element>>>)> done) {
    return run_async_call(
        protocol::list_elements(page),
        [page](const http_response &r) { return protocol::read_element_page(r, page); }, true,
        std::move(done));
  }
  async_operation presets_async(protocol::page_request page,
                                std::function<void(result<envelope<kling::page<element>>>)> done) {
    return run_async_call(
        protocol::list_preset_elements(page),
        [page](const http_response &r) { return protocol::read_element_page(r, page); }, true,
        std::move(done));
  }
  async_operation create_async(const new_element &request,
                               std::function<void(result<envelope<element>>)> done) {
    const rules::report checked = rules::validate(request);
    if (session_->options().validate_requests() && !checked.valid()) {
      done(session_->scrub(result<envelope<element>>(rules::rejection(checked.violations))));
      return async_operation();
    }
    return run_async_call(protocol::create_element(json(request)), protocol::read_element, false,
                          std::move(done));
  }
  async_operation remove_async(std::string_view element_id,
                               std::function<void(result<envelope<element_deletion>>)> done) {
    return run_async_call(protocol::delete_element(element_id), protocol::read_element_deletion, false,
                          std::move(done));
  }

private:
  template <class T, class Read>
  async_operation run_async_call(result<http_request> request, Read read, bool idempotent,
                                 std::function<void(result<T>)> done) {
    if (!request) {
      done(session_->scrub(result<T>(std::move(request).error())));
      return async_operation();
    }
    return run_async<T>(session_,
                        protocol::request_machine<T>(std::move(*request), read, session_->options().retry(),
                                                     session_->next_random(), idempotent),
                        cancellation_token{}, std::move(done));
  }

  template <class Read>
  auto run(result<http_request> request, Read read, bool idempotent) {
    using R = decltype(read(std::declval<const http_response &>()));
    using T = typename R::value_type;
    if (!request) return session_->scrub(R(std::move(request).error()));
    protocol::request_machine<T> machine(std::move(*request), read, session_->options().retry(),
                                         session_->next_random(), idempotent);
    return run_blocking(*session_, machine, cancellation_token{});
  }

  result<envelope<element>> create_checked(const json &body, const rules::report &checked) {
    if (session_->options().validate_requests() && !checked.valid()) {
      return session_->scrub(result<envelope<element>>(rules::rejection(checked.violations)));
    }
    return run(protocol::create_element(body), protocol::read_element, false);
  }

  std::shared_ptr<session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ELEMENTS_HPP
