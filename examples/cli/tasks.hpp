// kling create | get | wait | download: the task life cycle from the shell.
// stdout carries only the task as JSON (scripts read it); progress and
// messages go to stderr.
#ifndef KLING_CLI_TASKS_HPP
#define KLING_CLI_TASKS_HPP

#include "common.hpp"

namespace kling_cli {

inline int wait_and_print(kling::client &client, const kling::task_handle &handle, const arguments &args);

// Downloads the task's video to the path given by --download or as an operand.
inline int download_task(kling::client &client, const kling::task &t, const std::string &path) {
  download_display display(path);
  kling::download_settings settings;
  settings.progress = [&](const kling::download_progress &p) { display.update(p); };
  auto saved = client.videos().download(t, path, settings);
  display.finish();
  if (!saved) return report_failure(saved.error());
  for (const auto &w : saved->warnings)
    std::cerr << "kling: warning: " << w << '\n';
  std::cerr << "kling: saved " << saved->path << " (" << saved->bytes << " bytes"
            << (saved->resumed ? ", resumed" : "") << ")\n";
  return exit_success;
}

inline int run_create(const arguments &args) {
  int exit = exit_success;
  auto body = read_json_operand(args, "create", exit);
  if (!body) return exit;
  auto options = client_options(args, exit);
  if (!options) return exit;
  kling::client client{*options};

  auto created = client.videos().create(*body);
  if (!created) return report_failure(created.error());
  // What the rules found worth knowing, as checked by the create itself.
  for (const auto &w : created->warnings)
    std::cerr << "kling: warning [" << w.rule << "] " << w.field << ": " << w.message << '\n';
  std::cerr << "kling: created task " << created->id << " (external_task_id " << created->external_task_id
            << ")\n";
  if (!args.has("--wait") && !args.option("--download")) {
    print_json(kling::json(*created));
    return exit_success;
  }
  kling::task_handle handle;
  handle.task_id = created->id;
  handle.external_task_id = created->external_task_id;
  handle.provider = created->provider;
  return wait_and_print(client, handle, args);
}

inline int run_get(const arguments &args) {
  if (args.operands.size() != 1) return usage_error("get takes one task ID");
  int exit = exit_success;
  auto options = client_options(args, exit);
  if (!options) return exit;
  kling::client client{*options};
  auto t = client.videos().get(args.operands[0], args.option("--provider").value_or(""));
  if (!t) return report_failure(t.error());
  print_json(kling::json(*t));
  return exit_success;
}

// Waits, prints the finished task, downloads it when --download asks.
inline int wait_and_print(kling::client &client, const kling::task_handle &handle, const arguments &args) {
  wait_display display("task " + handle.task_id);
  kling::wait_settings settings;
  settings.progress = [&](const kling::wait_progress &p) { display.update(p); };
  auto done = client.videos().wait(handle, settings);
  display.finish();
  if (!done) return report_failure(done.error());
  print_json(kling::json(*done));
  if (auto path = args.option("--download")) return download_task(client, *done, *path);
  return exit_success;
}

inline int run_wait(const arguments &args) {
  if (args.operands.size() != 1) return usage_error("wait takes one task ID");
  int exit = exit_success;
  auto options = client_options(args, exit);
  if (!options) return exit;
  kling::client client{*options};
  kling::task_handle handle;
  handle.task_id = args.operands[0];
  handle.provider = args.option("--provider").value_or("");
  // A task named by its ID may have finished long ago: poll it now, not after
  // the first interval that a wait begun by a create allows the gateway.
  handle.next_poll_at = client.options().time().wall_now();
  return wait_and_print(client, handle, args);
}

inline int run_download(const arguments &args) {
  if (args.operands.size() != 2) return usage_error("download takes a task ID and a PATH");
  int exit = exit_success;
  auto options = client_options(args, exit);
  if (!options) return exit;
  kling::client client{*options};
  auto t = client.videos().get(args.operands[0], args.option("--provider").value_or(""));
  if (!t) return report_failure(t.error());
  if (t->status != kling::task_status::completed) {
    std::cerr << "kling: task " << t->id << " is " << kling::to_string(t->status)
              << "; nothing to download yet (try 'kling wait " << t->id << " --download " << args.operands[1]
              << "')\n";
    return exit_failure;
  }
  return download_task(client, *t, args.operands[1]);
}

} // namespace kling_cli

#endif // KLING_CLI_TASKS_HPP
