// Numbers read from and written as text, the same under every locale: a
// program that calls setlocale(LC_ALL, "") under de_DE (Qt and GTK do) makes
// strtod and printf("%f") use a decimal comma. The std::sto* family is not
// used either: it throws.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_NUMBERS_HPP
#define KLING_CORE_NUMBERS_HPP

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "kling/core/json.hpp"

KLING_NAMESPACE_BEGIN

namespace numbers {

namespace numbers_detail {
// The whole of text as a base-10 integer in 64 bits, signed or not, into
// the matching out parameter; false when it is not one or does not fit.
// One compiled function serves every Int of parse_integer.
KLING_FUNCTION_OBJECT parse_integer_64_function {
  bool operator()(std::string_view text, bool is_signed, std::int64_t &as_signed, std::uint64_t &as_unsigned)
      const noexcept;
};
inline constexpr KLING_FUNCTION_TYPE(parse_integer_64) parse_integer_64{};
} // namespace numbers_detail

// The whole of text as a base-10 integer of type Int ("-12"; no sign "+", no
// spaces); nullopt when it is not one or does not fit.
template <class Int>
std::optional<Int> parse_integer(std::string_view text) noexcept {
  static_assert(std::is_integral<Int>::value && !std::is_same<Int, bool>::value && sizeof(Int) <= 8,
                "parse_integer reads integers of up to 64 bits");
  std::int64_t as_signed = 0;
  std::uint64_t as_unsigned = 0;
  if (!numbers_detail::parse_integer_64(text, std::is_signed<Int>::value, as_signed, as_unsigned)) {
    return std::nullopt;
  }
  using limits = std::numeric_limits<Int>;
  if constexpr (std::is_signed<Int>::value) {
    if (as_signed < limits::min() || as_signed > limits::max()) return std::nullopt;
    return static_cast<Int>(as_signed);
  } else {
    if (as_unsigned > limits::max()) return std::nullopt;
    return static_cast<Int>(as_unsigned);
  }
}

// The whole of text as a decimal number in JSON's grammar ("5", "-0.5",
// "5.1", "1e3"); nullopt otherwise (also for spaces, "inf", "nan", hex and
// "5,1"). nlohmann's reader is used: it is locale-free, and floating-point
// std::from_chars is missing from some standard libraries still in use
// (libc++ before 20, which Emscripten ships).
KLING_FUNCTION_OBJECT parse_decimal_function {
  std::optional<double> operator()(std::string_view text) const;
};
inline constexpr KLING_FUNCTION_TYPE(parse_decimal) parse_decimal{};

// v with exactly `decimals` digits after a '.' (0 to 9), rounded half away
// from zero: what printf("%.*f") writes under the C locale.
KLING_FUNCTION_OBJECT format_fixed_function { std::string operator()(double v, int decimals) const; };
inline constexpr KLING_FUNCTION_TYPE(format_fixed) format_fixed{};

// v rounded to `digits` significant digits (1 to 9), without trailing zeros
// ("29.97" -> "30" at 2 digits, "2.5" stays "2.5", "10" stays "10"); large
// values keep all their integer digits rather than switching to an exponent.
KLING_FUNCTION_OBJECT format_significant_function { std::string operator()(double v, int digits) const; };
inline constexpr KLING_FUNCTION_TYPE(format_significant) format_significant{};

} // namespace numbers

KLING_NAMESPACE_END

#endif // KLING_CORE_NUMBERS_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_NUMBERS_IPP)
#define KLING_CORE_NUMBERS_IPP

#include <charconv>
#include <cmath>
#include <system_error>

KLING_NAMESPACE_BEGIN

namespace numbers {

KLING_LAZY_DEF bool
KLING_FUNCTION(numbers_detail::parse_integer_64)::operator()(std::string_view text, bool is_signed,
                                                             std::int64_t &as_signed,
                                                             std::uint64_t &as_unsigned) const noexcept {
  const char *end = text.data() + text.size();
  const auto parsed = is_signed ? std::from_chars(text.data(), end, as_signed)
                                : std::from_chars(text.data(), end, as_unsigned);
  return !text.empty() && parsed.ec == std::errc() && parsed.ptr == end;
}

KLING_LAZY_DEF std::optional<double> KLING_FUNCTION(parse_decimal)::operator()(std::string_view text) const {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  // JSON allows spaces around a value; a number here is the text alone.
  if (!(digit(text.front()) || text.front() == '-') || !digit(text.back())) return std::nullopt;
  // Only a number's characters: nlohmann would stop at a NUL and read "1\0" "5" as 1.
  if (text.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return std::nullopt;
  const json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!value.is_number()) return std::nullopt;
  const double d = value.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(format_fixed)::operator()(double v, int decimals) const {
  if (!std::isfinite(v)) return v != v ? "nan" : (v < 0 ? "-inf" : "inf");
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  std::uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i)
    scale *= 10;
  const bool negative = v < 0;
  const double scaled = std::round(std::fabs(v) * static_cast<double>(scale));
  if (scaled >= 1.8e19) return json(v).dump(); // too large for the integer route; shortest form
  const auto units = static_cast<std::uint64_t>(scaled);
  std::string out = negative && units != 0 ? "-" : "";
  out += std::to_string(units / scale);
  if (decimals > 0) {
    std::string fraction = std::to_string(units % scale);
    out += '.' + std::string(static_cast<std::size_t>(decimals) - fraction.size(), '0') + fraction;
  }
  return out;
}

KLING_LAZY_DEF std::string KLING_FUNCTION(format_significant)::operator()(double v, int digits) const {
  if (!std::isfinite(v) || v == 0) return format_fixed(v, 0);
  if (digits < 1) digits = 1;
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  std::string out = format_fixed(v, digits - 1 - exponent > 0 ? digits - 1 - exponent : 0);
  if (out.find('.') != std::string::npos) {
    out.erase(out.find_last_not_of('0') + 1);
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

} // namespace numbers

KLING_NAMESPACE_END

#endif // KLING_CORE_NUMBERS_IPP
