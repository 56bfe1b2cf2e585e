// Time stamps as the gateway writes them (P-4): ISO 8601 with fractional
// seconds ("2025-01-13T10:00:00.000000Z") and Unix seconds ("created"); and
// the HTTP date of a Retry-After header (RFC 9110, IMF-fixdate).
//
// Thread safety: pure functions (no clock reads, no locale, no time zone database).
#ifndef KLING_CORE_TIME_HPP
#define KLING_CORE_TIME_HPP

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "kling/core/result.hpp"

KLING_NAMESPACE_BEGIN

using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

// What a date-time without a zone offset means.
enum class missing_offset {
  reject, // an error: a time without an offset names no instant
  utc,    // UTC: for a sender known to leave the zone out of UTC times
};

// "2025-01-13T10:00:00Z", "2025-01-13T10:00:00.000000Z", "2025-01-13 10:00:00+08:00".
// Fractions beyond microseconds are truncated; an offset is required unless
// without_offset says what its absence means.
KLING_FUNCTION_OBJECT parse_iso8601_function {
  result<timestamp> operator()(std::string_view text, missing_offset without_offset = missing_offset::reject)
      const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_iso8601) parse_iso8601{};

// "2025-01-13T10:00:00.000000Z": UTC, always six fraction digits, as the gateway writes.
KLING_FUNCTION_OBJECT format_iso8601_function { std::string operator()(timestamp t) const; };
inline constexpr KLING_FUNCTION_TYPE(format_iso8601) format_iso8601{};

KLING_FUNCTION_OBJECT from_unix_seconds_function { timestamp operator()(std::int64_t seconds) const; };
inline constexpr KLING_FUNCTION_TYPE(from_unix_seconds) from_unix_seconds{};

// IMF-fixdate, the form RFC 9110 requires senders to use:
// "Sun, 06 Nov 1994 08:49:37 GMT".
KLING_FUNCTION_OBJECT parse_http_date_function { result<timestamp> operator()(std::string_view text) const; };
inline constexpr KLING_FUNCTION_TYPE(parse_http_date) parse_http_date{};

KLING_NAMESPACE_END

#endif // KLING_CORE_TIME_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_TIME_IPP)
#define KLING_CORE_TIME_IPP

#include <cstdio>

KLING_NAMESPACE_BEGIN

namespace time_detail {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month, day;
};

constexpr civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// A cursor over the text that reads fixed-width fields.
struct scanner {
  std::string_view text;
  std::size_t pos = 0;

  bool digits(std::size_t count, int &out) {
    if (pos + count > text.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    pos += count;
    return true;
  }
  bool literal(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (text.substr(pos, w.size()) == w) {
      pos += w.size();
      return true;
    }
    return false;
  }
  bool done() const { return pos == text.size(); }
};

KLING_LAZY error bad_time(std::string_view what, std::string_view text) {
  return error{errc::parse, std::string(what) + ": \"" + std::string(text.substr(0, 64)) + "\""};
}

KLING_LAZY bool valid_fields(int year, int month, int day, int hour, int minute, int second) {
  return month >= 1 && month <= 12 && day >= 1 &&
         static_cast<unsigned>(day) <= days_in_month(year, static_cast<unsigned>(month)) && hour <= 23 &&
         minute <= 59 && second <= 60; // 60: a leap second, read as :59 + 1 s
}

KLING_LAZY timestamp make_timestamp(int year, int month, int day, int hour, int minute, int second,
                                    std::int64_t micros, std::int64_t offset_seconds) {
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return timestamp(std::chrono::microseconds(seconds * 1000000 + micros));
}

} // namespace time_detail

KLING_LAZY_DEF result<timestamp>
KLING_FUNCTION(parse_iso8601)::operator()(std::string_view text, missing_offset without_offset) const {
  time_detail::scanner s{text};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!(s.digits(4, year) && s.literal('-') && s.digits(2, month) && s.literal('-') && s.digits(2, day) &&
        (s.literal('T') || s.literal('t') || s.literal(' ')) && s.digits(2, hour) && s.literal(':') &&
        s.digits(2, minute) && s.literal(':') && s.digits(2, second))) {
    return time_detail::bad_time("not an ISO 8601 date-time", text);
  }
  std::int64_t micros = 0;
  if (s.literal('.') || s.literal(',')) {
    int digit = 0, count = 0;
    while (s.digits(1, digit)) {
      if (count < 6) micros = micros * 10 + digit;
      ++count;
    }
    if (count == 0) return time_detail::bad_time("empty fraction of a second", text);
    for (; count < 6; ++count)
      micros *= 10;
  }
  std::int64_t offset = 0;
  const bool no_offset = s.done() && without_offset == missing_offset::utc;
  if (!no_offset && !(s.literal('Z') || s.literal('z'))) {
    const bool plus = s.literal('+');
    if (!plus && !s.literal('-')) return time_detail::bad_time("missing time zone offset", text);
    int oh = 0, om = 0;
    const bool hours_ok = s.digits(2, oh);
    s.literal(':'); // "+0800" and "+08:00" are both ISO 8601
    if (!hours_ok || !s.digits(2, om) || oh > 23 || om > 59) {
      return time_detail::bad_time("malformed time zone offset", text);
    }
    offset = (plus ? 1 : -1) * (oh * 3600 + om * 60);
  }
  if (!s.done()) return time_detail::bad_time("trailing characters after the time", text);
  if (!time_detail::valid_fields(year, month, day, hour, minute, second)) {
    return time_detail::bad_time("date or time out of range", text);
  }
  return time_detail::make_timestamp(year, month, day, hour, minute, second, micros, offset);
}

KLING_LAZY_DEF std::string KLING_FUNCTION(format_iso8601)::operator()(timestamp t) const {
  const std::int64_t total = t.time_since_epoch().count();
  std::int64_t seconds = total / 1000000;
  std::int64_t micros = total % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  const auto date = time_detail::civil_from_days(days);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<long long>(date.year), date.month, date.day, static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60),
                static_cast<long long>(micros));
  return buffer;
}

KLING_LAZY_DEF timestamp KLING_FUNCTION(from_unix_seconds)::operator()(std::int64_t seconds) const {
  return timestamp(std::chrono::seconds(seconds));
}

KLING_LAZY_DEF result<timestamp> KLING_FUNCTION(parse_http_date)::operator()(std::string_view text) const {
  static constexpr std::string_view weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_detail::scanner s{text};
  bool weekday_ok = false;
  for (auto w : weekdays)
    weekday_ok = weekday_ok || s.word(w);
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, month = 0;
  if (!(weekday_ok && s.word(", ") && s.digits(2, day) && s.literal(' '))) {
    return time_detail::bad_time("not an HTTP date", text);
  }
  for (int i = 0; i < 12 && month == 0; ++i) {
    if (s.word(months[i])) month = i + 1;
  }
  if (!(month != 0 && s.literal(' ') && s.digits(4, year) && s.literal(' ') && s.digits(2, hour) &&
        s.literal(':') && s.digits(2, minute) && s.literal(':') && s.digits(2, second) && s.word(" GMT") &&
        s.done())) {
    return time_detail::bad_time("not an HTTP date", text);
  }
  if (!time_detail::valid_fields(year, month, day, hour, minute, second)) {
    return time_detail::bad_time("date or time out of range", text);
  }
  return time_detail::make_timestamp(year, month, day, hour, minute, second, 0, 0);
}

KLING_NAMESPACE_END

#endif // KLING_CORE_TIME_IPP
