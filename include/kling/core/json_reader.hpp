// field_reader: reads the members of one JSON object into C++ fields and
// remembers the first one of the wrong type, with its JSON pointer, so code
// that parses answers stays a flat list of fields and never crashes on
// hostile JSON (C-9, P-2).
//
//   field_reader r(body);
//   r.text("status", t.status_text);
//   r.time("created_at", t.created_at);
//   if (!r.ok()) return r.failure();   // parse error: "/created_at: expected ..."
//
// Thread safety: one reader per thread; it only reads the JSON it was given.
#ifndef KLING_CORE_JSON_READER_HPP
#define KLING_CORE_JSON_READER_HPP

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kling/core/json.hpp"
#include "kling/core/time.hpp"

KLING_NAMESPACE_BEGIN

class field_reader {
public:
  KLING_LAZY explicit field_reader(const json &object, std::string path = "");

  bool ok() const { return !failure_.has_value(); }
  // The first problem found; valid only when !ok().
  KLING_LAZY error failure() const;
  const std::string &path() const { return path_; }
  KLING_LAZY std::string path_of(std::string_view key) const;

  // The member, or nullptr when absent or null (the gateway sends null for "none").
  KLING_LAZY const json *get(std::string_view key) const;

  // Records a missing required member. Returns false so callers can chain.
  KLING_LAZY bool require(std::string_view key);

  // Each reader leaves `out` untouched and returns false when the member is
  // absent or null; a member of the wrong type also records a failure.
  KLING_LAZY bool text(std::string_view key, std::string &out);

  // An identifier sent as a string or as an integer, kept exactly as text
  // (element ids exceed 2^53, so they must never pass through a double).
  KLING_LAZY bool id(std::string_view key, std::string &out);

  KLING_LAZY bool number(std::string_view key, double &out);

  template <class Int>
  bool integer(std::string_view key, Int &out) {
    static_assert(std::is_integral<Int>::value, "integer() reads into an integral type");
    std::int64_t as_signed = 0;
    std::uint64_t as_unsigned = 0;
    if (!integer_value(key, std::is_signed<Int>::value, std::numeric_limits<Int>::digits, as_signed,
                       as_unsigned))
      return false;
    out = std::is_signed<Int>::value ? static_cast<Int>(as_signed) : static_cast<Int>(as_unsigned);
    return true;
  }

  KLING_LAZY bool boolean(std::string_view key, bool &out);

  // A time as ISO 8601 text or as Unix seconds (P-4), or milliseconds.
  KLING_LAZY bool time(std::string_view key, std::optional<timestamp> &out);

  // A nested object or array, type-checked; nullptr when absent or wrong.
  KLING_LAZY const json *object(std::string_view key);
  KLING_LAZY const json *array(std::string_view key);

  // Records a failure of the caller's own (first one wins).
  KLING_LAZY void fail(std::string message);

private:
  // integer() for any integral type: one of `digits` value bits, signed or
  // not, given as as_signed (signed) or as_unsigned (unsigned).
  KLING_LAZY bool integer_value(std::string_view key, bool is_signed, int digits, std::int64_t &as_signed,
                                std::uint64_t &as_unsigned);
  KLING_LAZY const json *container(std::string_view key, bool want_object);

  KLING_LAZY bool wrong(std::string_view key, std::string_view expected, const json &got);
  KLING_LAZY void fail_at(const std::string &where, const std::string &what, const json &got);

  const json &object_;
  std::string path_;
  std::optional<error> failure_;
  // The members of a small object, listed once: readers ask for many members
  // an answer does not have, and comparing a few names costs less than a
  // search of the map for each. Larger objects are searched.
  static constexpr std::size_t listed_members_max = 16;
  std::pair<std::string_view, const json *> listed_[listed_members_max];
  std::size_t listed_count_ = 0;
  bool listed() const { return object_.is_object() && object_.size() <= listed_members_max; }
};

KLING_NAMESPACE_END

// A field_reader is built from a json, never read from one (core/json.hpp says why this matters).
namespace nlohmann {
template <>
struct adl_serializer<kling::field_reader, void> {};
} // namespace nlohmann

#endif // KLING_CORE_JSON_READER_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_JSON_READER_IPP)
#define KLING_CORE_JSON_READER_IPP

#include <cmath>

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF field_reader::field_reader(const json &object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    fail_at(path_, "expected an object", object_);
    return;
  }
  if (!listed()) return;
  for (const auto &member : object_.get_ref<const json::object_t &>())
    listed_[listed_count_++] = {member.first, &member.second};
}

KLING_LAZY_DEF error field_reader::failure() const {
  return failure_ ? *failure_ : error{errc::parse, "no failure"};
}

KLING_LAZY_DEF std::string field_reader::path_of(std::string_view key) const {
  return pointer_child(path_, key);
}

KLING_LAZY_DEF const json *field_reader::get(std::string_view key) const {
  const json *m = nullptr;
  if (listed()) {
    for (std::size_t i = 0; i < listed_count_ && !m; ++i)
      if (listed_[i].first == key) m = listed_[i].second;
  } else {
    m = find_member(object_, key);
  }
  return m && !m->is_null() ? m : nullptr;
}

KLING_LAZY_DEF bool field_reader::integer_value(std::string_view key, bool is_signed, int digits,
                                                std::int64_t &as_signed, std::uint64_t &as_unsigned) {
  const json *m = get(key);
  if (!m) return false;
  // The largest value: 2^digits - 1; the smallest, signed: -2^digits.
  const std::uint64_t largest =
      digits >= 64 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << digits) - 1;
  if (m->is_number_unsigned()) {
    const auto v = m->get<std::uint64_t>();
    if (v <= largest) {
      as_unsigned = v;
      as_signed = is_signed ? static_cast<std::int64_t>(v) : 0; // signed: largest < 2^63
      return true;
    }
  } else if (m->is_number_integer()) {
    const auto v = m->get<std::int64_t>();
    const bool fits =
        is_signed ? v >= -static_cast<std::int64_t>(largest) - 1 && v <= static_cast<std::int64_t>(largest)
                  : v >= 0 && static_cast<std::uint64_t>(v) <= largest;
    if (fits) {
      as_signed = v;
      as_unsigned = v >= 0 ? static_cast<std::uint64_t>(v) : 0;
      return true;
    }
  } else if (m->is_number_float()) {
    // 5.0 where an integer is meant is common; 5.5 is not an integer.
    // Bounds as powers of two: (double)INT64_MAX rounds up to 2^63, which is out of range.
    const double v = m->get<double>();
    const double upper = std::ldexp(1.0, digits);
    const double lower = is_signed ? -upper : 0.0;
    if (std::floor(v) == v && v >= lower && v < upper) {
      if (is_signed)
        as_signed = static_cast<std::int64_t>(v);
      else
        as_unsigned = static_cast<std::uint64_t>(v);
      return true;
    }
  }
  return wrong(key, "an integer in range", *m);
}

KLING_LAZY_DEF bool field_reader::require(std::string_view key) {
  if (get(key)) return true;
  fail(path_of(key) + ": required member is missing");
  return false;
}

KLING_LAZY_DEF bool field_reader::text(std::string_view key, std::string &out) {
  const json *m = get(key);
  if (!m) return false;
  if (!m->is_string()) return wrong(key, "a string", *m);
  out = m->get_ref<const std::string &>();
  return true;
}

KLING_LAZY_DEF bool field_reader::id(std::string_view key, std::string &out) {
  const json *m = get(key);
  if (!m) return false;
  if (m->is_string())
    out = m->get_ref<const std::string &>();
  else if (m->is_number_unsigned())
    out = std::to_string(m->get<std::uint64_t>());
  else if (m->is_number_integer())
    out = std::to_string(m->get<std::int64_t>());
  else
    return wrong(key, "a string or an integer", *m);
  return true;
}

KLING_LAZY_DEF bool field_reader::number(std::string_view key, double &out) {
  const json *m = get(key);
  if (!m) return false;
  if (!m->is_number()) return wrong(key, "a number", *m);
  out = m->get<double>();
  return true;
}

KLING_LAZY_DEF bool field_reader::boolean(std::string_view key, bool &out) {
  const json *m = get(key);
  if (!m) return false;
  if (!m->is_boolean()) return wrong(key, "true or false", *m);
  out = m->get<bool>();
  return true;
}

KLING_LAZY_DEF bool field_reader::time(std::string_view key, std::optional<timestamp> &out) {
  const json *m = get(key);
  if (!m) return false;
  if (m->is_string()) {
    const std::string &text = m->get_ref<const std::string &>();
    // A gateway that leaves the zone out means UTC.
    auto t = parse_iso8601(text, missing_offset::utc);
    if (!t) {
      fail(path_of(key) + ": " + t.error().message);
      return false;
    }
    out = *t;
    return true;
  }
  if (m->is_number()) {
    // Providers write Unix milliseconds (1722769557708) where the gateway
    // writes seconds: no time stamp in seconds reaches 1e11 (year 5138).
    const double value = m->get<double>();
    if (!(std::fabs(value) < 1e14)) return wrong(key, "Unix seconds or milliseconds in range", *m);
    const double micros = std::fabs(value) < 1e11 ? value * 1e6 : value * 1e3;
    out = timestamp(std::chrono::microseconds(static_cast<std::int64_t>(micros)));
    return true;
  }
  return wrong(key, "an ISO 8601 string or Unix seconds", *m);
}

KLING_LAZY_DEF const json *field_reader::object(std::string_view key) { return container(key, true); }
KLING_LAZY_DEF const json *field_reader::array(std::string_view key) { return container(key, false); }

KLING_LAZY_DEF void field_reader::fail(std::string message) {
  if (!failure_) failure_ = error{errc::parse, std::move(message)};
}

KLING_LAZY_DEF const json *field_reader::container(std::string_view key, bool want_object) {
  const json *m = get(key);
  if (!m) return nullptr;
  if (want_object ? m->is_object() : m->is_array()) return m;
  wrong(key, want_object ? "an object" : "an array", *m);
  return nullptr;
}

KLING_LAZY_DEF bool field_reader::wrong(std::string_view key, std::string_view expected, const json &got) {
  fail_at(path_of(key), "expected " + std::string(expected), got);
  return false;
}

KLING_LAZY_DEF void field_reader::fail_at(const std::string &where, const std::string &what,
                                          const json &got) {
  fail((where.empty() ? "/" : where) + ": " + what + ", got " + got.type_name());
}

KLING_NAMESPACE_END

#endif // KLING_CORE_JSON_READER_IPP
