// libFuzzer harness for kling::webhooks::verify and verify_once: arbitrary header values and
// bodies must give a result, never a crash, hang or sanitizer report.
//
// Input layout: the first byte picks the secret and the clock; the rest is
// split at '\n' into id, timestamp, signature and body (the body takes
// everything after the third '\n'). Half the time the signature is replaced by
// a correct one, so the fuzzer also reaches the comparison and the success path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kling/protocol/webhooks.hpp"

#include "fuzz_support.hpp"

KLING_FUZZ_TARGET(webhook_verify_fuzz) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  std::string_view rest(reinterpret_cast<const char *>(data + 1), size - 1);

  static constexpr std::string_view secrets[] = {
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", // valid Base64
      "a raw secret",                           // used as bytes
      "whsec_not base64!",                      // rejected
      "",                                       // rejected
  };
  const std::string_view secret = secrets[control & 3];
  // The clock: near the timestamps a fuzzer tends to write, or at the extremes.
  static constexpr std::int64_t clocks[] = {0, 1614265330, INT64_MIN, INT64_MAX};
  const std::int64_t now = clocks[(control >> 2) & 3];

  const std::string_view id = kling_fuzz::next_line(rest);
  const std::string_view timestamp = kling_fuzz::next_line(rest);
  std::string_view signature = kling_fuzz::next_line(rest);
  const std::string_view body = rest;

  kling::webhooks::verify_options options;
  options.tolerance =
      std::chrono::seconds((control >> 4) & 1 ? 300 : static_cast<std::int64_t>(control) - 200);

  std::string made;
  bool signed_as_sent = false;
  if (control & 0x20) {
    // A correct signature, added to the fuzzed list; it matches when the
    // timestamp is written the way sign() writes it.
    const long long seconds = std::strtoll(std::string(timestamp).c_str(), nullptr, 10);
    const std::string correct = kling::webhooks::sign(secret, id, seconds, body);
    signed_as_sent = !correct.empty() && std::to_string(seconds) == timestamp;
    made = std::string(signature) + " " + correct;
    signature = made;
  }

  const auto checked = kling::webhooks::verify(secret, id, timestamp, signature, body, now, options);
  // A secret that cannot verify is the receiver's configuration; anything else is the message's fault.
  const bool usable_secret = (control & 3) < 2;
  if (!checked &&
      checked.error().code != (usable_secret ? kling::errc::bad_signature : kling::errc::configuration))
    std::abort();
  // A correct v1 entry must be found whatever else the list holds.
  if (signed_as_sent && !checked &&
      checked.error().message == "no v1 signature in webhook-signature matches the message") {
    std::abort();
  }

  const kling::http_headers headers = {{"Webhook-Id", std::string(id)},
                                       {"webhook-timestamp", std::string(timestamp)},
                                       {"WEBHOOK-SIGNATURE", std::string(signature)}};
  const auto via_headers = kling::webhooks::verify(secret, headers, body, now, options);
  // Both forms read the same values, so they must agree.
  if (via_headers.has_value() != checked.has_value()) std::abort();
  if (!checked && via_headers.error().message != checked.error().message) std::abort();

  // verify_once agrees with verify on the first delivery, and calls the second a replay.
  kling::webhooks::memory_replay_store replays(4);
  const auto first = kling::webhooks::verify_once(secret, headers, body, now, replays, options);
  if (first.has_value() != checked.has_value()) std::abort();
  const auto again = kling::webhooks::verify_once(secret, headers, body, now, replays, options);
  if (again || (checked && again.error().code != kling::errc::replay)) std::abort();
  return 0;
}
