// URLs and redirects: the input is "base\nlocation". A URL that parses,
// written back, parses to the same URL; a redirect resolves to a URL that
// parses; the download that follows it never carries credentials.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;
using kling_fuzz::require;

namespace {
bool same(const kling::url &a, const kling::url &b) {
  return a.scheme == b.scheme && a.userinfo == b.userinfo && a.host == b.host && a.port == b.port &&
         (a.path.empty() ? "/" : a.path) == (b.path.empty() ? "/" : b.path) && a.query == b.query;
}
} // namespace

KLING_FUZZ_TARGET(url_fuzz) {
  std::string_view rest = kling_fuzz::bytes(data, size);
  const std::string_view base_text = kling_fuzz::next_line(rest);
  const std::string_view location = rest;

  auto base = kling::parse_url(base_text);
  check(base);
  if (base) {
    auto again = kling::parse_url(base->text());
    require(again && same(*base, *again));
    auto resolved = kling::resolve_url(*base, location);
    check(resolved);
    if (resolved) {
      auto reparsed = kling::parse_url(resolved->text());
      require(reparsed && same(*resolved, *reparsed));
    }
  }
  (void)kling::percent_encode(location);

  // The download machine, redirected there.
  kling::protocol::download_machine m(base ? base->text() : "https://cdn.example.com/a/v.mp4", 0, {}, {}, 1);
  kling::http_response head;
  head.status = 302;
  head.headers = {{"Location", std::string(location)}};
  if (m.on_head(head) == kling::protocol::body_disposition::ignore) {
    m.on_response(head, {});
    const auto next = m.next();
    if (next.kind == kling::protocol::step_kind::send) {
      require(!next.request.origin.empty());
      require(!kling::find_header(next.request.headers, "Authorization"));
    }
  }
  return 0;
}
