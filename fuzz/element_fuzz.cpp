// Element answers in their envelope: one element, a page, a deletion. The
// first byte picks the HTTP status, the rest is the body.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;

KLING_FUZZ_TARGET(element_fuzz) {
  if (size == 0) return 0;
  kling::http_response r;
  r.status = data[0] < 160 ? 200 : 300 + data[0] % 300;
  r.body = std::string(kling_fuzz::bytes(data + 1, size - 1));
  check(kling::protocol::read_element(r));
  check(kling::protocol::read_element_page(r, {}));
  check(kling::protocol::read_element_deletion(r));
  return 0;
}
