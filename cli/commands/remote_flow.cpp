// SPDX-License-Identifier: Apache-2.0
// fstage remote flow list | info FLOW | run FLOW [-i FILE|-] [--no-wait] | executions FLOW |
// history EID | retry EID | terminate EID | remove FLOW [--yes]: deployed function flows
// through the v2 workflow API (FLOW.md §3).
//
// `run` starts a sync execution for an EXPRESS flow and an async one for a NORMAL flow, which
// it then follows (polling every 0.2 s, backing off to 2 s) until it ends: the output on stdout,
// the node timeline on stderr as `flow run` writes it. Ctrl-C stops following (exit 130); the
// execution goes on remotely. Exit codes: 0 success, 14 fail or cancel, 11 timeout.
// An execution id alone finds its flow by listing the flows' recent executions; --flow skips
// that search.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/redacted_output.hpp>
#include <fstage/deploy/state.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include "event_input.hpp"
#include "remote_common.hpp"
#include "remote_flow_history.hpp"

namespace fstage::cli {

namespace {

struct FlowOptions {
  RemoteFlags flags;
  std::string manifest;
  std::string flow;
  std::string execution;
  std::string input_file;
  std::string status;
  int limit = 20;
  bool no_wait = false;
  bool yes = false;
  bool json = false;
};

using Action = std::function<Expected<int>(const Context&, deploy::Api&, const FlowOptions&,
                                           const ProjectDefaults&)>;

Expected<int> with_session(const Context& ctx, const FlowOptions& o, const Action& act) {
  deploy::Redactor redactor =
      deploy::redactor_from_env(deploy::Env(ctx.env.begin(), ctx.env.end()));
  auto body = [&]() -> Expected<int> {
    ProjectDefaults w = FSTAGE_TRY(project_defaults(ctx, o.manifest));
    hide_substituted(w.secrets, redactor);
    auto session = FSTAGE_TRY(open_session(ctx, o.flags, w.region, "default", redactor, nullptr));
    // A flow's definition carries what deploy substituted into it (its constants, say).
    std::optional<deploy::RedactedOutput> masked;
    if (!w.secrets.empty()) {
      masked.emplace(*ctx.out, redactor);
    }
    return act(ctx, session->api(), o, w);
  };
  return redacted(redactor, body());
}

void print_json(const Context& ctx, const Json& j) {
  *ctx.out << json_text(j, 2) << "\n";
  ctx.out->flush();
}

Expected<Json> find_flow(deploy::Api& api, const std::string& name) {
  auto shown = FSTAGE_TRY(api.find_workflow(name));
  if (!shown) {
    return fail(ErrorCode::not_found,
                "flow " + quote(name) + " does not exist in " + api.target().region,
                "deploy it with 'fstage deploy', or list the flows with 'fstage remote flow list'");
  }
  return *shown;
}

// The flow id of an execution: --flow's, or the flow whose recent executions hold it.
Expected<std::string> flow_of(deploy::Api& api, const FlowOptions& o) {
  if (!o.flow.empty()) {
    return FSTAGE_TRY(find_flow(api, o.flow)).value("id", "");
  }
  for (const auto& w : FSTAGE_TRY(api.list_workflows())) {
    const std::string id = w.value("id", "");
    for (const auto& e : FSTAGE_TRY(api.list_workflow_executions(id))) {
      if (e.value("execution_id", "") == o.execution) {
        return id;
      }
    }
  }
  return fail(ErrorCode::not_found,
              "no flow has a recent execution " + quote(o.execution) + " in " + api.target().region,
              "name its flow with --flow (the search covers the last three days)");
}

int exit_for(const Context& ctx, const Json& record, bool json) {
  const std::string status = record.value("status", "");
  const int code = exit_code_for_status(status);
  if (code == k_exit_ok) {
    return code;
  }
  if (!json && ctx.verbosity >= 0) {
    *ctx.err << "fstage: flow execution " << record.value("execution_id", "") << " ended in "
             << status << "\n";
  }
  return code;
}

Expected<int> do_list(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                      const ProjectDefaults&) {
  auto flows = FSTAGE_TRY(api.list_workflows());
  if (o.json) {
    print_json(ctx, Json(flows));
    return k_exit_ok;
  }
  for (const auto& f : flows) {
    char line[256];
    std::snprintf(line, sizeof line, "%-32s %-22s %s", f.value("name", "").c_str(),
                  f.value("updated_time", "").c_str(), f.value("id", "").c_str());
    *ctx.out << line << "\n";
  }
  if (flows.empty() && ctx.verbosity >= 0) {
    *ctx.err << "fstage: no flows in " << api.target().region << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_info(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                      const ProjectDefaults&) {
  Json f = FSTAGE_TRY(find_flow(api, o.flow));
  if (o.json) {
    print_json(ctx, f);
    return k_exit_ok;
  }
  std::ostream& out = *ctx.out;
  out << f.value("workflow_urn", "") << "\n  mode: " << f.value("mode", "NORMAL")
      << "\n  start: " << f.value("start", "") << "\n  updated: " << f.value("updated_time", "")
      << "\nstates:\n";
  for (const auto& s : f.value("states", Json::array())) {
    out << "  " << s.value("id", "") << " (" << s.value("type", "") << ")";
    if (s.value("end", false) || s.value("type", "") == "End") {
      out << " end";
    } else if (!s.value("transition", "").empty()) {
      out << " -> " << s.value("transition", "");
    }
    out << "\n";
  }
  out << "functions:\n";
  for (const auto& fn : f.value("functions", Json::array())) {
    out << "  " << fn.value("name", "") << " " << fn.value("operation", "") << "\n";
  }
  return k_exit_ok;
}

void print_lines(const Context& ctx, const std::vector<std::string>& lines) {
  if (ctx.verbosity < 0) {
    return;
  }
  for (const auto& l : lines) {
    *ctx.err << l << "\n";
  }
  ctx.err->flush();
}

// Polls the execution until it ends, writing the timeline's new lines as they appear.
Expected<Json> follow(const Context& ctx, deploy::Api& api, const std::string& flow_id,
                      const std::string& eid) {
  std::set<std::string> printed;
  auto wait = std::chrono::milliseconds(200);
  while (true) {
    Json record = FSTAGE_TRY(api.get_workflow_execution(flow_id, eid));
    print_lines(ctx, new_history_lines(record, printed));
    if (is_end_status(record.value("status", ""))) {
      return record;
    }
    if (sleep_unless_interrupted(wait)) {
      if (ctx.verbosity >= 0) {
        *ctx.err << "fstage: stopped following; execution " << eid << " goes on remotely\n";
      }
      return fail(interrupted_error());
    }
    wait = std::min(wait * 2, std::chrono::milliseconds(2000));
  }
}

Expected<int> finish(const Context& ctx, const Json& record, const FlowOptions& o) {
  if (ctx.verbosity >= 0) {
    *ctx.err << history_summary(record) << "\n";
  }
  if (o.json) {
    print_json(ctx, record);
  } else if (record.value("status", "") == "success") {
    *ctx.out << json_text(record.value("output", Json()), 2) << "\n";
  }
  return exit_for(ctx, record, o.json);
}

Expected<int> do_run(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                     const ProjectDefaults&) {
  Json input = Json::object();
  if (!o.input_file.empty()) {
    const std::string text = FSTAGE_TRY(read_event_input(ctx, o.input_file));
    input = FSTAGE_TRY(parse_json(text, o.input_file == "-" ? "<stdin>" : o.input_file));
  }
  Json f = FSTAGE_TRY(find_flow(api, o.flow));
  const std::string id = f.value("id", "");
  const Json body = {{"input", input}};
  if (f.value("mode", "NORMAL") == "EXPRESS") {
    Json r = FSTAGE_TRY(api.start_workflow_execution(id, body, true));
    const std::string eid = r.value("execution_id", "");
    // The platform keeps no history of EXPRESS executions: the answer's errors are the timeline.
    auto shown = api.get_workflow_execution(id, eid);
    if (shown) {
      std::set<std::string> printed;
      print_lines(ctx, new_history_lines(*shown, printed));
    } else if (ctx.verbosity >= 0) {
      for (const auto& e : r.value("errors", Json::array())) {
        *ctx.err << "error at state " << e.value("node_id", "") << ": "
                 << e.value("error_message", "") << "\n";
      }
    }
    return finish(ctx, shown ? *shown : r, o);
  }
  Json r = FSTAGE_TRY(api.start_workflow_execution(id, body, false));
  const std::string eid = r.value("execution_id", "");
  if (o.no_wait) {
    if (o.json) {
      print_json(ctx, {{"execution_id", eid}, {"workflow_id", id}});
    } else {
      *ctx.out << eid << "\n";
    }
    return k_exit_ok;
  }
  if (ctx.verbosity >= 0) {
    *ctx.err << "flow " << o.flow << ", execution " << eid << "\n";
  }
  Json record = FSTAGE_TRY(follow(ctx, api, id, eid));
  return finish(ctx, record, o);
}

Expected<int> do_executions(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                            const ProjectDefaults&) {
  Json f = FSTAGE_TRY(find_flow(api, o.flow));
  auto all = FSTAGE_TRY(api.list_workflow_executions(f.value("id", ""), o.status, o.limit));
  if (o.json) {
    print_json(ctx, Json(all));
    return k_exit_ok;
  }
  for (const auto& e : all) {
    const Json end = e.value("end_time", Json());
    char line[256];
    std::snprintf(line, sizeof line, "%-36s %-8s %-20s %s", e.value("execution_id", "").c_str(),
                  e.value("status", "").c_str(), e.value("begin_time", "").c_str(),
                  end.is_string() ? end.get<std::string>().c_str() : "-");
    *ctx.out << line << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_history(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                         const ProjectDefaults&) {
  const std::string id = FSTAGE_TRY(flow_of(api, o));
  Json record = FSTAGE_TRY(api.get_workflow_execution(id, o.execution));
  if (o.json) {
    print_json(ctx, record);
    return k_exit_ok;
  }
  std::set<std::string> printed;
  for (const auto& l : new_history_lines(record, printed)) {
    *ctx.out << l << "\n";
  }
  *ctx.out << history_summary(record) << "\n";
  return k_exit_ok;
}

Expected<int> do_op(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                    const std::string& op) {
  const std::string id = FSTAGE_TRY(flow_of(api, o));
  FSTAGE_TRY(api.workflow_execution_op(id, o.execution, op));
  if (o.json) {
    print_json(ctx, {{"execution_id", o.execution}, {"workflow_id", id}, {"done", op}});
  } else if (ctx.verbosity >= 0) {
    *ctx.err << "fstage: " << (op == "retry" ? "retrying" : "terminated") << " execution "
             << o.execution << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_remove(const Context& ctx, deploy::Api& api, const FlowOptions& o,
                        const ProjectDefaults& w) {
  Json f = FSTAGE_TRY(find_flow(api, o.flow));
  if (!o.yes) {
    if (!ctx.stdin_tty || !ctx.stderr_tty) {
      return fail(ErrorCode::usage, "removing flow " + quote(o.flow) + " needs --yes",
                  "not asked: stdin is not a terminal");
    }
    *ctx.err << "Remove flow " << o.flow << " (" << f.value("workflow_urn", "")
             << ") and its executions? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      *ctx.err << "fstage: not removed\n";
      return k_exit_ok;
    }
  }
  const std::string urn = f.value("workflow_urn", "");
  FSTAGE_TRY(api.delete_workflows({urn}));
  if (!w.root.empty()) {
    auto state = deploy::DeployState::load(deploy::state_file(w.root, w.stage));
    state.forget_flow(urn);
    FSTAGE_TRY(state.save());
  }
  if (o.json) {
    print_json(ctx, {{"flow", o.flow}, {"workflow_urn", urn}, {"removed", true}});
  } else if (ctx.verbosity >= 0) {
    *ctx.err << "fstage: removed flow " << o.flow << "\n";
  }
  return k_exit_ok;
}

enum class Takes { nothing, flow, execution };

CLI::App* sub(CLI::App* parent, Context& ctx, std::shared_ptr<FlowOptions> opts, const char* name,
              const char* help, Action act, Takes takes) {
  auto* cmd = parent->add_subcommand(name, help);
  if (takes == Takes::flow) {
    cmd->add_option("flow", opts->flow, "The flow's name")->required()->type_name("FLOW");
  } else if (takes == Takes::execution) {
    cmd->add_option("execution", opts->execution, "The execution id")->required()->type_name("EID");
    cmd->add_option("--flow", opts->flow, "The execution's flow (default: searched for)")
        ->type_name("FLOW");
  }
  add_json_flag(cmd, opts->json, ctx, "JSON on stdout");
  add_manifest_option(cmd, opts->manifest);
  add_remote_flags(cmd, opts->flags);
  cmd->callback([&ctx, opts, act] {
    ctx.action = [&ctx, opts, act] { return with_session(ctx, *opts, act); };
  });
  return cmd;
}

}  // namespace

void register_remote_flow(CLI::App& remote, Context& ctx) {
  auto* flow = remote.add_subcommand(
      "flow",
      "Deployed function flows: list, info, run, executions, history, retry, terminate, "
      "remove");
  flow->require_subcommand(1);
  auto opts = std::make_shared<FlowOptions>();
  sub(flow, ctx, opts, "list", "List the flows in the region", do_list, Takes::nothing);
  sub(flow, ctx, opts, "info", "A flow's definition: mode, states, functions", do_info,
      Takes::flow);
  auto* run =
      sub(flow, ctx, opts, "run",
          "Run the flow (EXPRESS: sync; NORMAL: async, followed to its end)", do_run, Takes::flow);
  run->add_option("-i,--input", opts->input_file, "Input JSON file ('-' for stdin; default {})")
      ->type_name("FILE");
  run->add_flag("--no-wait", opts->no_wait, "NORMAL flows: print the execution id and return");
  auto* list = sub(flow, ctx, opts, "executions", "The flow's executions of the last three days",
                   do_executions, Takes::flow);
  list->add_option("--status", opts->status, "Only these: success, fail, running, timeout, cancel")
      ->check(CLI::IsMember({"success", "fail", "running", "timeout", "cancel"}));
  list->add_option("--limit", opts->limit, "At most this many (default 20)")
      ->check(CLI::Range(1, 200));
  sub(flow, ctx, opts, "history", "An execution's node timeline, as 'flow run' prints it",
      do_history, Takes::execution);
  sub(
      flow, ctx, opts, "retry", "Retry a failed execution from its failed state",
      [](const Context& c, deploy::Api& a, const FlowOptions& o, const ProjectDefaults&) {
        return do_op(c, a, o, "retry");
      },
      Takes::execution);
  sub(
      flow, ctx, opts, "terminate", "Stop a running execution",
      [](const Context& c, deploy::Api& a, const FlowOptions& o, const ProjectDefaults&) {
        return do_op(c, a, o, "terminate");
      },
      Takes::execution);
  auto* rm = sub(flow, ctx, opts, "remove", "Delete the flow (asks; --yes when not on a terminal)",
                 do_remove, Takes::flow);
  rm->add_flag("-y,--yes", opts->yes, "Do not ask");
}

}  // namespace fstage::cli
