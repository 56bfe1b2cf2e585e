// report: what validation found in a request: its route, the violations
// that stop it from being sent, and warnings about what the gateway will
// ignore or decide by itself.
//
// Thread safety: plain values.
#ifndef KLING_RULES_REPORT_HPP
#define KLING_RULES_REPORT_HPP

#include <string>
#include <utility>
#include <vector>

#include "kling/core/json.hpp"
#include "kling/model/route.hpp"

KLING_NAMESPACE_BEGIN

namespace rules {

struct report {
  kling::route route = kling::route::unknown;
  std::vector<violation> violations; // each stops the request
  std::vector<violation> warnings;   // sent anyway; worth knowing

  bool valid() const { return violations.empty(); }
};

// {"route", "valid", "violations": [{"rule", "field", "message"}], "warnings": [...]}:
// what `kling validate` prints, members in that order.
KLING_LAZY_RETURNING(nlohmann::ordered_json) to_json(const report &r);

// The error a call returns when its request breaks rules: nothing was sent.
KLING_FUNCTION_OBJECT rejection_function { error operator()(std::vector<violation> violations) const; };
inline constexpr KLING_FUNCTION_TYPE(rejection) rejection{};

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_REPORT_HPP

#if KLING_DEFINE_HERE && !defined(KLING_RULES_REPORT_IPP)
#define KLING_RULES_REPORT_IPP

KLING_NAMESPACE_BEGIN

namespace rules {

KLING_LAZY_DEF KLING_DEFERRED(nlohmann::ordered_json) to_json(const report &r) {
  using ordered = KLING_DEFERRED(nlohmann::ordered_json);
  const auto list = [](const std::vector<violation> &items) {
    ordered out = ordered::array();
    for (const auto &v : items)
      out.push_back({{"rule", v.rule}, {"field", v.field}, {"message", v.message}});
    return out;
  };
  return ordered{{"route", std::string(to_string(r.route))},
                 {"valid", r.valid()},
                 {"violations", list(r.violations)},
                 {"warnings", list(r.warnings)}};
}

KLING_LAZY_DEF error KLING_FUNCTION(rejection)::operator()(std::vector<violation> violations) const {
  std::string message = "request not sent: it breaks " + std::to_string(violations.size()) +
                        (violations.size() == 1 ? " rule" : " rules");
  if (!violations.empty()) {
    const auto &first = violations.front();
    message += " (first: " + first.rule + " at " + first.field + ": " + first.message + ")";
  }
  error e{errc::invalid_request, std::move(message)};
  e.violations = std::move(violations);
  e.request_sent = false;
  return e;
}

} // namespace rules

KLING_NAMESPACE_END

#endif // KLING_RULES_REPORT_IPP
