// Cassette files: loading, and replaying every recorded request against the
// tape (matching, streamed bodies, recorded failures).
#include <kling/testing/cassette.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::check;

KLING_FUZZ_TARGET(cassette_fuzz) {
  auto tape = kling::testing::replay_transport::parse(kling_fuzz::bytes(data, size), "fuzz");
  check(tape);
  if (!tape) return 0;
  auto cassette = kling::parse_json(kling_fuzz::bytes(data, size));
  const kling::json &interactions = (*cassette)["interactions"];
  std::size_t n = 0;
  for (const auto &interaction : interactions) {
    if (++n > 16) break;
    const kling::json *recorded = kling::find_member(interaction, "request");
    kling::http_request request;
    if (recorded) {
      const kling::json *method = kling::find_member(*recorded, "method");
      const kling::json *path = kling::find_member(*recorded, "path");
      if (method && method->is_string()) request.method = method->get<std::string>();
      if (path && path->is_string()) request.path = path->get<std::string>();
      if (const kling::json *body = kling::find_member(*recorded, "body"))
        request.body = kling::testing::cassette_detail::body_from_json(*body);
    }
    if (n % 2) { // half streamed, as downloads are
      request.on_body = [](std::string_view) { return true; };
    }
    check(tape->send(request));
  }
  return 0;
}
