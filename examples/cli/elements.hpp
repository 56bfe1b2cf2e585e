// kling elements list | presets | create | delete: the element library.
// stdout carries the gateway's answer (its envelope) as JSON.
#ifndef KLING_CLI_ELEMENTS_HPP
#define KLING_CLI_ELEMENTS_HPP

#include "common.hpp"

namespace kling_cli {

inline std::optional<int> page_number(const arguments &args, const char *name, int fallback, int &exit) {
  auto text = args.option(name);
  if (!text) return fallback;
  const auto v = kling::numbers::parse_integer<int>(*text);
  if (!v || *v < -1000000 || *v > 1000000) {
    exit = usage_error(std::string(name) + " needs a whole number, not '" + *text + "'");
    return std::nullopt;
  }
  return v;
}

inline int run_elements(const arguments &args) {
  if (args.operands.empty())
    return usage_error("elements needs a subcommand: list, presets, create or delete");
  const std::string action = args.operands[0];
  arguments rest = args;
  rest.operands.erase(rest.operands.begin());
  int exit = exit_success;

  if (action == "list" || action == "presets") {
    if (!rest.operands.empty()) return usage_error("elements " + action + " takes no operands");
    auto page = page_number(args, "--page", 1, exit);
    auto size = page_number(args, "--size", 30, exit);
    if (!page || !size) return exit;
    auto options = client_options(args, exit);
    if (!options) return exit;
    kling::client client{*options};
    auto listed =
        action == "list" ? client.elements().list({*page, *size}) : client.elements().presets({*page, *size});
    if (!listed) return report_failure(listed.error());
    print_json(listed->raw);
    return exit_success;
  }
  if (action == "create") {
    auto body = read_json_operand(rest, "elements create", exit);
    if (!body) return exit;
    auto options = client_options(args, exit);
    if (!options) return exit;
    kling::client client{*options};
    auto created = client.elements().create(*body);
    if (!created) return report_failure(created.error());
    print_json(created->raw);
    return exit_success;
  }
  if (action == "delete") {
    if (rest.operands.size() != 1) return usage_error("elements delete takes one element ID");
    auto options = client_options(args, exit);
    if (!options) return exit;
    kling::client client{*options};
    auto deleted = client.elements().remove(rest.operands[0]);
    if (!deleted) return report_failure(deleted.error());
    print_json(deleted->raw);
    return exit_success;
  }
  return usage_error("unknown elements subcommand '" + action + "' (list, presets, create or delete)");
}

} // namespace kling_cli

#endif // KLING_CLI_ELEMENTS_HPP
