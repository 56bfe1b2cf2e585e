// A request body as raw bytes, the way `kling validate` reads a file: every
// route's rules (inline images and videos included), element rules, and the
// normalized form. Each violation names its rule and field.
#include <kling/core.hpp>

#include "fuzz_support.hpp"

using kling_fuzz::require;

KLING_FUZZ_TARGET(validate_fuzz) {
  auto j = kling::parse_json(kling_fuzz::bytes(data, size));
  kling_fuzz::check(j);
  if (!j) return 0;
  const auto report = kling::rules::validate(*j);
  for (const auto &v : report.violations)
    // field is a JSON pointer: "" names the request itself (a request that is not an object).
    require(!v.rule.empty() && !v.message.empty() &&
            (v.field.empty() ? !j->is_object() : v.field.front() == '/'));
  for (const auto &v : kling::rules::validate_element(*j).violations)
    require(!v.rule.empty() && !v.message.empty());
  const auto normalized = kling::rules::normalized(*j);
  // Normalizing changes only how seconds are written: the verdict stays.
  if (report.violations.empty()) require(kling::rules::validate(normalized).violations.empty());
  (void)kling::dump_json(normalized);
  return 0;
}
