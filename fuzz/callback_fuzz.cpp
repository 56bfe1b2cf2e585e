// Callbacks as a receiver gets them: headers, a signature and a body. The
// first byte picks the secret, whether the signature is made correctly and
// the clock; the rest is "id\ntimestamp\nbody". A body whose signature is
// correct must pass verification and then be parsed.
#include <kling/core.hpp>

#include <string>

#include "fuzz_support.hpp"

using kling_fuzz::check;
using kling_fuzz::require;

KLING_FUZZ_TARGET(callback_fuzz) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  std::string_view rest = kling_fuzz::bytes(data + 1, size - 1);
  const std::string_view id = kling_fuzz::next_line(rest);
  const std::string_view timestamp = kling_fuzz::next_line(rest);
  const std::string_view body = rest;

  static constexpr std::string_view secrets[] = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "raw secret"};
  const std::string_view secret = secrets[control & 1];
  const std::int64_t now = (control & 2) ? 1614265330 : 0;

  std::string signature = "v1,bm90IGEgc2lnbmF0dXJl";
  bool signed_correctly = false;
  const std::string stamp = std::to_string(now);
  if (control & 4) {
    signature = kling::webhooks::sign(secret, id, now, body);
    signed_correctly = !signature.empty();
  }
  const kling::http_headers headers = {{"webhook-id", std::string(id)},
                                       {"webhook-timestamp", (control & 4) ? stamp : std::string(timestamp)},
                                       {"webhook-signature", signature}};
  kling::webhooks::memory_replay_store replays; // one per input: inputs are independent messages
  auto received = kling::receive_callback(secret, headers, body, now, replays);
  check(received);
  auto parsed = kling::parse_callback(body);
  check(parsed);
  if (signed_correctly) { // verified: the outcome is the parser's
    require(received.has_value() == parsed.has_value());
  }
  if (parsed) require(!parsed->id.empty() || !parsed->external_task_id.empty());
  return 0;
}
