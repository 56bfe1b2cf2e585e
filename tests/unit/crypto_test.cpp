// SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-2 examples,
// RFC 4231), and Standard Webhooks signature verification.
#include <kling/core.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../support/catch.hpp"
#include "../support/text.hpp"

using namespace std::string_literals;

namespace {

// "0b0b..." -> the bytes; the test vectors below are written in hex.
std::string from_hex(std::string_view hex) {
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return kling::crypto::to_hex(kling::crypto::sha256_digest(data));
}

std::string hmac_hex(std::string_view key, std::string_view message) {
  return kling::crypto::to_hex(kling::crypto::hmac_sha256(key, message));
}

using kling_test::contains;

} // namespace

// ----- SHA-256 --------------------------------------------------------------

TEST_CASE("SHA-256 matches the FIPS 180-2 / NIST example vectors", "[crypto]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
            "mnopqrstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("SHA-256 of one million 'a' fed in uneven chunks", "[crypto]") {
  const std::string million(1000000, 'a');
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  CHECK(sha256_hex(million) == expected);

  // Chunk sizes that straddle block boundaries in every way: 1, primes, exactly 64, more than 64.
  const std::vector<std::size_t> sizes = {1, 3, 63, 64, 65, 7, 127, 128, 129, 1000, 0, 4093};
  kling::crypto::sha256 h;
  std::size_t fed = 0;
  for (std::size_t i = 0; fed < million.size(); ++i) {
    const std::size_t n = std::min(sizes[i % sizes.size()], million.size() - fed);
    h.update(std::string_view(million).substr(fed, n));
    fed += n;
  }
  CHECK(kling::crypto::to_hex(h.finish()) == expected);
}

TEST_CASE("incremental SHA-256 equals one-shot for every split point", "[crypto]") {
  // Lengths around the padding edge cases: 55 (length fits), 56 (needs a second block), 64, 119, 120.
  std::string message;
  for (int i = 0; i < 200; ++i)
    message += static_cast<char>(i * 37 + 11);
  for (std::size_t length : {0u, 1u, 55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 128u, 200u}) {
    const std::string_view m = std::string_view(message).substr(0, length);
    const auto one_shot = kling::crypto::sha256_digest(m);
    for (std::size_t split = 0; split <= length; ++split) {
      kling::crypto::sha256 h;
      h.update(m.substr(0, split));
      h.update(m.substr(split));
      INFO("length " << length << ", split at " << split);
      REQUIRE(h.finish() == one_shot);
    }
    // Three pieces, too.
    for (std::size_t a = 0; a <= length; a += 7) {
      for (std::size_t b = a; b <= length; b += 13) {
        kling::crypto::sha256 h;
        h.update(m.substr(0, a));
        h.update(m.substr(a, b - a));
        h.update(m.substr(b));
        REQUIRE(h.finish() == one_shot);
      }
    }
  }
}

TEST_CASE("sha256::finish resets the object for the next message", "[crypto]") {
  kling::crypto::sha256 h;
  h.update("first message");
  (void)h.finish();
  h.update("abc");
  CHECK(kling::crypto::to_hex(h.finish()) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(kling::crypto::to_hex(h.finish()) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("to_hex writes 64 lower-case digits", "[crypto]") {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(i * 8 + 7);
  CHECK(kling::crypto::to_hex(bytes) == "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
}

// ----- HMAC-SHA256 (RFC 4231) ------------------------------------------------

TEST_CASE("HMAC-SHA256 matches RFC 4231 test cases 1-7", "[crypto]") {
  SECTION("1: short key") {
    CHECK(hmac_hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }
  SECTION("2: key shorter than the output") {
    CHECK(hmac_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SECTION("3: combined key and data of 0xaa / 0xdd") {
    CHECK(hmac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  }
  SECTION("4: key 0x01..0x19, data 0xcd") {
    CHECK(hmac_hex(from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd')) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  }
  SECTION("5: truncated to 128 bits") {
    CHECK(hmac_hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) ==
          "a3b6167473100ee06e0c796c2955552b");
  }
  SECTION("6: key larger than the block size is hashed first") {
    CHECK(hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
  SECTION("7: large key and large data") {
    CHECK(hmac_hex(std::string(131, '\xaa'),
                   "This is a test using a larger than block-size key and a larger than block-size data. "
                   "The key needs to be hashed before being used by the HMAC algorithm.") ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
}

TEST_CASE("HMAC-SHA256 keys of exactly the block size are used as they are", "[crypto]") {
  // By RFC 2104 a 64-byte key is padded with nothing and not hashed, so it
  // differs from the HMAC keyed with its hash; a 65-byte key equals the HMAC
  // keyed with its 32-byte hash.
  const std::string key64(64, 'k');
  const std::string key65(65, 'k');
  const auto hash64 = kling::crypto::sha256_digest(key64);
  const auto hash65 = kling::crypto::sha256_digest(key65);
  const std::string hashed64(reinterpret_cast<const char *>(hash64.data()), hash64.size());
  const std::string hashed65(reinterpret_cast<const char *>(hash65.data()), hash65.size());
  CHECK(hmac_hex(key64, "m") != hmac_hex(hashed64, "m"));
  CHECK(hmac_hex(key65, "m") == hmac_hex(hashed65, "m"));
}

TEST_CASE("constant_time_equal compares contents and lengths", "[crypto]") {
  using kling::crypto::constant_time_equal;
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("a\0b"s, "a\0b"s));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "xbc"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("", "a"));
  CHECK_FALSE(constant_time_equal("a\0b"s, "a\0c"s));
  CHECK_FALSE(constant_time_equal("\x80", "\x00"s));
}

// ----- Standard Webhooks ----------------------------------------------------

namespace {

// "whsec_" + Base64 of 32 bytes.
const std::string secret = "whsec_" + kling::base64::encode("kling-cpp webhook test secret 32");
constexpr std::int64_t sent_at = 1700000000;
constexpr std::string_view msg_id = "msg_2mQ8Jq1tHq9bB2c3d4e5f6g7h8i";
constexpr std::string_view body = R"({"task_id":"task_abc123","task_status":"succeed"})";

kling::http_headers headers_for(std::string signature, std::int64_t timestamp = sent_at) {
  return {{"webhook-id", std::string(msg_id)},
          {"webhook-timestamp", std::to_string(timestamp)},
          {"webhook-signature", std::move(signature)},
          {"content-type", "application/json"}};
}

} // namespace

TEST_CASE("Standard Webhooks: the specification's reference example verifies", "[webhooks]") {
  const std::string ref_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string ref_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const std::string ref_body = R"({"test": 2432232314})";
  const std::string ref_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  CHECK(kling::webhooks::sign(ref_secret, ref_id, 1614265330, ref_body) == ref_signature);
  CHECK(kling::webhooks::verify(ref_secret, ref_id, "1614265330", ref_signature, ref_body, 1614265330));
}

TEST_CASE("Standard Webhooks: a signature made with sign() verifies", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  REQUIRE(signature.substr(0, 3) == "v1,");
  CHECK(signature.size() == 3 + 44); // Base64 of 32 bytes
  CHECK(kling::webhooks::verify(secret, msg_id, std::to_string(sent_at), signature, body, sent_at + 5));
  CHECK(kling::webhooks::verify(secret, headers_for(signature), body, sent_at + 5));

  // By definition: Base64(HMAC-SHA256(decoded secret, id "." timestamp "." body)).
  const auto mac = kling::crypto::hmac_sha256("kling-cpp webhook test secret 32",
                                              std::string(msg_id) + ".1700000000." + std::string(body));
  CHECK(signature == "v1," + kling::base64::encode(std::string(mac.begin(), mac.end())));
}

TEST_CASE("Standard Webhooks: sign() makes nothing for an empty id, which verify() refuses", "[webhooks]") {
  // Found by the callback fuzzer: sign() used to sign "" and verify() to refuse it.
  CHECK(kling::webhooks::sign(secret, "", sent_at, body).empty());
  CHECK_FALSE(kling::webhooks::verify(secret, "", std::to_string(sent_at), "v1,AAAA", body, sent_at));
  CHECK_FALSE(kling::webhooks::sign(secret, "m", sent_at, body).empty()); // a one-character id is signed
}

TEST_CASE("Standard Webhooks: a secret without whsec_ is used as raw bytes", "[webhooks]") {
  const std::string raw = "a raw secret";
  const std::string signature = kling::webhooks::sign(raw, msg_id, sent_at, body);
  const auto mac = kling::crypto::hmac_sha256(raw, std::string(msg_id) + ".1700000000." + std::string(body));
  CHECK(signature == "v1," + kling::base64::encode(std::string(mac.begin(), mac.end())));
  CHECK(kling::webhooks::verify(raw, headers_for(signature), body, sent_at));
  CHECK_FALSE(kling::webhooks::verify(secret, headers_for(signature), body, sent_at));
}

TEST_CASE("Standard Webhooks: during rotation any listed v1 signature may match", "[webhooks]") {
  const std::string old_secret = "whsec_" + kling::base64::encode("the secret before the rotation!!");
  const std::string by_old = kling::webhooks::sign(old_secret, msg_id, sent_at, body);
  const std::string by_new = kling::webhooks::sign(secret, msg_id, sent_at, body);
  REQUIRE(by_old != by_new);

  CHECK(kling::webhooks::verify(secret, headers_for(by_old + " " + by_new), body, sent_at));
  CHECK(kling::webhooks::verify(secret, headers_for(by_new + " " + by_old), body, sent_at));
  CHECK(kling::webhooks::verify(old_secret, headers_for(by_old + " " + by_new), body, sent_at));
  // Extra spaces between entries are harmless.
  CHECK(kling::webhooks::verify(secret, headers_for(by_old + "   " + by_new + " "), body, sent_at));

  const std::string third = "whsec_" + kling::base64::encode("neither of the two listed secret");
  const auto failed = kling::webhooks::verify(third, headers_for(by_old + " " + by_new), body, sent_at);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == kling::errc::bad_signature);
  CHECK(failed.error().message == "no v1 signature in webhook-signature matches the message");
}

TEST_CASE("Standard Webhooks: entries of other versions are ignored", "[webhooks]") {
  const std::string v1 = kling::webhooks::sign(secret, msg_id, sent_at, body);
  const std::string mac = v1.substr(3);
  // The right MAC under another version label does not count.
  const auto only_other =
      kling::webhooks::verify(secret, headers_for("v2," + mac + " v1a," + mac), body, sent_at);
  REQUIRE_FALSE(only_other);
  CHECK(only_other.error().code == kling::errc::bad_signature);
  CHECK(only_other.error().message == "webhook-signature holds no v1 signature");

  CHECK(kling::webhooks::verify(secret, headers_for("v2,AAAA v1a,BBBB " + v1), body, sent_at));
  CHECK(kling::webhooks::verify(secret, headers_for("garbage " + v1 + " v2,xyz"), body, sent_at));
  CHECK_FALSE(kling::webhooks::verify(secret, headers_for("v1" + mac), body, sent_at));  // no comma
  CHECK_FALSE(kling::webhooks::verify(secret, headers_for("V1," + mac), body, sent_at)); // labels are exact
}

TEST_CASE("Standard Webhooks: tampering with body, id or timestamp fails", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  const std::string ts = std::to_string(sent_at);
  const auto rejected = [](const kling::result<void> &r) {
    return !r && r.error().code == kling::errc::bad_signature &&
           r.error().message == "no v1 signature in webhook-signature matches the message";
  };
  std::string changed_body(body);
  changed_body.back() = ' ';
  CHECK(rejected(kling::webhooks::verify(secret, msg_id, ts, signature, changed_body, sent_at)));
  CHECK(rejected(kling::webhooks::verify(secret, msg_id, ts, signature, std::string(body) + " ", sent_at)));
  CHECK(rejected(kling::webhooks::verify(secret, "msg_other", ts, signature, body, sent_at)));
  CHECK(rejected(
      kling::webhooks::verify(secret, msg_id, std::to_string(sent_at + 1), signature, body, sent_at)));
  // Leading zeros name the same second but are not the bytes that were signed.
  CHECK(rejected(kling::webhooks::verify(secret, msg_id, "0" + ts, signature, body, sent_at)));

  std::string flipped = signature;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  CHECK(rejected(kling::webhooks::verify(secret, msg_id, ts, flipped, body, sent_at)));
  CHECK(rejected(
      kling::webhooks::verify(secret, msg_id, ts, signature.substr(0, signature.size() - 1), body, sent_at)));
  CHECK(rejected(kling::webhooks::verify(secret, msg_id, ts, "v1,", body, sent_at)));
}

TEST_CASE("Standard Webhooks: the timestamp must be within the tolerance", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  const auto check = [&](std::int64_t now, const kling::webhooks::verify_options &options = {}) {
    return kling::webhooks::verify(secret, headers_for(signature), body, now, options);
  };
  CHECK(check(sent_at));
  CHECK(check(sent_at + 300));
  CHECK(check(sent_at - 300));

  const auto old = check(sent_at + 301);
  REQUIRE_FALSE(old);
  CHECK(old.error().code == kling::errc::bad_signature);
  CHECK(old.error().message ==
        "webhook-timestamp is too old: 301 s in the past, 1 s beyond the 300 s tolerance");

  const auto future = check(sent_at - 301);
  REQUIRE_FALSE(future);
  CHECK(future.error().code == kling::errc::bad_signature);
  CHECK(future.error().message ==
        "webhook-timestamp is in the future: 301 s ahead of now, 1 s beyond the 300 s tolerance");

  kling::webhooks::verify_options strict;
  strict.tolerance = std::chrono::seconds(10);
  CHECK(check(sent_at + 10, strict));
  CHECK_FALSE(check(sent_at + 11, strict));
  strict.tolerance = std::chrono::seconds(0);
  CHECK(check(sent_at, strict));
  CHECK_FALSE(check(sent_at + 1, strict));
  strict.tolerance = std::chrono::seconds(-5); // read as zero
  CHECK(check(sent_at, strict));
  CHECK_FALSE(check(sent_at - 1, strict));

  // Far apart, without overflow.
  const auto ancient = check(INT64_MAX);
  REQUIRE_FALSE(ancient);
  CHECK(contains(ancient.error().message, "too old"));
  const auto from_far_future = check(INT64_MIN);
  REQUIRE_FALSE(from_far_future);
  CHECK(contains(from_far_future.error().message, "in the future"));
}

TEST_CASE("Standard Webhooks: the timestamp must be an integer", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  for (const char *bad :
       {"abc", "1700000000.5", " 1700000000", "1700000000 ", "+1700000000", "-", "1e9", "0x10"}) {
    const auto r = kling::webhooks::verify(secret, msg_id, bad, signature, body, sent_at);
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::bad_signature);
    CHECK(r.error().message == "webhook-timestamp is not an integer number of seconds");
  }
  const auto huge = kling::webhooks::verify(secret, msg_id, "99999999999999999999", signature, body, sent_at);
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message == "webhook-timestamp is out of range");
  // The extremes of int64 parse (and are then far out of tolerance).
  CHECK(contains(kling::webhooks::verify(secret, msg_id, "9223372036854775807", signature, body, sent_at)
                     .error()
                     .message,
                 "in the future"));
  CHECK(contains(kling::webhooks::verify(secret, msg_id, "-9223372036854775808", signature, body, sent_at)
                     .error()
                     .message,
                 "too old"));
  CHECK(kling::webhooks::verify(secret, msg_id, "9223372036854775808", signature, body, sent_at)
            .error()
            .message == "webhook-timestamp is out of range");
  // A negative timestamp signed by sign() round-trips.
  const std::string negative = kling::webhooks::sign(secret, msg_id, -5, body);
  CHECK(kling::webhooks::verify(secret, msg_id, "-5", negative, body, 0));
}

TEST_CASE("Standard Webhooks: missing headers are named", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  for (const char *name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
    auto headers = headers_for(signature);
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      if (it->first == name) {
        headers.erase(it);
        break;
      }
    }
    const auto r = kling::webhooks::verify(secret, headers, body, sent_at);
    INFO(name);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::bad_signature);
    CHECK(r.error().message == "missing "s + name + " header");
  }
  CHECK(kling::webhooks::verify(secret, kling::http_headers{}, body, sent_at).error().message ==
        "missing webhook-id header");

  const std::string ts = std::to_string(sent_at);
  CHECK(kling::webhooks::verify(secret, "", ts, signature, body, sent_at).error().message ==
        "empty webhook-id header");
  CHECK(kling::webhooks::verify(secret, msg_id, "", signature, body, sent_at).error().message ==
        "empty webhook-timestamp header");
  CHECK(kling::webhooks::verify(secret, msg_id, ts, "", body, sent_at).error().message ==
        "empty webhook-signature header");
  CHECK(kling::webhooks::verify(secret, msg_id, ts, "   ", body, sent_at).error().message ==
        "webhook-signature holds no v1 signature");
}

TEST_CASE("Standard Webhooks: header names match in any case", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  const kling::http_headers upper = {{"WEBHOOK-ID", std::string(msg_id)},
                                     {"Webhook-Timestamp", std::to_string(sent_at)},
                                     {"webHook-SIGNATURE", signature}};
  CHECK(kling::webhooks::verify(secret, upper, body, sent_at));
}

TEST_CASE("Standard Webhooks: a bad secret is reported without quoting it", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  for (const char *bad : {"whsec_not base64!", "whsec_abc", "whsec_Zh==", "whsec_"}) {
    const auto r = kling::webhooks::verify(bad, headers_for(signature), body, sent_at);
    INFO(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::configuration);
    CHECK(contains(r.error().message, "webhook secret"));
    if (std::string_view(bad).size() > 6)
      CHECK_FALSE(contains(r.error().message, std::string(bad).substr(6)));
    CHECK(kling::webhooks::sign(bad, msg_id, sent_at, body).empty());
  }
  CHECK(kling::webhooks::verify("whsec_abc", headers_for(signature), body, sent_at).error().message ==
        "the webhook secret is not valid Base64 after whsec_ (invalid Base64: length 3 is not a multiple of "
        "4 at "
        "character 3)");
  const auto empty = kling::webhooks::verify("", headers_for(signature), body, sent_at);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == kling::errc::configuration);
  CHECK(empty.error().message == "the webhook secret is empty: nothing can be verified with it (to accept "
                                 "callbacks without a signature, call receive_unverified_callback)");
  // A bad secret is reported even when the headers are missing too: it fails every message.
  CHECK(contains(kling::webhooks::verify("whsec_!", kling::http_headers{}, body, sent_at).error().message,
                 "webhook secret"));
}

TEST_CASE("Standard Webhooks: no message carries the secret or the expected signature", "[webhooks]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  const std::string mac = signature.substr(3);
  const std::string key_b64 = secret.substr(6);
  const std::vector<kling::result<void>> failures = {
      kling::webhooks::verify(secret, headers_for("v1,AAAA"), body, sent_at),
      kling::webhooks::verify(secret, headers_for("v2," + mac), body, sent_at),
      kling::webhooks::verify(secret, headers_for(signature), "other body", sent_at),
      kling::webhooks::verify(secret, headers_for(signature), body, sent_at + 1000),
      kling::webhooks::verify(secret, headers_for(signature), body, sent_at - 1000),
      kling::webhooks::verify(secret, msg_id, "x", signature, body, sent_at),
  };
  for (const auto &r : failures) {
    REQUIRE_FALSE(r);
    CHECK(r.error().code == kling::errc::bad_signature);
    CHECK_FALSE(contains(r.error().message, mac));
    CHECK_FALSE(contains(r.error().message, key_b64));
    CHECK_FALSE(contains(r.error().message, "kling-cpp webhook test secret"));
  }
}

// ----- replays ---------------------------------------------------------------------------

TEST_CASE("Standard Webhooks: a message accepted once is a replay within the window", "[webhooks][replay]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  kling::webhooks::memory_replay_store replays;
  kling::webhooks::verify_options options;
  options.tolerance = std::chrono::seconds(300);
  const auto once = [&](const kling::http_headers &headers, std::int64_t now) {
    return kling::webhooks::verify_once(secret, headers, body, now, replays, options);
  };
  REQUIRE(once(headers_for(signature), sent_at + 5));
  CHECK(replays.size() == 1);

  // The same message, at any time its timestamp still passes: a replay.
  for (std::int64_t now : {sent_at + 5, sent_at + 6, sent_at + 300}) {
    const auto again = once(headers_for(signature), now);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == kling::errc::replay);
    CHECK(contains(again.error().message, std::string(msg_id)));
  }
  // After the window the copy is too old, so it fails as a bad signature, not a replay.
  const auto stale = once(headers_for(signature), sent_at + 301);
  REQUIRE_FALSE(stale);
  CHECK(stale.error().code == kling::errc::bad_signature);
  // The sender's retry (same id, new timestamp) within the window is a replay ...
  const std::int64_t retried_at = sent_at + 200;
  const std::string retry = kling::webhooks::sign(secret, msg_id, retried_at, body);
  const auto early = once(headers_for(retry, retried_at), retried_at);
  REQUIRE_FALSE(early);
  CHECK(early.error().code == kling::errc::replay);
  // ... and accepted after it (the store dropped the id at sent_at + 300).
  const std::int64_t later = sent_at + 301;
  CHECK(once(headers_for(kling::webhooks::sign(secret, msg_id, later, body), later), later));
  CHECK(replays.size() == 1);

  // A message that fails verification is not remembered.
  kling::webhooks::memory_replay_store fresh;
  CHECK_FALSE(kling::webhooks::verify_once(secret, headers_for("v1,AAAA"), body, sent_at, fresh));
  CHECK(fresh.size() == 0);
  CHECK(kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at, fresh));

  // forget() lets the next delivery through, for a receiver that could not act on it.
  fresh.forget(msg_id);
  CHECK(kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at, fresh));
  CHECK_FALSE(kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at, fresh));
}

TEST_CASE("Standard Webhooks: the in-memory replay store is bounded", "[webhooks][replay]") {
  kling::webhooks::memory_replay_store store(3);
  CHECK(store.max_ids() == 3);
  // until = the time each id may be dropped after.
  CHECK(store.remember("a", 100, 400));
  CHECK(store.remember("b", 100, 200));
  CHECK(store.remember("c", 100, 300));
  CHECK_FALSE(store.remember("a", 150, 450));
  CHECK(store.size() == 3);
  // Full: the id that expires soonest ("b") makes room.
  CHECK(store.remember("d", 150, 450));
  CHECK(store.size() == 3);
  CHECK(store.remember("b", 150, 450));       // "b" was dropped
  CHECK_FALSE(store.remember("d", 150, 450)); // "d" was kept
  // Expired ids go first: at 401, "a" (until 400) and "c" (until 300) are gone.
  CHECK(store.remember("e", 401, 700));
  CHECK(store.size() == 3);
  CHECK(store.remember("a", 401, 700));
  CHECK_FALSE(store.remember("e", 402, 700));
  // An id is kept through its own time, inclusive.
  CHECK_FALSE(store.remember("a", 700, 900));
  CHECK(store.remember("a", 701, 900));
  // A bound of 0 means 1: a store always holds the latest id.
  kling::webhooks::memory_replay_store tiny(0);
  CHECK(tiny.max_ids() == 1);
  CHECK(tiny.remember("x", 0, 10));
  CHECK_FALSE(tiny.remember("x", 0, 10));
  CHECK(tiny.remember("y", 0, 10));
  CHECK(tiny.remember("x", 0, 10));
}

TEST_CASE("Standard Webhooks: concurrent deliveries of one message accept it once", "[webhooks][replay]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  kling::webhooks::memory_replay_store replays(16);
  std::atomic<int> accepted{0};
  std::atomic<int> refused_as_replay{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) { // at most the WebAssembly build's pool of workers
    threads.emplace_back([&] {
      const auto r = kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at, replays);
      if (r)
        ++accepted;
      else if (r.error().code == kling::errc::replay)
        ++refused_as_replay;
    });
  }
  for (auto &t : threads)
    t.join();
  CHECK(accepted == 1);
  CHECK(refused_as_replay == 3);
}

namespace {
// A store as a receiver backed by its own database would write one: here, a
// map that counts its calls.
struct counting_store final : kling::webhooks::replay_store {
  std::map<std::string, std::int64_t> ids;
  int remembered = 0;
  bool remember(std::string_view id, std::int64_t now, std::int64_t until) override {
    ++remembered;
    auto found = ids.find(std::string(id));
    if (found != ids.end() && found->second >= now) return false;
    ids[std::string(id)] = until;
    return true;
  }
  void forget(std::string_view id) override { ids.erase(std::string(id)); }
};
} // namespace

TEST_CASE("Standard Webhooks: the replay store is the caller's to supply", "[webhooks][replay]") {
  const std::string signature = kling::webhooks::sign(secret, msg_id, sent_at, body);
  counting_store store;
  kling::webhooks::verify_options options;
  options.tolerance = std::chrono::seconds(60);
  CHECK(kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at + 10, store, options));
  REQUIRE(store.ids.count(std::string(msg_id)) == 1);
  CHECK(store.ids[std::string(msg_id)] == sent_at + 60); // the message's timestamp plus the tolerance
  const auto again =
      kling::webhooks::verify_once(secret, headers_for(signature), body, sent_at + 20, store, options);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == kling::errc::replay);
  CHECK(store.remembered == 2);
  // An empty secret fails before the store is asked.
  const auto no_secret =
      kling::webhooks::verify_once("", headers_for(signature), body, sent_at, store, options);
  REQUIRE_FALSE(no_secret);
  CHECK(no_secret.error().code == kling::errc::configuration);
  CHECK(store.remembered == 2);
}
