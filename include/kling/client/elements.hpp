// elements_resource: the element library (custom elements: create, list,
// delete; official presets: list). Obtained from client.elements().
//
//   for (auto pages = client.elements().pages(); auto page = pages.next();) {
//     if (!*page) return report((*page).error());
//     for (const auto &e : (*page)->data.items) use(e);
//   }
//
// Each call builds one protocol machine and hands it to a driver; the
// _async twins differ only in the driver. Every call takes call_options.
//
// Thread safety: as thread-safe as the client's transport.
#ifndef KLING_CLIENT_ELEMENTS_HPP
#define KLING_CLIENT_ELEMENTS_HPP

#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "kling/client/async.hpp"
#include "kling/client/blocking.hpp"
#include "kling/client/settings.hpp"
#include "kling/model/new_element.hpp"
#include "kling/protocol/request_machine.hpp"
#include "kling/protocol/responses.hpp"
#include "kling/rules/validate.hpp"

KLING_NAMESPACE_BEGIN

// elements_resource's machines, with the transport out of sight (see
// client/session.hpp).
KLING_LAZY_CLASS elements_core {
public:
  using element_page = envelope<page<element>>;
  using page_result = result<element_page>;
  template <class T>
  using machine = protocol::request_machine<T>;

  explicit elements_core(std::shared_ptr<session_core> s) : session_(std::move(s)) {}

  // ---- the machine of each call ------------------------------------------------------
  // What the calls of elements_resource hand to their driver, for any other
  // driver: the tracker's run(), or one of your own. An error is what the
  // call would return unsent.
  result<machine<element_page>> list_operation(protocol::page_request page = {});
  result<machine<element_page>> presets_operation(protocol::page_request page = {});
  result<machine<envelope<element>>> create_operation(const new_element &request);
  result<machine<envelope<element>>> create_operation(const json &body);
  result<machine<envelope<element_deletion>>> remove_operation(std::string_view element_id);

protected:
  static constexpr const char *listing = "an element listing";
  static constexpr const char *creating = "an element create (elements have no external_task_id)";
  static constexpr const char *deleting = "an element delete";

  std::shared_ptr<session_core> session_;

private:
  result<machine<envelope<element>>> create_checked(const json &body, const rules::report &checked);
  template <class T>
  result<machine<T>> request(result<http_request> r, typename machine<T>::reader read, bool idempotent);
};

// The calls of elements_core over a transport, blocking and asynchronous;
// the transport's abilities checked at compile time (see videos_resource).
template <class Transport>
class elements_resource : public lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(elements_core), Transport> {
  using core = lazy_detail::deferred_t<KLING_LAZY_CLASS_TYPE(elements_core), Transport>;

public:
  // result<T> named through Transport, as in videos_resource (which says why).
  template <class T>
  using result = lazy_detail::deferred_t<kling::result<T>, Transport>;

  using typename core::element_page;
  using typename core::page_result;

  explicit elements_resource(std::shared_ptr<session<Transport>> s) : core(std::move(s)) {}

  // One page of the user's custom elements.
  page_result list(protocol::page_request page = {}, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, core::listing, this->list_operation(page)), call);
  }

  // One page of the gateway's official elements.
  page_result presets(protocol::page_request page = {}, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, core::listing, this->presets_operation(page)), call);
  }

  // Every page of a listing, fetched lazily: next() asks for the following
  // page only when called, and gives nothing once a page came back short or
  // empty (or after page 1000, the last E-2 allows), or after an error.
  class page_walker {
  public:
    std::optional<page_result> next() {
      if (finished_) return std::nullopt;
      page_result got = presets_ ? owner_.presets(page_, call_) : owner_.list(page_, call_);
      finished_ = !got || !got->data.may_have_more() || page_.page_num >= max_page_num;
      ++page_.page_num;
      return got;
    }

  private:
    friend class elements_resource;
    static constexpr int max_page_num = 1000; // E-2
    page_walker(elements_resource owner, protocol::page_request first, bool presets, call_options call)
        : owner_(std::move(owner)), page_(first), presets_(presets), call_(std::move(call)) {}
    elements_resource owner_;
    protocol::page_request page_;
    bool presets_;
    call_options call_;
    bool finished_ = false;
  };

  // Walks the user's custom elements (or the presets) page by page from `first`.
  page_walker pages(protocol::page_request first = {}, call_options call = {}) const {
    return page_walker(*this, first, false, std::move(call));
  }
  page_walker preset_pages(protocol::page_request first = {}, call_options call = {}) const {
    return page_walker(*this, first, true, std::move(call));
  }

  // Creates a custom element; refused with every violation of E-1 before sending.
  result<envelope<element>> create(const new_element &request, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, core::creating, this->create_operation(request)), call);
  }

  // The same from a JSON description.
  result<envelope<element>> create(const json &body, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, core::creating, this->create_operation(body)), call);
  }

  // Deletes a custom element; the id is sent exactly as given.
  result<envelope<element_deletion>> remove(std::string_view element_id, const call_options &call = {}) {
    return run_blocking(*session_of<Transport>(this->session_),
                        no_external_task_id(call, core::deleting, this->remove_operation(element_id)), call);
  }

  // ---- asynchronous calls (transports with async_send, options with a scheduler) ----
  async_operation list_async(protocol::page_request page, std::function<void(page_result)> done,
                             const call_options &call = {}) {
    return run_async<element_page>(session_of<Transport>(this->session_),
                                   no_external_task_id(call, core::listing, this->list_operation(page)), call,
                                   std::move(done));
  }
  async_operation presets_async(protocol::page_request page, std::function<void(page_result)> done,
                                const call_options &call = {}) {
    return run_async<element_page>(session_of<Transport>(this->session_),
                                   no_external_task_id(call, core::listing, this->presets_operation(page)),
                                   call, std::move(done));
  }
  async_operation create_async(const new_element &request,
                               std::function<void(result<envelope<element>>)> done,
                               const call_options &call = {}) {
    return run_async<envelope<element>>(
        session_of<Transport>(this->session_),
        no_external_task_id(call, core::creating, this->create_operation(request)), call, std::move(done));
  }
  async_operation remove_async(std::string_view element_id,
                               std::function<void(result<envelope<element_deletion>>)> done,
                               const call_options &call = {}) {
    return run_async<envelope<element_deletion>>(
        session_of<Transport>(this->session_),
        no_external_task_id(call, core::deleting, this->remove_operation(element_id)), call, std::move(done));
  }
};

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ELEMENTS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CLIENT_ELEMENTS_IPP)
#define KLING_CLIENT_ELEMENTS_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::list_operation(protocol::page_request page)
    -> result<machine<element_page>> {
  return request<element_page>(
      protocol::list_elements(page),
      [page](const http_response &r) { return protocol::read_element_page(r, page); }, true);
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::presets_operation(protocol::page_request page)
    -> result<machine<element_page>> {
  return request<element_page>(
      protocol::list_preset_elements(page),
      [page](const http_response &r) { return protocol::read_element_page(r, page); }, true);
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::create_operation(const new_element &request)
    -> result<machine<envelope<element>>> {
  const json body = request;
  return create_checked(body, rules::validate(request, body));
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::create_operation(const json &body)
    -> result<machine<envelope<element>>> {
  return create_checked(body, rules::validate_element(body));
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::remove_operation(std::string_view element_id)
    -> result<machine<envelope<element_deletion>>> {
  return request<envelope<element_deletion>>(protocol::delete_element(element_id),
                                             protocol::read_element_deletion, false);
}

KLING_LAZY_DEF auto KLING_LAZY_MEMBER_OF(elements_core)::create_checked(const json &body,
                                                                        const rules::report &checked)
    -> result<machine<envelope<element>>> {
  if (session_->options().validate_requests() && !checked.valid())
    return rules::rejection(checked.violations);
  // Not idempotent: sent again only when it certainly had no effect.
  return request<envelope<element>>(protocol::create_element(body), protocol::read_element, false);
}

KLING_LAZY_TEMPLATE template <class T>
auto KLING_LAZY_MEMBER_OF(elements_core)::request(result<http_request> r, typename machine<T>::reader read,
                                                  bool idempotent) -> result<machine<T>> {
  if (!r) return std::move(r).error();
  return machine<T>(std::move(*r), std::move(read), session_->options().retry(), session_->next_random(),
                    idempotent);
}

KLING_NAMESPACE_END

#endif // KLING_CLIENT_ELEMENTS_IPP
