// Command-line parsing for the kling tool: global options, a subcommand and
// its own options and operands, with errors that say what was wrong.
#ifndef KLING_CLI_ARGUMENTS_HPP
#define KLING_CLI_ARGUMENTS_HPP

#include <kling/core/numbers.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kling_cli {

// DESIGN's exit codes: scripts rely on them.
enum exit_code : int { exit_success = 0, exit_failure = 1, exit_usage = 2, exit_invalid = 3 };

// What a subcommand accepts: options that take a value and flags that do not.
struct option_spec {
  std::set<std::string> valued;
  std::set<std::string> flags;
};

struct arguments {
  std::multimap<std::string, std::string> options; // "--base-url" -> "http://...", in order given
  std::set<std::string> flags;                     // "--verbose"
  std::vector<std::string> operands;

  bool has(const std::string &flag) const { return flags.count(flag) > 0; }
  // The value given last.
  std::optional<std::string> option(const std::string &name) const {
    std::optional<std::string> out;
    for (auto range = options.equal_range(name); range.first != range.second; ++range.first)
      out = range.first->second;
    return out;
  }
  // Every value given, for options that may repeat.
  std::vector<std::string> all(const std::string &name) const {
    std::vector<std::string> out;
    for (auto range = options.equal_range(name); range.first != range.second; ++range.first)
      out.push_back(range.first->second);
    return out;
  }
};

// Parses argv[first..]: "--name value", "--name=value", flags, "--" and
// operands; "-" is an operand (standard input). On error returns the message.
inline std::optional<std::string> parse(int argc, char **argv, int first, const option_spec &spec,
                                        arguments &out) {
  bool operands_only = false;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (operands_only || arg == "-" || arg.rfind("--", 0) != 0) {
      if (!operands_only && arg.size() > 1 && arg[0] == '-' && arg != "-") {
        return "unknown option " + arg + " (options start with --)";
      }
      out.operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      operands_only = true;
      continue;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (spec.flags.count(name)) {
      if (has_value) return "option " + name + " takes no value";
      out.flags.insert(name);
    } else if (spec.valued.count(name)) {
      if (!has_value) {
        if (i + 1 >= argc) return "option " + name + " needs a value";
        value = argv[++i];
      }
      out.options.emplace(name, value);
    } else {
      return "unknown option " + name;
    }
  }
  return std::nullopt;
}

// A number of seconds ("2", "0.5"); nullopt when not a positive number.
inline std::optional<double> parse_seconds(const std::string &text) {
  const auto v = kling::numbers::parse_decimal(text);
  if (!v || !(*v > 0) || *v > 1e7) return std::nullopt;
  return v;
}

} // namespace kling_cli

#endif // KLING_CLI_ARGUMENTS_HPP
