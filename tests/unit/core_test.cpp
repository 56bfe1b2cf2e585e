// The core layer: result, error, UTF-8, Base64, time stamps, URLs, ASCII, random numbers, JSON helpers,
// redaction.
#include <kling/core.hpp>
#include <kling/fwd.hpp> // first: its declarations, then the definitions they must match

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../support/catch.hpp"

using namespace std::string_literals;

// ----- fwd.hpp --------------------------------------------------------------

// Each name <kling/fwd.hpp> declares is the library's own type: a declaration
// in the wrong namespace would stay incomplete here, and sizeof would not compile.
// (kling::client and httplib_transport: tests/unit/httplib_transport_test.cpp.)
template <class... T>
constexpr bool all_complete() {
  return ((sizeof(T) > 0) && ...);
}
static_assert(
    all_complete<
        kling::violation, kling::error, kling::result<int>, kling::cancellation_token,
        kling::cancellation_source, kling::camera_config, kling::camera_control, kling::voice,
        kling::trajectory_point, kling::dynamic_mask, kling::text_to_video, kling::image_to_video,
        kling::motion_control, kling::omni_image, kling::omni_element, kling::omni_video_reference,
        kling::omni_video, kling::new_element, kling::video, kling::usage, kling::task, kling::task_handle,
        kling::response_info, kling::call_options, kling::element_tag, kling::element,
        kling::element_deletion, kling::rules::report, kling::http_request, kling::http_response,
        kling::any_transport, kling::protocol::retry_policy, kling::protocol::wait_options,
        kling::protocol::page_request, kling::webhooks::verify_options, kling::options, kling::scheduler,
        kling::time_source, kling::wait_progress, kling::wait_settings, kling::download_progress,
        kling::download_settings, kling::download_result, kling::tracker_callbacks, kling::tracker_settings,
        kling::basic_client<kling::any_transport>, kling::basic_task_tracker<kling::any_transport>>(),
    "every type kling/fwd.hpp declares is defined by the library under the same name");
// Enumerations are complete from their declaration: an enumerator proves the name.
static_assert(kling::errc::invalid_request != kling::errc::configuration &&
                  kling::error_cause::none != kling::error_cause::duplicate &&
                  kling::mode::std != kling::mode::pro &&
                  kling::aspect_ratio::square_1_1 != kling::aspect_ratio::portrait_9_16 &&
                  kling::refer_type::base != kling::refer_type::feature &&
                  kling::character_orientation::image != kling::character_orientation::video &&
                  kling::camera_type::simple != kling::camera_type::forward_up &&
                  kling::image_type::first_frame != kling::image_type::end_frame &&
                  kling::route::omni_video != kling::route::text_to_video &&
                  kling::task_status::pending != kling::task_status::processing,
              "every enumeration kling/fwd.hpp declares is the library's");

// ----- result -------------------------------------------------------------

namespace {
kling::result<int> parse_positive(int v) {
  if (v <= 0) return kling::error{kling::errc::invalid_request, "not positive"};
  return v;
}
} // namespace

TEST_CASE("result holds a value or an error, like std::expected", "[core][result]") {
  kling::result<int> ok = 42;
  REQUIRE(ok.has_value());
  REQUIRE(static_cast<bool>(ok));
  CHECK(*ok == 42);
  CHECK(ok.value() == 42);
  CHECK(ok.value_or(7) == 42);

  kling::result<int> bad = kling::error{kling::errc::timeout, "slow"};
  REQUIRE_FALSE(bad.has_value());
  REQUIRE_FALSE(static_cast<bool>(bad));
  CHECK(bad.error().code == kling::errc::timeout);
  CHECK(bad.error().message == "slow");
  CHECK(bad.value_or(7) == 7);

  kling::result<std::string> text = "abc"s;
  CHECK(text->size() == 3);
  std::string moved = *std::move(text);
  CHECK(moved == "abc");

  kling::result<std::vector<int>> by_default;
  CHECK(by_default.has_value());
  CHECK(by_default->empty());
}

TEST_CASE("result::and_then chains fallible steps and short-circuits on error", "[core][result]") {
  int calls = 0;
  auto step = [&](int v) {
    ++calls;
    return parse_positive(v - 10);
  };
  auto good = parse_positive(15).and_then(step);
  REQUIRE(good);
  CHECK(*good == 5);
  CHECK(calls == 1);

  auto first_fails = parse_positive(-1).and_then(step);
  REQUIRE_FALSE(first_fails);
  CHECK(first_fails.error().message == "not positive");
  CHECK(calls == 1); // not called

  auto second_fails = parse_positive(3).and_then(step);
  REQUIRE_FALSE(second_fails);
  CHECK(calls == 2);
}

TEST_CASE("result::map transforms a value and keeps an error", "[core][result]") {
  auto doubled = parse_positive(4).map([](int v) { return std::to_string(v * 2); });
  static_assert(std::is_same<decltype(doubled), kling::result<std::string>>::value, "map changes the type");
  REQUIRE(doubled);
  CHECK(*doubled == "8");

  auto kept = parse_positive(0).map([](int v) { return v * 2; });
  REQUIRE_FALSE(kept);
  CHECK(kept.error().code == kling::errc::invalid_request);

  int seen = 0;
  kling::result<void> nothing = parse_positive(9).map([&](int v) { seen = v; });
  CHECK(nothing.has_value());
  CHECK(seen == 9);

  auto same = parse_positive(2).transform([](int v) { return v + 1; });
  CHECK(*same == 3);
}

TEST_CASE("result::or_else and map_error work on the error only", "[core][result]") {
  auto recovered = parse_positive(-5).or_else([](const kling::error &) { return kling::result<int>(1); });
  REQUIRE(recovered);
  CHECK(*recovered == 1);

  auto untouched = parse_positive(5).or_else([](const kling::error &) { return kling::result<int>(1); });
  CHECK(*untouched == 5);

  auto annotated = parse_positive(-5).map_error([](kling::error e) {
    e.message = "while reading: " + e.message;
    return e;
  });
  REQUIRE_FALSE(annotated);
  CHECK(annotated.error().message == "while reading: not positive");
}

namespace user_serialization {
// A user's own JSON conversions for a result of their own type: the library
// keeps nlohmann from searching for one only for result<json>.
struct reading {
  int value = 0;
};
inline void to_json(kling::json &j, const reading &r) { j = kling::json{{"value", r.value}}; }
inline void to_json(kling::json &j, const kling::result<reading> &r) {
  if (r)
    j = *r;
  else
    j = kling::json{{"error", r.error().message}};
}
inline void from_json(const kling::json &j, kling::result<reading> &r) {
  if (j.contains("error"))
    r = kling::error(kling::errc::parse, j.at("error").get<std::string>());
  else
    r = reading{j.at("value").get<int>()};
}
} // namespace user_serialization

TEST_CASE("a user's to_json and from_json for a result of their own type are found", "[core][result][json]") {
  using user_serialization::reading;
  const kling::result<reading> good = reading{7};
  const kling::result<reading> bad = kling::error(kling::errc::parse, "no reading");
  const kling::json both = std::vector<kling::result<reading>>{good, bad};
  CHECK(both == kling::json::parse(R"([{"value":7},{"error":"no reading"}])"));
  const auto back = both.at(0).get<kling::result<reading>>();
  REQUIRE(back.has_value());
  CHECK(back->value == 7);
  const auto failed = both.at(1).get<kling::result<reading>>();
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().message == "no reading");
  // And a json still becomes a result<json> directly.
  const kling::result<kling::json> wrapped = both;
  CHECK(*wrapped == both);
}

TEST_CASE("result<void> reports success or an error", "[core][result]") {
  kling::result<void> ok;
  CHECK(ok.has_value());
  kling::result<void> bad = kling::error{kling::errc::io, "disk full"};
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == kling::errc::io);

  int ran = 0;
  auto chained = ok.and_then([&]() -> kling::result<int> {
    ++ran;
    return 3;
  });
  CHECK(*chained == 3);
  auto skipped = bad.and_then([&]() -> kling::result<int> {
    ++ran;
    return 3;
  });
  CHECK_FALSE(skipped);
  CHECK(ran == 1);
  CHECK(bad.map([] { return 1; }).error().message == "disk full");
}

namespace {
// Counts the objects alive, to see that a result constructs and destroys
// exactly what it holds when it is copied, moved and assigned across states.
struct counted {
  static int alive;
  std::string text;
  explicit counted(std::string t) : text(std::move(t)) { ++alive; }
  counted(const counted &o) : text(o.text) { ++alive; }
  counted(counted &&o) noexcept : text(std::move(o.text)) { ++alive; }
  counted &operator=(const counted &) = default;
  counted &operator=(counted &&) = default;
  ~counted() { --alive; }
};
int counted::alive = 0;
} // namespace

TEST_CASE("result copies, moves and assigns between a value and an error", "[core][result]") {
  counted::alive = 0;
  {
    kling::result<counted> value = counted("v");
    kling::result<counted> failure = kling::error{kling::errc::timeout, "slow"};
    CHECK(counted::alive == 1);

    kling::result<counted> copy = value; // value -> new
    CHECK(copy->text == "v");
    CHECK(counted::alive == 2);

    copy = failure; // value -> error: the value is destroyed
    REQUIRE_FALSE(copy);
    CHECK(copy.error().message == "slow");
    CHECK(counted::alive == 1);

    copy = value; // error -> value
    REQUIRE(copy);
    CHECK(copy->text == "v");
    CHECK(counted::alive == 2);

    const kling::result<counted> &same = copy;
    copy = same; // self-assignment keeps the value
    CHECK(copy->text == "v");
    CHECK(counted::alive == 2);

    kling::result<counted> moved = std::move(copy);
    CHECK(moved->text == "v");
    CHECK(counted::alive == 3); // the moved-from value still exists, empty

    moved = kling::result<counted>(kling::error{kling::errc::io, "disk"});
    CHECK(moved.error().code == kling::errc::io);
    CHECK(counted::alive == 2);

    failure = counted("w"); // error -> value through a converting constructor
    CHECK(failure->text == "w");
    CHECK(counted::alive == 3);
  }
  CHECK(counted::alive == 0);

  // A move-only value: a vector of results grows by moving them.
  std::vector<kling::result<std::unique_ptr<int>>> many;
  for (int i = 0; i < 100; ++i) {
    if (i % 3 == 0)
      many.emplace_back(kling::error{kling::errc::parse, "item " + std::to_string(i)});
    else
      many.emplace_back(std::make_unique<int>(i));
  }
  CHECK(many[99].error().message == "item 99");
  CHECK(**many[98] == 98);
  static_assert(std::is_nothrow_move_constructible<kling::result<std::unique_ptr<int>>>::value,
                "a result moves without throwing when its value does");
  // The traits tell the truth, so generic code (std::vector, std::optional) picks what works.
  static_assert(!std::is_copy_constructible<kling::result<std::unique_ptr<int>>>::value, "move-only");
  static_assert(!std::is_copy_assignable<kling::result<std::unique_ptr<int>>>::value, "move-only");
  static_assert(std::is_move_assignable<kling::result<std::unique_ptr<int>>>::value, "movable");
  static_assert(std::is_copy_constructible<kling::result<std::string>>::value, "copyable");
  static_assert(std::is_copy_assignable<kling::result<std::string>>::value, "copyable");
  // json states its traits to result (core/json.hpp) instead of having them computed: the same answers.
  using json_traits = kling::detail::value_traits<kling::json>;
  static_assert(json_traits::copy_constructible == std::is_copy_constructible<kling::json>::value);
  static_assert(json_traits::move_constructible == std::is_move_constructible<kling::json>::value);
  static_assert(json_traits::copy_assignable == std::is_copy_assignable<kling::json>::value);
  static_assert(json_traits::move_assignable == std::is_move_assignable<kling::json>::value);
  static_assert(std::is_copy_constructible<kling::result<kling::json>>::value, "copyable");

  // Value to value uses the value's own assignment: it keeps what the value
  // already allocated, as std::expected does.
  kling::result<std::string> text = std::string(100, 'a');
  const char *buffer = text->data();
  const kling::result<std::string> shorter = std::string(80, 'c');
  text = shorter;
  CHECK(*text == std::string(80, 'c'));
  CHECK(text->data() == buffer); // copied into the buffer it had
}

#if KLING_HAS_EXCEPTIONS
namespace {
struct fragile {
  static bool fail;
  int n = 0;
  explicit fragile(int v) : n(v) {}
  fragile(const fragile &o) : n(o.n) {
    if (fail) throw std::runtime_error("copy failed");
  }
  fragile &operator=(const fragile &) = default;
};
bool fragile::fail = false;
} // namespace

TEST_CASE("result keeps its error when the value assigned over it throws while being built",
          "[core][result]") {
  kling::result<fragile> r = kling::error{kling::errc::timeout, "slow"};
  const kling::result<fragile> value = fragile(7);
  fragile::fail = true;
  CHECK_THROWS_AS(r = value, std::runtime_error);
  fragile::fail = false;
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "slow");
  r = value;
  REQUIRE(r);
  CHECK(r->n == 7);
}
#endif

// ----- error --------------------------------------------------------------

TEST_CASE("every error kind has a stable name", "[core][error]") {
  using kling::errc;
  const std::vector<std::pair<errc, std::string>> names = {
      {errc::invalid_request, "invalid_request"},
      {errc::configuration, "configuration"},
      {errc::connection, "connection"},
      {errc::timeout, "timeout"},
      {errc::tls, "tls"},
      {errc::bad_request, "bad_request"},
      {errc::auth, "auth"},
      {errc::permission, "permission"},
      {errc::not_found, "not_found"},
      {errc::rate_limited, "rate_limited"},
      {errc::server, "server"},
      {errc::http, "http"},
      {errc::provider, "provider"},
      {errc::parse, "parse"},
      {errc::task_failed, "task_failed"},
      {errc::cancelled, "cancelled"},
      {errc::deadline_exceeded, "deadline_exceeded"},
      {errc::io, "io"},
      {errc::unknown, "unknown"},
      {errc::malformed_input, "malformed_input"},
      {errc::bad_signature, "bad_signature"},
      {errc::replay, "replay"},
  };
  for (const auto &n : names)
    CHECK(kling::to_string(n.first) == n.second);
  CHECK(std::string(kling::to_string(kling::error_cause::none)) == "none");
  CHECK(std::string(kling::to_string(kling::error_cause::duplicate)) == "duplicate");
}

TEST_CASE("a default error claims no kind of failure", "[core][error]") {
  const kling::error e;
  CHECK(e.code == kling::errc::unknown);
  CHECK(e.cause == kling::error_cause::none);
  CHECK(e.http_status == 0);
  CHECK(kling::to_string(e) == "unknown");
  // A result<void> holding a default error is still an error.
  const kling::result<void> r{kling::error{}};
  CHECK_FALSE(r);
}

TEST_CASE("to_string(error) puts status, provider code, request id and violations on record",
          "[core][error]") {
  kling::error e{kling::errc::rate_limited, "too many requests"};
  e.http_status = 429;
  e.provider_code = "1302";
  e.request_id = "req-9";
  CHECK(kling::to_string(e) ==
        "rate_limited (HTTP 429, provider code 1302): too many requests [request_id req-9]");

  e.cause = kling::error_cause::duplicate;
  CHECK(kling::to_string(e) == "rate_limited (HTTP 429, provider code 1302, cause duplicate): too many "
                               "requests [request_id req-9]");

  kling::error v{kling::errc::invalid_request, "request not sent"};
  v.violations.push_back({"O1-5", "/video_list", "at most 1 video"});
  CHECK(kling::to_string(v) == "invalid_request: request not sent\n  [O1-5] /video_list: at most 1 video");
}

// ----- UTF-8 --------------------------------------------------------------

TEST_CASE("count_code_points counts characters, not bytes", "[core][utf8]") {
  CHECK(*kling::utf8::count_code_points("") == 0);
  CHECK(*kling::utf8::count_code_points("cat") == 3);
  CHECK(*kling::utf8::count_code_points("\xE7\x8C\xAB") == 1);     // 猫, 3 bytes
  CHECK(*kling::utf8::count_code_points("\xF0\x9F\x90\x88") == 1); // 🐈, 4 bytes
  CHECK(*kling::utf8::count_code_points("a\xC3\xA9\xE7\x8C\xAB\xF0\x9F\x90\x88") == 4);
  std::string cjk;
  for (int i = 0; i < 2500; ++i)
    cjk += "\xE7\x8C\xAB";
  CHECK(cjk.size() == 7500);
  CHECK(*kling::utf8::count_code_points(cjk) == 2500);
}

TEST_CASE("count_code_points rejects malformed UTF-8 and says where", "[core][utf8]") {
  struct bad_case {
    std::string bytes;
    std::size_t offset;
  };
  const std::vector<bad_case> cases = {
      {"\x80", 0},             // lone continuation byte
      {"ab\xC3", 2},           // truncated 2-byte sequence
      {"\xE7\x8C", 0},         // truncated 3-byte sequence
      {"\xC0\xAF", 0},         // overlong '/'
      {"\xE0\x80\xAF", 0},     // overlong 3-byte
      {"\xF0\x80\x80\xAF", 0}, // overlong 4-byte
      {"x\xED\xA0\x80", 1},    // UTF-16 surrogate U+D800
      {"\xF4\x90\x80\x80", 0}, // above U+10FFFF
      {"\xF5\x80\x80\x80", 0}, // invalid lead byte
      {"ok\xFF", 2},           // never valid
      {"\xC3\x28", 0},         // bad continuation
  };
  for (const auto &c : cases) {
    auto n = kling::utf8::count_code_points(c.bytes);
    REQUIRE_FALSE(n);
    CHECK(n.error().code == kling::errc::malformed_input);
    CHECK(n.error().message == "malformed UTF-8 at byte " + std::to_string(c.offset));
    CHECK_FALSE(kling::utf8::is_valid(c.bytes));
  }
  CHECK(kling::utf8::is_valid("\xEF\xBF\xBF\xF4\x8F\xBF\xBF")); // U+FFFF, U+10FFFF
}

TEST_CASE("utf8::excerpt cuts at a character boundary and repairs bad bytes", "[core][utf8]") {
  CHECK(kling::utf8::excerpt("hello", 3) == "hel");
  CHECK(kling::utf8::excerpt("a\xE7\x8C\xAB", 3) == "a"); // no half character
  CHECK(kling::utf8::excerpt("a\xE7\x8C\xAB", 4) == "a\xE7\x8C\xAB");
  CHECK(kling::utf8::excerpt("a\xFF"
                             "b",
                             10) == "a\xEF\xBF\xBD"
                                    "b");
  CHECK(kling::utf8::is_valid(kling::utf8::excerpt("\xC3\x28\xFF\xFE", 100)));
}

// ----- Base64 -------------------------------------------------------------

TEST_CASE("Base64 round-trips the RFC 4648 test vectors", "[core][base64]") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto &v : vectors) {
    CHECK(kling::base64::encode(v.first) == v.second);
    auto decoded = kling::base64::decode(v.second);
    REQUIRE(decoded);
    CHECK(*decoded == v.first);
    CHECK(*kling::base64::decoded_size(v.second) == v.first.size());
  }
  std::string all_bytes;
  for (int i = 0; i < 256; ++i)
    all_bytes += static_cast<char>(i);
  CHECK(*kling::base64::decode(kling::base64::encode(all_bytes)) == all_bytes);
}

TEST_CASE("Base64 decoding is strict and names the position of the fault", "[core][base64]") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"Zm9", "length 3 is not a multiple of 4 at character 3"},
      {"Zm9v\n", "length 5 is not a multiple of 4 at character 5"},
      {"Zm 9", "character outside the alphabet at character 2"},
      {"Zm-v", "character outside the alphabet at character 2"}, // URL-safe alphabet is not Base64
      {"Z=9v", "padding before the end at character 1"},
      {"====", "padding before the end at character 0"},
      {"Zm9=Zm9v", "padding before the end at character 3"},
      {"Zh==", "non-zero padding bits at character 1"},
      {"Zm9=", "non-zero padding bits at character 2"},
  };
  for (const auto &b : bad) {
    auto decoded = kling::base64::decode(b.first);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code == kling::errc::malformed_input);
    CHECK(decoded.error().message == "invalid Base64: " + b.second);
  }
}

// The table-driven codec against RFC 4648 done bit by bit, the plainest way
// there is: anything the tables, the groups of four or the chunks get wrong
// shows up as a difference.
namespace {
const std::string base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string reference_encode(const std::string &bytes) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0; // bits not yet written
  for (const char c : bytes) {
    bits = (bits << 8 | static_cast<unsigned char>(c)) & 0xFFFF;
    count += 8;
    for (; count >= 6; count -= 6)
      out += base64_alphabet[bits >> (count - 6) & 63];
  }
  if (count > 0) out += base64_alphabet[bits << (6 - count) & 63];
  while (out.size() % 4 != 0)
    out += '=';
  return out;
}

// For text the reference encoder wrote (no checks).
std::string reference_decode(const std::string &text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    bits = (bits << 6 | static_cast<std::uint32_t>(base64_alphabet.find(c))) & 0xFFFF;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>(bits >> count & 0xFF);
    }
  }
  return out;
}

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto &c : out)
    c = static_cast<char>(rng() & 0xFF);
  return out;
}

// The cases below run each check with both codes: the fastest this processor
// has (what encode and decode use: SSSE3 on x86) and the portable code alone,
// which is what runs where there is nothing faster.
using base64_codec = std::remove_const_t<decltype(kling::base64::detail::fastest)>;
const base64_codec *const base64_codes[] = {&kling::base64::detail::fastest,
                                            &kling::base64::detail::portable};

const char *name_of(const base64_codec &codec) {
  return codec.use == kling::base64::detail::code::fastest ? "the fastest code" : "the portable code";
}
} // namespace

TEST_CASE("Base64: every byte value at every position and offset mod 3 encodes and decodes as RFC 4648 says",
          "[core][base64]") {
  for (const auto *codec : base64_codes) {
    INFO(name_of(*codec));
    // Lengths up to 26 cover the codec's paths: four groups at a time (the SSSE3 code takes four while
    // six are left), single groups, one or two bytes left.
    for (std::size_t length = 1; length <= 26; ++length) {
      const std::string base = random_bytes(length, static_cast<std::uint32_t>(length));
      for (std::size_t pos = 0; pos < length; ++pos) {
        for (int value = 0; value < 256; ++value) {
          std::string bytes = base;
          bytes[pos] = static_cast<char>(value);
          const std::string expected = reference_encode(bytes);
          const std::string encoded = codec->encode(bytes);
          if (encoded != expected) FAIL("encode: byte " << value << " at " << pos << " of " << length);
          const auto decoded = codec->decode(encoded);
          if (!decoded || *decoded != bytes)
            FAIL("decode: byte " << value << " at " << pos << " of " << length);
        }
      }
    }
    // Appended in pieces of multiples of 3 after what the string held: the same text.
    const std::string bytes = random_bytes(100, 7);
    std::string out = "data:image/png;base64,";
    codec->append_encoded(out, std::string_view(bytes).substr(0, 48));
    codec->append_encoded(out, std::string_view(bytes).substr(48, 3));
    codec->append_encoded(out, std::string_view(bytes).substr(51));
    CHECK(out == "data:image/png;base64," + reference_encode(bytes));
  }
}

TEST_CASE("Base64: every character outside the alphabet is reported at its exact position",
          "[core][base64]") {
  for (const auto *codec : base64_codes) {
    INFO(name_of(*codec));
    // 40 characters: ten groups, so a fault falls in a group of four groups or in the single groups after.
    const std::string valid = reference_encode(random_bytes(30, 11));
    const std::string padded = reference_encode(random_bytes(29, 12)); // ends with one '='
    REQUIRE(valid.size() == 40);
    REQUIRE(padded.size() == 40);
    for (int value = 0; value < 256; ++value) {
      const char c = static_cast<char>(value);
      const bool in_alphabet = base64_alphabet.find(c) != std::string::npos;
      for (const std::string &text : {valid, padded}) {
        const std::size_t data_end = text.back() == '=' ? text.size() - 1 : text.size();
        for (std::size_t pos = 0; pos < data_end; ++pos) {
          // The last data character in the alphabet or '=' there: the padding rules, below.
          if (pos + 1 == data_end && (in_alphabet || c == '=')) continue;
          std::string changed = text;
          changed[pos] = c;
          const auto decoded = codec->decode(changed);
          const auto size = codec->decoded_size(changed);
          const auto head = codec->decode(changed, 1); // the whole text is checked, not the first bytes
          if (in_alphabet) {
            if (!decoded || *decoded != reference_decode(changed) || !size || *size != decoded->size() ||
                !head)
              FAIL("'" << c << "' at " << pos << " refused");
            continue;
          }
          const std::string expected =
              "invalid Base64: "s + (c == '=' ? "padding before the end" : "character outside the alphabet") +
              " at character " + std::to_string(pos);
          if (decoded || decoded.error().code != kling::errc::malformed_input ||
              decoded.error().message != expected || size || size.error().message != expected || head ||
              head.error().message != expected)
            FAIL("byte " << value << " at " << pos << ": expected \"" << expected << "\"");
        }
      }
    }
    // The last data character before padding: the bits beyond the decoded bytes must be zero.
    for (const std::size_t padding : {1u, 2u}) {
      for (const char c : base64_alphabet) {
        std::string text = "Zm9vYmFy" + std::string(3 - padding, 'A') + c + std::string(padding, '=');
        const int unused_bits = static_cast<int>(base64_alphabet.find(c)) & (padding == 1 ? 0x3 : 0xF);
        const auto decoded = codec->decode(text);
        if (unused_bits == 0) {
          if (!decoded || *decoded != reference_decode(text)) FAIL(text << " refused");
        } else if (decoded ||
                   decoded.error().message != "invalid Base64: non-zero padding bits at character " +
                                                  std::to_string(text.size() - padding - 1)) {
          FAIL(text << " accepted or reported elsewhere");
        }
      }
    }
  }
}

TEST_CASE("Base64: 1 MB of random bytes round-trips as the reference encodes it", "[core][base64]") {
  for (const auto *codec : base64_codes) {
    INFO(name_of(*codec));
    for (const std::size_t extra : {0u, 1u, 2u}) {
      const std::string bytes = random_bytes((1u << 20) + extra, static_cast<std::uint32_t>(extra));
      const std::string expected = reference_encode(bytes);
      const std::string encoded = codec->encode(bytes);
      REQUIRE(encoded == expected);
      const auto decoded = codec->decode(encoded);
      REQUIRE(decoded);
      CHECK(*decoded == reference_decode(expected));
      CHECK(*decoded == bytes);
      CHECK(*codec->decoded_size(encoded) == bytes.size());
      // Cut off by max_bytes anywhere: in a chunk, at its end, within a group, past the end.
      for (const std::size_t max :
           {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3072}, std::size_t{3073},
            std::size_t{500000}, bytes.size() - 1, bytes.size() + 5}) {
        const auto head = codec->decode(encoded, max);
        REQUIRE(head);
        CHECK(*head == bytes.substr(0, max));
      }
      // A fault deep in the text, far from any chunk boundary and right at one.
      for (const std::size_t pos :
           {std::size_t{4095}, std::size_t{4096}, std::size_t{700001}, encoded.size() - 5}) {
        std::string bad = encoded;
        bad[pos] = '-';
        const auto refused = codec->decode(bad);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().message ==
              "invalid Base64: character outside the alphabet at character " + std::to_string(pos));
      }
    }
  }
}

// ----- time ---------------------------------------------------------------

TEST_CASE("ISO 8601 time stamps as the gateway writes them (P-4)", "[core][time]") {
  auto t = kling::parse_iso8601("2025-01-13T10:00:00.000000Z");
  REQUIRE(t);
  CHECK(t->time_since_epoch() == std::chrono::seconds(1736762400));
  CHECK(kling::format_iso8601(*t) == "2025-01-13T10:00:00.000000Z");

  CHECK(kling::format_iso8601(*kling::parse_iso8601("2025-01-13T10:03:00.5Z")) ==
        "2025-01-13T10:03:00.500000Z");
  CHECK(kling::format_iso8601(*kling::parse_iso8601("2025-01-13T18:00:00+08:00")) ==
        "2025-01-13T10:00:00.000000Z");
  CHECK(kling::format_iso8601(*kling::parse_iso8601("2025-01-13 05:30:00-0430")) ==
        "2025-01-13T10:00:00.000000Z");
  CHECK(kling::format_iso8601(*kling::parse_iso8601("2024-02-29T23:59:59.123456789Z")) ==
        "2024-02-29T23:59:59.123456Z");
  CHECK(kling::format_iso8601(*kling::parse_iso8601("1969-12-31T23:59:59.5Z")) ==
        "1969-12-31T23:59:59.500000Z");

  // P-4: Unix seconds ("created": 1736758800)
  CHECK(kling::format_iso8601(kling::from_unix_seconds(1736758800)) == "2025-01-13T09:00:00.000000Z");

  for (const char *bad : {"", "2025-01-13", "2025-01-13T10:00:00", "2025-13-01T00:00:00Z",
                          "2025-02-29T00:00:00Z", "2025-01-13T24:00:00Z", "2025-01-13T10:00:00.Z",
                          "2025-01-13T10:00:00Zjunk", "2025-01-13T10:00:00+8", "13/01/2025 10:00"}) {
    auto parsed = kling::parse_iso8601(bad);
    CHECK_FALSE(parsed);
    if (!parsed) CHECK(parsed.error().code == kling::errc::parse);
  }

  // A sender known to leave the zone out of UTC times: only the zone may be missing.
  const auto utc = kling::missing_offset::utc;
  REQUIRE(kling::parse_iso8601("2025-01-13T10:00:00", utc));
  CHECK(kling::format_iso8601(*kling::parse_iso8601("2025-01-13T10:00:00", utc)) ==
        "2025-01-13T10:00:00.000000Z");
  CHECK(kling::format_iso8601(*kling::parse_iso8601("2025-01-13T18:00:00+08:00", utc)) ==
        "2025-01-13T10:00:00.000000Z");
  CHECK_FALSE(kling::parse_iso8601("2025-01-13T10:00:00junk", utc));
  CHECK_FALSE(kling::parse_iso8601("2025-01-13T10:00:00 ", utc));
}

TEST_CASE("HTTP dates as Retry-After carries them", "[core][time]") {
  auto t = kling::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(t);
  CHECK(kling::format_iso8601(*t) == "1994-11-06T08:49:37.000000Z");
  CHECK_FALSE(kling::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(kling::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(kling::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  CHECK_FALSE(kling::parse_http_date("120"));
}

// ----- URLs ---------------------------------------------------------------

TEST_CASE("parse_url reads absolute http(s) URLs", "[core][url]") {
  auto u = kling::parse_url("HTTPS://Gateway.Example.com/api/v2/?x=1#top");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "gateway.example.com");
  CHECK(u->port == 443);
  CHECK(u->path == "/api/v2/");
  CHECK(u->query == "x=1");
  CHECK(u->fragment == "top");
  CHECK(u->origin() == "https://gateway.example.com:443");

  auto local = kling::parse_url("http://127.0.0.1:8080");
  REQUIRE(local);
  CHECK(local->port == 8080);
  CHECK(local->path.empty());

  auto v6 = kling::parse_url("http://[::1]:9000/x");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->origin() == "http://[::1]:9000");

  auto user = kling::parse_url("https://user:pw@example.com/");
  REQUIRE(user);
  CHECK(user->userinfo == "user:pw");
  CHECK(user->host == "example.com");

  for (const char *bad :
       {"", "example.com/path", "ftp://example.com", "https:/example.com", "https://", "https://:80",
        "https://example.com:0", "https://example.com:65536", "https://example.com:8o",
        "https://exa mple.com", "https://[::1", "//example.com", "https://example.com/a\tb",
        "https://example.com/a\r\nb", "https://example.com/\x7F"}) {
    auto parsed = kling::parse_url(bad);
    CHECK_FALSE(parsed);
    if (!parsed) CHECK(parsed.error().code == kling::errc::malformed_input);
    // split_url, which parse_url is built on, refuses it with the same words.
    auto parts = kling::split_url(bad);
    REQUIRE_FALSE(parts);
    if (!parsed) CHECK(parts.error().message == parsed.error().message);
  }
}

TEST_CASE("library functions pass by name, as any callable, with every compiler", "[core]") {
  // Header-only, each is a function object whose call operator compiles only
  // where it is called; a template of nothing could not be passed by name
  // (Clang and MSVC cannot deduce it).
  std::function parse = kling::parse_url; // its type deduced from the name alone
  REQUIRE(parse("https://example.com/x"));
  CHECK(parse("https://example.com/x")->host == "example.com");

  const std::vector<std::string_view> texts = {"https://a.example/", "not a url"};
  std::vector<kling::result<kling::url>> urls;
  std::transform(texts.begin(), texts.end(), std::back_inserter(urls), kling::parse_url);
  REQUIRE(urls.size() == 2);
  CHECK(urls[0]);
  CHECK_FALSE(urls[1]);

  const auto handle =
      kling::parse_json(R"({"task_id":"t-1","provider":"kling"})").and_then(kling::parse_task_handle);
  REQUIRE(handle);
  CHECK(handle->task_id == "t-1");
  const auto broken = kling::parse_json("[1]").and_then(kling::parse_task_handle);
  CHECK_FALSE(broken);
}

TEST_CASE("split_url gives a URL's parts as written, without copying them", "[core][url]") {
  const std::string text = "HTTPS://user@Gateway.Example.com:8443/api/v2/?x=1#top";
  auto parts = kling::split_url(text);
  REQUIRE(parts);
  CHECK(parts->scheme == "HTTPS");
  CHECK(parts->userinfo == "user");
  CHECK(parts->host == "Gateway.Example.com");
  CHECK(parts->port == 8443);
  CHECK(parts->path == "/api/v2/");
  CHECK(parts->query == "x=1");
  CHECK(parts->fragment == "top");
  // Views into the text itself.
  CHECK(parts->host.data() == text.data() + text.find("Gateway"));
  CHECK(kling::split_url("http://[::1]/")->host == "::1");
  CHECK(kling::split_url("http://example.com")->port == 80);
  CHECK(kling::split_url("https://example.com")->port == 443);
}

TEST_CASE("append_hex writes a value's low digits, most significant first, zero-padded", "[core][ascii]") {
  std::string out = "x";
  kling::ascii::append_hex(out, 0xABCDEF0123456789ull, 16);
  CHECK(out == "xabcdef0123456789");
  out.clear();
  kling::ascii::append_hex(out, 0xABCDEF0123456789ull, 8); // the low 32 bits only
  CHECK(out == "23456789");
  out.clear();
  kling::ascii::append_hex(out, 0x0Full, 2, kling::ascii::hex_case::upper);
  kling::ascii::append_hex(out, 0xE7ull, 2, kling::ascii::hex_case::upper);
  CHECK(out == "0FE7");
  out.clear();
  kling::ascii::append_hex(out, 0xFFFFFFFFFFFFFFFFull, 18); // wider than 64 bits: zeros in front
  CHECK(out == "00ffffffffffffffff");
  out.clear();
  kling::ascii::append_hex(out, 0x5ull, 0);
  kling::ascii::append_hex(out, 0x5ull, -2147483647 - 1); // no overflow in the digit count either
  CHECK(out.empty());
  static_assert(kling::ascii::hex_digit(10) == 'a' &&
                kling::ascii::hex_digit(0x1F, kling::ascii::hex_case::upper) == 'F');
}

TEST_CASE("loopback hosts and percent-encoding", "[core][url]") {
  for (const char *h : {"localhost", "127.0.0.1", "127.1.2.3", "::1"})
    CHECK(kling::is_loopback_host(h));
  for (const char *h : {"example.com", "127.0.0.1.example.com", "10.0.0.1", "128.0.0.1", "localhost.evil"}) {
    CHECK_FALSE(kling::is_loopback_host(h));
  }
  CHECK(kling::percent_encode("task_abc-1.2~") == "task_abc-1.2~");
  CHECK(kling::percent_encode("a b/c?d#e%") == "a%20b%2Fc%3Fd%23e%25");
  CHECK(kling::percent_encode("\xE7\x8C\xAB") == "%E7%8C%AB");
  CHECK(kling::encode_query({{"page_num", "1"}, {"q", "a&b"}}) == "page_num=1&q=a%26b");
}

// ----- ASCII and pseudo-random numbers -------------------------------------

TEST_CASE("ASCII case folding and classes ignore the locale and leave other bytes alone", "[core][ascii]") {
  CHECK(kling::ascii::to_lower("Kling-Video-O1 \xC3\x84") == "kling-video-o1 \xC3\x84");
  CHECK(kling::ascii::equals_ignoring_case("Content-Length", "content-LENGTH"));
  CHECK_FALSE(kling::ascii::equals_ignoring_case("Content-Length", "Content-Lengt"));
  CHECK_FALSE(kling::ascii::equals_ignoring_case("\xC3\x84", "\xC3\xA4")); // not ASCII: never folded
  CHECK(kling::ascii::starts_with_ignoring_case("DATA:image/png", "data:"));
  CHECK_FALSE(kling::ascii::starts_with_ignoring_case("dat", "data:"));
  CHECK(kling::ascii::ends_with_ignoring_case("image/png;BASE64", ";base64"));
  CHECK_FALSE(kling::ascii::ends_with_ignoring_case("image/png;base32", ";base64"));
  CHECK(kling::ascii::is_hex_digit('F'));
  CHECK_FALSE(kling::ascii::is_hex_digit('g'));
  static_assert(kling::ascii::equals_ignoring_case("ABC", "abc"), "usable in constant expressions");
}

TEST_CASE("one test for control characters serves identifiers and header values", "[core][ascii]") {
  CHECK_FALSE(kling::ascii::has_control_character("task_1"));
  CHECK(kling::ascii::has_control_character("task\r\n1"));
  CHECK(kling::ascii::has_control_character(std::string("a\0b", 3)));
  CHECK(kling::ascii::has_control_character("a\x7F"));
  CHECK(kling::ascii::has_control_character("a\tb"));
  CHECK_FALSE(kling::ascii::has_control_character("a\tb", "\t"));
  // A header value may hold a tab, never a line break.
  CHECK(kling::is_header_value("Bearer a\tb"));
  CHECK_FALSE(kling::is_header_value("Bearer a\r\nX-Injected: 1"));
  CHECK_FALSE(kling::is_header_value("a\x7F"));
}

TEST_CASE("splitmix64 repeats the reference sequence and stays in its bounds", "[core][random]") {
  kling::splitmix64 zero{0}; // the published first outputs for seed 0
  CHECK(zero.next() == 0xE220A8397B1DCDAFull);
  CHECK(zero.next() == 0x6E789E6AA1B965F4ull);
  CHECK(zero.next() == 0x06C45D188009454Full);
  kling::splitmix64 a{42}, b{42};
  CHECK(a.next() == b.next()); // the same seed, the same draws
  for (int i = 0; i < 1000; ++i) {
    const double u = a.unit();
    CHECK((u >= 0.0 && u < 1.0));
    CHECK(b.up_to(9) <= 9);
  }
  CHECK(kling::splitmix64{7}.up_to(0) == 0);
  CHECK(kling::random_seed() != 0);
  // Seeds of generated ids: two draws in a row differ, from the system's
  // source and from the fallback used when it cannot be read.
  CHECK(kling::random_seed() != kling::random_seed());
  const std::uint64_t first = kling::random_detail::clock_seed(), second = kling::random_detail::clock_seed();
  CHECK(first != second);
}

// ----- JSON helpers -------------------------------------------------------

TEST_CASE("parse_json returns errors instead of throwing", "[core][json]") {
  auto ok = kling::parse_json(R"({"a": [1, 2]})");
  REQUIRE(ok);
  CHECK((*ok)["a"].size() == 2);

  for (const char *bad : {"", "{", "{\"a\":}", "<html>", "[1,]", "nul", "{\"a\":1} trailing"}) {
    auto parsed = kling::parse_json(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == kling::errc::parse);
    CHECK(parsed.error().message.rfind("not valid JSON", 0) == 0);
  }
  // A NUL byte ends nlohmann's input: without the check, "2\0junk" would parse as 2.
  for (std::string_view with_nul :
       {std::string_view("2\0]}", 4), std::string_view("{}\0", 3), std::string_view("{\"a\":\"x\0\"}", 10)}) {
    auto parsed = kling::parse_json(with_nul);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == kling::errc::parse);
    CHECK(parsed.error().message.find("NUL byte at offset") != std::string::npos);
  }
  CHECK(kling::parse_json("{\"a\":\"x\\u0000\"}")); // an escaped NUL is JSON
  auto located = kling::parse_json("{\"a\": tru}");
  REQUIRE_FALSE(located);
  CHECK(located.error().message.find("column") != std::string::npos);
}

TEST_CASE("dump_json never throws on invalid UTF-8", "[core][json]") {
  kling::json j = {{"text", std::string("a\xFF"
                                        "b")}};
  CHECK(kling::dump_json(j) == "{\"text\":\"a\xEF\xBF\xBD"
                               "b\"}");
}

TEST_CASE("find_member and JSON pointers", "[core][json]") {
  const kling::json j = {{"a", 1}, {"b", nullptr}};
  CHECK(kling::find_member(j, "a") != nullptr);
  CHECK(kling::find_member(j, "b") != nullptr);
  CHECK(kling::find_member(j, "c") == nullptr);
  CHECK(kling::find_member(kling::json::array(), "a") == nullptr);
  CHECK(kling::pointer_child("", "video_list") == "/video_list");
  CHECK(kling::pointer_child(kling::pointer_child("/video_list", 0), "refer_type") ==
        "/video_list/0/refer_type");
  CHECK(kling::pointer_child("", "a/b~c") == "/a~1b~0c");
}

TEST_CASE("field_reader reads members and names the first one of the wrong type", "[core][json]") {
  const kling::json body = {{"id", 842130978230767622ULL},
                            {"name", "x"},
                            {"count", 5.0},
                            {"when", 1736758800},
                            {"flag", true},
                            {"none", nullptr},
                            {"bad", "text"},
                            {"neg", -3}};
  kling::field_reader r(body, "/data");
  std::string id, name, none = "kept";
  int count = 0;
  bool flag = false;
  std::optional<kling::timestamp> when;
  CHECK(r.id("id", id));
  CHECK(id == "842130978230767622");
  CHECK(r.text("name", name));
  CHECK(r.integer("count", count));
  CHECK(count == 5);
  CHECK(r.time("when", when));
  CHECK(kling::format_iso8601(*when) == "2025-01-13T09:00:00.000000Z");
  CHECK(r.boolean("flag", flag));
  CHECK_FALSE(r.text("none", none)); // null is "absent"
  CHECK(none == "kept");
  CHECK(r.ok());

  unsigned u = 0;
  CHECK_FALSE(r.integer("neg", u)); // out of range for unsigned
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().message == "/data/neg: expected an integer in range, got number");
  double d = 0;
  CHECK_FALSE(r.number("bad", d));
  CHECK(r.failure().message == "/data/neg: expected an integer in range, got number"); // first one wins

  kling::field_reader not_object(kling::json::array());
  CHECK_FALSE(not_object.ok());
  CHECK(not_object.failure().message == "/: expected an object, got array");
}

TEST_CASE("field_reader finds every member of small and large objects alike", "[core][json]") {
  // A reader lists the members of a small object once (up to 16) and
  // searches a large one: at every size around the limit (2, 3, 15, 16, 17
  // and 42 members with the two below), each member is found, a null member
  // and a missing one are absent, and a wrong type is named.
  for (int size : {0, 1, 13, 14, 15, 40}) {
    kling::json body = kling::json::object();
    for (int i = 0; i < size; ++i)
      body["m" + std::to_string(i)] = "v" + std::to_string(i);
    body["null_member"] = nullptr; // one more member, null
    body["number"] = 7;
    kling::field_reader r(body);
    for (int i = 0; i < size; ++i) {
      std::string value;
      CHECK(r.text("m" + std::to_string(i), value));
      CHECK(value == "v" + std::to_string(i));
    }
    std::string untouched = "kept";
    CHECK_FALSE(r.text("null_member", untouched));
    CHECK_FALSE(r.text("m" + std::to_string(size), untouched)); // not there
    CHECK_FALSE(r.text("m", untouched));                        // a prefix of names that are
    CHECK(untouched == "kept");
    CHECK(r.ok());
    CHECK_FALSE(r.text("number", untouched));
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "/number: expected a string, got number");
  }
}

// ----- redaction ----------------------------------------------------------

TEST_CASE("redact removes every occurrence of a secret", "[core][secrets]") {
  CHECK(kling::redact("key sk-123 and sk-123 again", "sk-123") == "key [REDACTED] and [REDACTED] again");
  CHECK(kling::redact("nothing here", "sk-123") == "nothing here");
  CHECK(kling::redact("a b c", "") == "a b c");
  CHECK(kling::redact("aaaa", "aa") == "aaaa"); // too short to be a secret
}

TEST_CASE("JSON nested deeper than the limit is refused, not a stack overflow", "[core][json]") {
  std::string deep = "{\"id\":\"t\",\"extra\":";
  for (int i = 0; i < 100000; ++i)
    deep += '[';
  for (int i = 0; i < 100000; ++i)
    deep += ']';
  deep += '}';
  auto parsed = kling::parse_json(deep);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message == "JSON nested deeper than 128 levels");
  std::string ok = std::string(128, '[') + std::string(128, ']');
  CHECK(kling::parse_json(ok));
  const auto one_too_deep = kling::parse_json(std::string(129, '[') + std::string(129, ']'));
  REQUIRE_FALSE(one_too_deep);
  CHECK(one_too_deep.error().message == "JSON nested deeper than 128 levels");
  // More brackets than the limit, side by side, are not deep.
  std::string wide = "[";
  for (int i = 0; i < 200; ++i)
    wide += "[{}],";
  wide += "[]]";
  const auto shallow = kling::parse_json(wide);
  REQUIRE(shallow);
  CHECK(shallow->size() == 201);
  // Brackets inside strings do not count.
  CHECK(kling::parse_json("{\"text\":\"" + std::string(1000, '[') + "\\\"[\"}"));
  CHECK_FALSE(kling::parse_callback(deep));
}

TEST_CASE("field_reader refuses floats at the edge of an integer's range", "[core][json]") {
  const kling::json body = {
      {"big", 9223372036854775808.0}, {"fits", 9007199254740992.0}, {"neg", -9223372036854775808.0}};
  kling::field_reader r(body);
  std::int64_t v = 0;
  CHECK(r.integer("fits", v));
  CHECK(v == 9007199254740992LL);
  CHECK(r.integer("neg", v));
  CHECK(v == std::numeric_limits<std::int64_t>::min());
  CHECK_FALSE(r.integer("big", v)); // 2^63 does not fit
  CHECK_FALSE(r.ok());
}

TEST_CASE("field_reader reads an integer exactly when it fits the type asked for", "[core][json]") {
  const kling::json body = kling::json::parse(R"({
    "i32_max": 2147483647, "i32_over": 2147483648, "i32_min": -2147483648, "i32_under": -2147483649,
    "u32_max": 4294967295, "u32_over": 4294967296, "minus_one": -1,
    "u64_max": 18446744073709551615, "i64_over": 9223372036854775808,
    "i8_min_float": -128.0, "i8_under_float": -129.0, "half": 127.5, "two": 2, "one": 1})");
  kling::field_reader r(body);
  std::int32_t i32 = 0;
  CHECK((r.integer("i32_max", i32) && i32 == 2147483647));
  CHECK((r.integer("i32_min", i32) && i32 == std::numeric_limits<std::int32_t>::min()));
  CHECK_FALSE(r.integer("i32_over", i32));
  CHECK_FALSE(r.integer("i32_under", i32));
  std::uint32_t u32 = 0;
  CHECK((r.integer("u32_max", u32) && u32 == 4294967295u));
  CHECK_FALSE(r.integer("u32_over", u32));
  CHECK_FALSE(r.integer("minus_one", u32));
  std::uint64_t u64 = 0;
  CHECK((r.integer("u64_max", u64) && u64 == std::numeric_limits<std::uint64_t>::max()));
  CHECK_FALSE(r.integer("minus_one", u64));
  std::int64_t i64 = 0;
  CHECK((r.integer("minus_one", i64) && i64 == -1));
  CHECK_FALSE(r.integer("i64_over", i64));
  signed char i8 = 0;
  CHECK((r.integer("i8_min_float", i8) && i8 == -128));
  CHECK_FALSE(r.integer("i8_under_float", i8));
  CHECK_FALSE(r.integer("half", i8));
  bool flag = false;
  CHECK((r.integer("one", flag) && flag));
  CHECK_FALSE(r.integer("two", flag));
  CHECK(r.failure().message == "/i32_over: expected an integer in range, got number"); // the first one
}

TEST_CASE("a time stamp without a zone is read as UTC", "[core][json][P-4]") {
  const kling::json body = {
      {"when", "2025-01-13T10:00:00"}, {"bad", "2025-01-13T25:00:00"}, {"junk", "2025-01-13T10:00:00junk"}};
  kling::field_reader r(body);
  std::optional<kling::timestamp> when;
  CHECK(r.time("when", when));
  CHECK(kling::format_iso8601(*when) == "2025-01-13T10:00:00.000000Z");
  CHECK_FALSE(r.time("bad", when));
  kling::field_reader junk(body);
  CHECK_FALSE(junk.time("junk", when));
  CHECK(junk.failure().message == "/junk: missing time zone offset: \"2025-01-13T10:00:00junk\"");
}
