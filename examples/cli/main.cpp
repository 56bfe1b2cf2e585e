// kling: the command-line face of kling-cpp.
//
//   kling validate request.json           check a request against the gateway's rules
//   kling create request.json --wait      create a task, wait for it, print it
//   kling get ID | wait ID | download ID PATH
//   kling elements list|presets|create|delete
//   kling batch MANIFEST --out DIR          many videos, resumable after a crash
//   kling rules                           list the rules the client enforces
//
// Exit codes: 0 success, 1 runtime failure, 2 usage error, 3 request rejected by validation.
#include <cstdio>
#include <iostream>
#include <string>

#include "batch.hpp"
#include "common.hpp"
#include "demo.hpp"
#include "elements.hpp"
#include "serve.hpp"
#include "tasks.hpp"

namespace kling_cli {
namespace {

const option_spec global_spec{
    {"--base-url", "--api-key", "--timeout", "--wait-timeout", "--poll-interval", "--lookup-window"},
    {"--verbose", "--help", "--version"}};

struct command {
  const char *name;
  const char *summary; // one line for the overview
  const char *synopsis;
  const char *help;
  option_spec spec;
  int (*run)(const arguments &);
};

// A request to the element library has element fields and no model.
bool is_element_request(const kling::json &body) {
  return body.is_object() && !body.contains("model") && body.contains("element_name");
}

int run_validate(const arguments &args) {
  int exit = exit_success;
  auto body = read_json_operand(args, "validate", exit);
  if (!body) return exit;
  const auto report =
      is_element_request(*body) ? kling::rules::validate_element(*body) : kling::rules::validate(*body);
  std::cout << kling::dump_json(kling::rules::to_json(report), 2) << '\n';
  if (!report.valid()) {
    std::cerr << "kling: the request breaks " << report.violations.size()
              << (report.violations.size() == 1 ? " rule" : " rules") << "; fix the fields named above\n";
    return exit_invalid;
  }
  return exit_success;
}

int run_rules(const arguments &args) {
  if (!args.operands.empty()) return usage_error("rules takes no operands");
  if (args.has("--ids")) {
    for (const auto &r : kling::rules::catalog)
      std::cout << r.id << '\n';
    return exit_success;
  }
  if (args.has("--json")) {
    kling::json out = kling::json::array();
    for (const auto &r : kling::rules::catalog) {
      out.push_back({{"id", r.id}, {"applies_to", r.applies_to}, {"summary", r.summary}});
    }
    std::cout << kling::dump_json(out, 2) << '\n';
    return exit_success;
  }
  for (const auto &r : kling::rules::catalog) {
    std::printf("%-8s %-30.*s %.*s\n", std::string(r.id).c_str(), static_cast<int>(r.applies_to.size()),
                r.applies_to.data(), static_cast<int>(r.summary.size()), r.summary.data());
  }
  return exit_success;
}

const command commands[] = {
    {"validate",
     "check a request against every rule, offline",
     "validate FILE|-",
     "Checks a request body (POST /v1/videos, or an element to create) against every rule of the\n"
     "gateway, without sending it. Prints one JSON object on stdout:\n"
     "  {\"route\", \"valid\", \"violations\": [{\"rule\", \"field\", \"message\"}], \"warnings\": [...]}\n"
     "Exit 0 when valid, 3 when a rule is broken, 2 when the input is not readable JSON.\n\n"
     "Examples:\n"
     "  kling validate request.json\n"
     "  echo '{\"model\":\"Kling-V2.6\",\"prompt\":\"a cat\"}' | kling validate -\n",
     {{}, {}},
     run_validate},
    {"create",
     "create a task; --wait for it, --download its video",
     "create FILE|- [--wait] [--download PATH]",
     "Validates a video request body (POST /v1/videos; an element goes to 'kling elements create'),\n"
     "sends it and prints the task as JSON on stdout. With --wait, waits for the task to finish and\n"
     "prints the finished task; with --download PATH, also saves its video. Progress goes to stderr.\n"
     "A create whose answer is lost is looked up by its external_task_id (one is generated when the\n"
     "body has none), for up to --lookup-window seconds, before it is ever sent again.\n"
     "Exit 0 on success, 1 when the gateway or the task failed, 3 when a rule is broken.\n\n"
     "Examples:\n"
     "  kling create request.json --wait --download cat.mp4\n"
     "  echo '{\"model\":\"Kling-V2.6\",\"prompt\":\"a cat\"}' | kling create - --wait\n",
     {{"--download"}, {"--wait"}},
     run_create},
    {"get",
     "print a task's current state",
     "get ID [--provider P]",
     "Prints a task's current state as JSON. ID may be the task id or its external_task_id.\n\n"
     "Examples:\n"
     "  kling get task_abc123\n"
     "  kling get order-42 --provider kling\n",
     {{"--provider"}, {}},
     run_get},
    {"wait",
     "wait for a task to finish and print it",
     "wait ID [--provider P] [--download PATH]",
     "Waits for a task to finish (polling at once, then every 3 s, growing to 10 s, for\n"
     "--wait-timeout seconds, 15 minutes by default) and prints the finished task as JSON.\n"
     "Exit 1 when it failed.\n\n"
     "Examples:\n"
     "  kling wait task_abc123\n"
     "  kling --poll-interval 5 --wait-timeout 1800 wait task_abc123 --download out.mp4\n",
     {{"--provider", "--download"}, {}},
     run_wait},
    {"download",
     "save a completed task's video",
     "download ID PATH [--provider P]",
     "Saves a completed task's video to PATH (written to PATH.part and renamed when complete; an\n"
     "interrupted download resumes).\n\n"
     "Examples:\n"
     "  kling download task_abc123 cat.mp4\n",
     {{"--provider"}, {}},
     run_download},
    {"elements",
     "list, create or delete elements",
     "elements list|presets [--page N] [--size M] | create FILE|- | delete ID",
     "The element library: list your custom elements or the official presets (page 1..1000, size\n"
     "1..500), create one from a JSON description (checked first), or delete one.\n\n"
     "Examples:\n"
     "  kling elements list --page 2 --size 50\n"
     "  kling elements create hero.json\n"
     "  kling elements delete 842130978230767622\n",
     {{"--page", "--size"}, {}},
     run_elements},
    {"batch",
     "many videos from a JSON Lines manifest, resumable",
     "batch MANIFEST|- --out DIR [--concurrency N] [--dry-run] [--shard K/N] [--concurrency-backoff S]",
     "Runs every request of MANIFEST to a downloaded video, DIR/<name>.mp4, with at most N (4) under\n"
     "way at once. A line of MANIFEST is a request body, named by its line number, or\n"
     "{\"name\": \"...\", \"request\": {...}}. Every line is checked first: if any breaks a rule, each\n"
     "violation is listed with its line, rule and field, nothing is sent, and the exit code is 3\n"
     "(--dry-run only checks). The journal DIR/.kling-batch.jsonl, flushed to disk before each create\n"
     "is sent, makes the batch safe to kill: running the same command again skips finished items,\n"
     "looks up by external_task_id every create that may have been sent (for --lookup-window seconds\n"
     "before posting it), polls created tasks and resumes half-downloaded files. Ctrl-C stops sending\n"
     "creates and exits 130. --shard K/N takes the lines whose index (line - 1) modulo N is K-1.\n"
     "--concurrency-backoff S: the pause after a concurrency error (1303), doubling (default 2).\n"
     "Progress goes to stderr; stdout gets {\"total\", \"completed\", \"failed\", \"files\", \"failures\"}.\n"
     "Exit 0 when every item was downloaded, 1 when any failed, 3 when the manifest breaks a rule.\n\n"
     "Examples:\n"
     "  kling batch shots.jsonl --out renders --concurrency 8\n"
     "  kling batch shots.jsonl --dry-run\n"
     "  kling batch shots.jsonl --out renders --shard 2/3   (on the second of three machines)\n",
     {{"--out", "--concurrency", "--shard", "--concurrency-backoff"}, {"--dry-run"}},
     run_batch},
    {"demo",
     "the offline tour: validate, create, wait, download",
     "demo [--out DIR]",
     "The offline tour: starts the fake gateway in this process (no key, no network, nothing paid)\n"
     "and walks a text-to-video and an image-to-video task through validate, create, wait (with a\n"
     "progress bar) and download, into DIR (kling-demo by default). With KLING_API_KEY and\n"
     "KLING_BASE_URL set (or --api-key and --base-url), it says so and runs the same tour against that\n"
     "gateway. Prints the downloaded paths on stdout.\n\n"
     "Examples:\n"
     "  kling demo\n"
     "  KLING_BASE_URL=https://your-gateway KLING_API_KEY=... kling demo --out videos\n",
     {{"--out"}, {}},
     run_demo},
    {"serve",
     "run the fake gateway in the foreground",
     "serve [--port N] [--unified] [--processing-seconds S] [--accept-duplicates] [--lookup-lag N]\n"
     "      [--lookup-lag-seconds S] [--fault SPEC]...",
     "Runs the fake gateway in the foreground (port 8787 by default; 0 lets the system choose), with\n"
     "the whole contract: every route, the task life cycle, elements, result videos. Prints its base\n"
     "URL on stdout; the API key it expects is --api-key, or fake-gateway-key. Tasks finish after a\n"
     "few polls, or after --processing-seconds. The worst the gateway's document allows:\n"
     "--accept-duplicates makes a repeated external_task_id a second paid task, and a lookup by\n"
     "external_task_id answers 404 for the first N lookups of a task (--lookup-lag) and for S seconds\n"
     "after its creation (--lookup-lag-seconds). --fault SPEC injects faults, SPEC being\n"
     "KIND[=VALUE][:WHERE[:HOW]]: KIND rate_limit[=CODE], server_error[=STATUS], drop_after_create,\n"
     "slow_after_create[=MS], error_after_create[=STATUS] (the task is created, its answer lost),\n"
     "drop, slow[=MS], not_json, truncate, trickle[=MS] (the answer in 1 KiB pieces, MS apart);\n"
     "WHERE creates, polls, downloads, elements or any; HOW a\n"
     "count (1), every=N or rate=P. GET /_fake/stats shows what the gateway has seen.\n\n"
     "Examples:\n"
     "  kling serve\n"
     "  kling serve --port 0 --fault drop_after_create:creates --fault server_error:polls:every=2\n",
     {{"--port", "--processing-seconds", "--lookup-lag", "--lookup-lag-seconds", "--fault"},
      {"--unified", "--accept-duplicates"}},
     run_serve},
    {"rules",
     "list the rules the client enforces",
     "rules [--ids | --json]",
     "Lists the gateway's rules that the client enforces, by ID (see the README's table).\n\n"
     "Examples:\n"
     "  kling rules\n"
     "  kling rules --json\n",
     {{}, {"--ids", "--json"}},
     run_rules},
};

void print_overview() {
  std::cout << "kling " KLING_VERSION_STRING " - client for the Kling AI video generation gateway\n\n"
               "Usage: kling [global options] COMMAND [options] [operands]\n\nCommands:\n";
  for (const auto &c : commands)
    std::printf("  %-10s %s\n", c.name, c.summary);
  std::cout << "\nGlobal options:\n"
               "  --base-url URL       gateway base URL (env KLING_BASE_URL)\n"
               "  --api-key KEY        API key (env KLING_API_KEY); never printed\n"
               "  --timeout S          seconds per HTTP request\n"
               "  --wait-timeout S     overall seconds to wait for a task\n"
               "  --poll-interval S    seconds between polls (fractions allowed)\n"
               "  --lookup-window S    after a create's answer was lost, seconds to keep looking the\n"
               "                       task up before posting again (default 30; 0: believe one 404)\n"
               "  --verbose            log requests and responses on stderr (key redacted)\n"
               "  --help               this text; 'kling COMMAND --help' for a command\n"
               "  --version            the version\n\n"
               "Exit codes: 0 success, 1 runtime failure, 2 usage error, 3 request rejected by validation.\n";
}

} // namespace
} // namespace kling_cli

int main(int argc, char **argv) {
  using namespace kling_cli;
  const redacted_output output(given_secrets(argc, argv));
  // Global options may come before the command.
  int i = 1;
  arguments globals;
  for (; i < argc && std::string(argv[i]).rfind("--", 0) == 0; ++i) {
    const std::string arg = argv[i];
    const std::string name = arg.substr(0, arg.find('='));
    if (global_spec.valued.count(name) && arg.find('=') == std::string::npos) ++i;
    if (name == "--help") {
      print_overview();
      return exit_success;
    }
    if (name == "--version") {
      std::cout << "kling " KLING_VERSION_STRING "\n";
      return exit_success;
    }
  }
  if (auto problem = parse(i, argv, 1, global_spec, globals)) return usage_error(*problem);
  if (i >= argc) {
    print_overview();
    return exit_usage;
  }
  const std::string name = argv[i];
  if (name == "help") {
    print_overview();
    return exit_success;
  }
  for (const auto &c : commands) {
    if (name != c.name) continue;
    option_spec spec = c.spec;
    spec.valued.insert(global_spec.valued.begin(), global_spec.valued.end());
    spec.flags.insert(global_spec.flags.begin(), global_spec.flags.end());
    arguments args = globals;
    if (auto problem = parse(argc, argv, i + 1, spec, args)) return usage_error(name + ": " + *problem);
    if (args.has("--help")) {
      std::cout << "Usage: kling " << c.synopsis << "\n\n" << c.help;
      return exit_success;
    }
    return c.run(args);
  }
  return usage_error("unknown command '" + name + "'");
}
