// A kling-cpp transport over the browser's fetch(), for programs built with
// Emscripten (and for node 18 or later, which has the same fetch). It is
// asynchronous only: a page's main thread must never block, so there is no
// send(); use the async calls or a task_tracker driven from the frame callback
// (examples/browser/browser_tracker.cpp).
//
// Copy fetch_transport.hpp and fetch_transport.cpp into your project and
// compile the .cpp once (it holds the JavaScript side, which, like any
// definition, must exist once per program).
//
// What fetch decides, not this transport: redirects are followed; headers a
// browser forbids scripts to set (User-Agent in some browsers) are dropped; a
// cross-origin server must allow the request with CORS, and a response header
// the server does not list in Access-Control-Expose-Headers (Retry-After,
// Content-Range, X-Request-Id...) is invisible to the program. A failed fetch
// does not say whether the request left, so a failed create is treated as
// ambiguous (the exactly-once lookup), which is the safe side.
//
// Unlike the checklist's idle timeout, request.timeout is a total one here:
// the answer is taken whole (arrayBuffer), so a download that takes longer
// than options::request_timeout fails each time it is retried. Raise the
// timeout for large videos, or read response.body piece by piece and re-arm
// the timer on each piece.
//
// Thread safety: use it on the thread that runs the JavaScript event loop (the
// page's main thread); completions arrive there, from that loop, never inside
// async_send. Any copy of the transport may be used; they share one table of
// exchanges in flight.
#ifndef KLING_EXAMPLES_FETCH_TRANSPORT_HPP
#define KLING_EXAMPLES_FETCH_TRANSPORT_HPP

#include <kling/core.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace fetch_example {

namespace detail {

// One exchange in flight, found again by its id when JavaScript reports back.
struct exchange {
  kling::http_request request; // kept for its streaming receivers
  kling::http_completion done;
};

// The exchanges still out. Ids are never reused (JavaScript numbers hold them
// exactly up to 2^53), so a late abandon finds nothing.
struct exchanges {
  std::map<std::uint64_t, exchange> out;
  std::uint64_t next_id = 1;
};
exchanges &in_flight();

// The JavaScript side (fetch_transport.cpp).
void start_fetch(std::uint64_t id, const kling::http_request &request);
void abort_fetch(std::uint64_t id);

} // namespace detail

class fetch_transport {
public:
  kling::abandon_request async_send(kling::http_request request, kling::http_completion done) {
    auto &table = detail::in_flight();
    const std::uint64_t id = table.next_id++;
    const auto placed = table.out.emplace(id, detail::exchange{std::move(request), std::move(done)}).first;
    detail::start_fetch(id, placed->second.request);
    // Aborting makes the fetch fail, and that failure completes the exchange
    // (once); after the completion the id is gone and this does nothing.
    return [id] { detail::abort_fetch(id); };
  }
};

} // namespace fetch_example

#endif // KLING_EXAMPLES_FETCH_TRANSPORT_HPP
