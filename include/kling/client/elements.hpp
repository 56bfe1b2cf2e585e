// elements_resource: the element library (custom elements: create, list,
// delete; official presets: list). Obtained from client.elements().
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_ELEMENTS_HPP
#define KLING_CLIENT_ELEMENTS_HPP

#include <memory>
#include <string_view>
#include <utility>

#include "kling/client/session.hpp"
#include "kling/protocol/responses.hpp"

KLING_NAMESPACE_BEGIN

template <class Transport> class elements_resource {
public:
  explicit elements_resource(std::shared_ptr<session<Transport>> s) : session_(std::move(s)) {}

  // One page of the user's custom elements.
  result<envelope<page<element>>> list(protocol::page_request page = {}) {
    return session_->call(protocol::list_elements(page), [&](const http_response &r) {
      return protocol::read_element_page(r, page);
    });
  }

  // One page of the gateway's official elements.
  result<envelope<page<element>>> presets(protocol::page_request page = {}) {
    return session_->call(protocol::list_preset_elements(page), [&](const http_response &r) {
      return protocol::read_element_page(r, page);
    });
  }

  // Creates a custom element from its JSON description.
  result<envelope<element>> create(const json &body) {
    return session_->call(protocol::create_element(body), protocol::read_element);
  }

  // Deletes a custom element; the id is sent exactly as given.
  result<envelope<element_deletion>> remove(std::string_view element_id) {
    return session_->call(protocol::delete_element(element_id), protocol::read_element_deletion);
  }

private:
  std::shared_ptr<session<Transport>> session_;
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ELEMENTS_HPP
