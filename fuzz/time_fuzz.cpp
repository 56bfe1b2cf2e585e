// ISO-8601 timestamps (task times, URL expiry) and HTTP dates (Retry-After):
// a timestamp that parses, written back and read again, is the same instant.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;
using kling_fuzz::require;

KLING_FUZZ_TARGET(time_fuzz) {
  const std::string_view input = kling_fuzz::bytes(data, size);
  auto iso = kling::parse_iso8601(input);
  check(iso);
  if (iso) {
    auto again = kling::parse_iso8601(kling::format_iso8601(*iso));
    require(again && *again == *iso);
  }
  check(kling::parse_http_date(input));
  kling::http_response r; // Retry-After as seconds or a date
  r.status = 429;
  r.headers = {{"Retry-After", std::string(input)}, {"Date", "Mon, 13 Jan 2025 10:00:00 GMT"}};
  const auto e = kling::protocol::error_from_response(r);
  if (e.retry_after) require(e.retry_after->count() >= 0);
  return 0;
}
