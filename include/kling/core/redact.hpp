// Keeping secrets out of messages: every text that leaves the library (an
// error message, a body excerpt, a log line, a cassette) passes through here
// with the secrets the caller knows of.
//
// Thread safety: pure functions.
#ifndef KLING_CORE_REDACT_HPP
#define KLING_CORE_REDACT_HPP

#include <string>
#include <string_view>

#include "kling/version.hpp"

KLING_NAMESPACE_BEGIN

inline constexpr std::string_view redacted_marker = "[REDACTED]";

// Replaces every occurrence of secret in text. Secrets shorter than 4
// characters are left alone: they would redact ordinary words and protect nothing.
KLING_FUNCTION_OBJECT redact_function {
  std::string operator()(std::string text, std::string_view secret) const;
};
inline constexpr KLING_FUNCTION_TYPE(redact) redact{};

KLING_NAMESPACE_END

#endif // KLING_CORE_REDACT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_CORE_REDACT_IPP)
#define KLING_CORE_REDACT_IPP

KLING_NAMESPACE_BEGIN

KLING_LAZY_DEF std::string KLING_FUNCTION(redact)::operator()(std::string text,
                                                              std::string_view secret) const {
  if (secret.size() < 4) return text;
  for (auto pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + redacted_marker.size())) {
    text.replace(pos, secret.size(), redacted_marker);
  }
  return text;
}

KLING_NAMESPACE_END

#endif // KLING_CORE_REDACT_IPP
