// SPDX-License-Identifier: Apache-2.0
// `fstage flow run [FLOW] [-i FILE|-] [--json] [--real-time] [--state ID] [--header K=V]...
// [--merge-parameters]`: runs a flow of the manifest, its functions in the same sandboxes and
// warm instances as `invoke` (flow_invoker.hpp). stdout: the flow's output JSON, or with
// --json the execution in the API's ShowWorkflowExecution shape plus fstage's figures. stderr:
// a live timeline (state starts, attempt ends, sleeps), the functions' logs tagged with their
// state, then a SUMMARY line; -q drops all three.
//
// Exit codes: 0 success; 14 the flow ended in fail; 11 it timed out; 3 an invalid definition
// or input; 13 a function's sandbox could not start; 130 SIGINT/SIGTERM (the execution is
// reported as `cancel`, every sandbox stopped and its cgroup removed first).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/function.hpp>

#include "../src/options.hpp"
#include "event_input.hpp"
#include "flow_common.hpp"
#include "flow_invoker.hpp"
#include "flow_repeat.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct FlowRunOptions {
  std::string flow;
  std::string input_file;
  std::string manifest;
  std::string state;
  std::vector<std::string> headers;
  bool json = false;
  bool real_time = false;
  bool merge_parameters = false;
  int repeat = 0;
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// "86400 s", "1.5 s", "250 ms": a sleep as a person reads it.
std::string sleep_text(std::int64_t ms) {
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + " s";
  }
  return ms >= 1000 ? fixed(static_cast<double>(ms) / 1000.0, 3) + " s"
                    : std::to_string(ms) + " ms";
}

// The ids of the Sleep states, nested ones too: a `slept` event elsewhere is a retry's delay.
void sleep_ids(const std::vector<flow::State>& states, std::set<std::string>& out) {
  for (const auto& s : states) {
    if (s.type == flow::StateType::sleep) {
      out.insert(s.id);
    }
    for (const auto& b : s.branches) {
      sleep_ids(b.states, out);
    }
    if (s.iterator) {
      sleep_ids(s.iterator->states, out);
    }
  }
}

std::size_t longest_id(const std::vector<flow::State>& states) {
  std::size_t n = 0;
  for (const auto& s : states) {
    n = std::max(n, s.id.size());
    for (const auto& b : s.branches) {
      n = std::max(n, longest_id(b.states));
    }
    if (s.iterator) {
      n = std::max(n, longest_id(s.iterator->states));
    }
  }
  return n;
}

// The live timeline on stderr, and the functions' log lines between its lines: each written
// whole, under one lock, from whichever thread has it.
class Timeline {
 public:
  Timeline(std::ostream& err, bool on, const flow::Definition& def, bool real_time)
      : m_err(err),
        m_on(on),
        m_width(std::min<std::size_t>(std::max<std::size_t>(longest_id(def.states), 5), 24)),
        m_real_time(real_time) {
    sleep_ids(def.states, m_sleeps);
  }

  void write(const std::string& line) {
    if (!m_on) {
      return;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_err << line << '\n';
    m_err.flush();
  }

  void log_line(std::string_view tagged) {
    write(std::string(13, ' ') + "| " + std::string(tagged));
  }

  void on_event(const flow::Event& ev) {
    using K = flow::Event::Kind;
    if (ev.kind == K::flow_started) {
      m_start = Clock::now();
      return;
    }
    if (ev.kind == K::flow_finished) {
      return;  // the SUMMARY line says it
    }
    double at = std::chrono::duration<double, std::milli>(Clock::now() - m_start).count();
    std::string id = ev.state_id;
    if (id.size() < m_width) {
      id.append(m_width - id.size(), ' ');
    }
    std::string what;
    switch (ev.kind) {
      case K::state_started:
        what = "start";
        if (!ev.state_name.empty() && ev.state_name != ev.state_id) {
          what += " (" + ev.state_name + ")";
        }
        break;
      case K::attempt_finished:
        if (ev.function.empty()) {
          return;  // an End, Sleep or local state: its end line says it
        }
        what = ev.function + " #" + std::to_string(ev.attempt + 1) + "  " +
               fixed(ev.duration_ms, 3) + " ms  " + ev.status;
        if (ev.mocked) {
          what += " (mocked)";
        }
        if (!ev.error_type.empty()) {
          what += "  " + ev.error_type;
          if (!ev.error_message.empty()) {
            what += ": " + first_line(ev.error_message);
          }
        }
        break;
      case K::slept: {
        // A branch's states are reported as "<state>/<n>/<id>".
        auto slash = ev.state_id.rfind('/');
        std::string own = slash == std::string::npos ? ev.state_id : ev.state_id.substr(slash + 1);
        what = (m_sleeps.count(own) > 0 ? "slept " : "retry delay ") + sleep_text(ev.slept_ms) +
               (m_real_time ? "" : " (virtual time)");
        break;
      }
      case K::state_finished:
        what = "end  " + fixed(ev.duration_ms, 3) + " ms  " + ev.status;
        if (!ev.error_type.empty() && ev.status != flow::k_status_success) {
          what += "  " + ev.error_type;
        }
        break;
      default:
        return;
    }
    write("+" + pad_left(fixed(at, 3), 10) + " ms  " + id + "  " + what);
  }

 private:
  static std::string first_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl) + " ...";
  }
  static std::string pad_left(std::string s, std::size_t n) {
    if (s.size() < n) {
      s.insert(0, n - s.size(), ' ');
    }
    return s;
  }
  std::ostream& m_err;
  bool m_on;
  std::size_t m_width;
  bool m_real_time;
  std::mutex m_mutex;
  Clock::time_point m_start = Clock::now();
  std::set<std::string> m_sleeps;
};

// The flow to run when none is named: the manifest's only one.
Expected<std::string> choose_flow(const manifest::Manifest& m, const std::string& file) {
  auto names = flow::flow_names(m);
  if (names.size() == 1) {
    return names.front();
  }
  if (names.empty()) {
    return fail(ErrorCode::not_found, file + " defines no flows",
                "add one under `flows:` (see the README's Function flows section)");
  }
  return fail(ErrorCode::usage,
              file + " defines " + std::to_string(names.size()) + " flows; name one",
              "flows: " + join(names, ", "));
}

Expected<std::map<std::string, std::string>> parse_headers(const std::vector<std::string>& kv) {
  std::map<std::string, std::string> out;
  for (const auto& h : kv) {
    auto eq = h.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::usage, "--header takes NAME=VALUE, not " + quote(h),
                  "e.g. --header X-Tenant=acme");
    }
    out[h.substr(0, eq)] = h.substr(eq + 1);
  }
  return out;
}

// The functions' attempts (an End's or a Sleep's record is not one).
std::size_t attempts_of(const flow::Execution& e) {
  std::size_t n = 0;
  for (const auto& node : e.node_execution_details) {
    for (const auto& a : node.executions) {
      n += a.function.empty() ? 0 : 1;
    }
  }
  return n;
}

std::string summary_line(const flow::Execution& e, bool real_time, bool one_state) {
  std::string s = "SUMMARY Status: " + e.status + "\tStates: " + std::to_string(e.path.size()) +
                  "\tAttempts: " + std::to_string(attempts_of(e)) +
                  "\tWall: " + fixed(e.duration_ms, 3) + " ms\tEngine: " + fixed(e.engine_ms, 3) +
                  " ms";
  if (e.virtual_slept_ms > 0) {
    s += "\tSlept: " + sleep_text(e.virtual_slept_ms) + (real_time ? "" : " (virtual time)");
  }
  if (one_state) {
    // --state: where the flow would go next, not followed.
    s += "\tNext: " + (e.next_state.empty() ? std::string("(end of flow)") : e.next_state);
    if (e.caught_error) {
      s += " (on_errors took " + e.error_type + ")";
    }
  }
  return s;
}

// Why the run ended other than in success: the state, the error type and message.
std::string failure_text(const flow::Execution& e) {
  std::string s = "flow " + quote(e.workflow_name) + " ended in " + e.status;
  if (!e.error_state.empty()) {
    s += " at state " + quote(e.error_state);
  }
  if (!e.error_type.empty() || !e.error_message.empty()) {
    s += ": " + e.error_type + (e.error_message.empty() ? "" : ": " + e.error_message);
  }
  return s;
}

Expected<int> run_flow(Context& ctx, const FlowRunOptions& o) {
  std::string name = o.flow;
  if (name.empty()) {
    fs::path file = FSTAGE_TRY(manifest_path(ctx, o.manifest));
    const std::string shown = ctx.display_path(file);
    manifest::Manifest only = FSTAGE_TRY(load_project(ctx, file));
    name = FSTAGE_TRY(choose_flow(only, shown));
  }
  LoadedFlow loaded = FSTAGE_TRY(load_flow_for_command(ctx, o.manifest, name));
  const manifest::Manifest& m = loaded.manifest;
  const flow::Definition& def = loaded.definition;
  if (o.repeat < 0) {
    return fail(ErrorCode::usage, "--repeat must be 0 or more");
  }
  flow::RunOptions ro;
  ro.region = m.region;
  ro.headers = FSTAGE_TRY(parse_headers(o.headers));
  ro.merge_parameters = o.merge_parameters;
  ro.real_time = o.real_time;
  ro.only_state = o.state;
  ro.cancel_fd = interrupt_flag().fd();
  ro.execution_id = sandbox::new_request_id();
  if (!o.input_file.empty()) {
    std::string origin = o.input_file == "-" ? "<stdin>" : o.input_file;
    std::string text = FSTAGE_TRY(read_event_input(ctx, o.input_file));
    ro.input = FSTAGE_TRY(parse_ordered_json(text, origin));
  }
  if (!o.state.empty() && def.find_state(o.state) == nullptr) {
    std::vector<std::string> ids;
    for (const auto& s : def.states) {
      ids.push_back(s.id);
    }
    return fail(
        ErrorCode::not_found,
        "flow " + quote(name) + " has no state " + quote(o.state) + did_you_mean(o.state, ids),
        "states: " + join(ids, ", "));
  }

  const bool human = ctx.verbosity >= 0;
  auto timeline = std::make_shared<Timeline>(*ctx.err, human, def, o.real_time);
  FlowInvokerOptions io;
  io.cancel_fd = interrupt_flag().fd();
  if (human) {
    io.on_log_line = [timeline](std::string_view line) { timeline->log_line(line); };
  }
  auto invoker = FSTAGE_TRY(make_flow_invoker(ctx, m, def, o.state, io));
  if (interrupted()) {
    invoker->shutdown();
    return fail(interrupted_error());
  }
  if (human) {
    ro.on_event = [timeline](const flow::Event& ev) { timeline->on_event(ev); };
  }
  timeline->write("flow " + name + (o.state.empty() ? "" : ", state " + o.state + " alone") +
                  ": execution " + ro.execution_id);

  std::optional<RepeatReport> repeated;
  Expected<flow::Execution> ran = fail(ErrorCode::internal, "flow did not run");
  if (o.repeat > 0) {
    auto r = repeat_flow(def, *invoker, ro, o.repeat);
    if (r) {
      ran = r->last;
      repeated = std::move(*r);
    } else {
      ran = fail(std::move(r).error());
    }
  } else {
    ran = flow::run(def, *invoker, ro);
  }
  // Every instance is stopped and its cgroup removed before anything is said: after a signal
  // exit 130 promises nothing is left behind.
  invoker->shutdown();
  if (!ran) {
    return fail(std::move(ran).error());
  }
  const flow::Execution& e = *ran;
  const bool cancelled = e.status == flow::k_status_cancel || interrupted();
  timeline->write(summary_line(e, o.real_time, !o.state.empty()));
  if (repeated) {
    timeline->write(repeat_summary_line(repeated->summary));
  }

  if (o.json) {
    OrderedJson j = flow::to_json(e);
    if (repeated) {
      OrderedJson both = OrderedJson::object();
      both["execution"] = std::move(j);
      both["repeat"] = repeated->summary;
      j = std::move(both);
    }
    *ctx.out << json_text(j, 2) << "\n";
    ctx.out->flush();
  } else if (e.status == flow::k_status_success) {
    *ctx.out << json_text(e.output, 2) << "\n";
    ctx.out->flush();
  }
  if (cancelled) {
    return fail(interrupted_error());
  }
  if (e.status == flow::k_status_success) {
    return k_exit_ok;
  }
  // The JSON record already says how it ended; the exit code says it to a script.
  ErrorCode code = e.sandbox_failure                    ? ErrorCode::sandbox
                   : e.status == flow::k_status_timeout ? ErrorCode::timeout
                                                        : ErrorCode::flow_failed;
  if (o.json) {
    return exit_code_for(code);
  }
  return fail(code, failure_text(e));
}

}  // namespace

void register_flow_run(CLI::App& flow, Context& ctx) {
  auto opts = std::make_shared<FlowRunOptions>();
  auto* cmd = flow.add_subcommand("run", "Run a flow locally, its functions in the sandbox");
  add_flow_argument(cmd, opts->flow, "flow", "Flow to run (default: the manifest's only flow)");
  cmd->add_option("-i,--input", opts->input_file, "The flow's input JSON file, or - for stdin")
      ->type_name("FILE");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx,
                "Print the execution as the API's ShowWorkflowExecution, plus fstage's figures");
  cmd->add_flag("--real-time", opts->real_time,
                "Sleep states wait for real (default: skipped in virtual time)");
  cmd->add_option("--state", opts->state,
                  "Run this state alone on the input: its filters, arguments, retries, errors")
      ->type_name("ID");
  cmd->add_option("--header", opts->headers,
                  "A start header passed to every function: NAME=VALUE (repeatable)")
      ->type_name("NAME=VALUE");
  cmd->add_flag("--merge-parameters", opts->merge_parameters,
                "Merge each state's output into the next one's input "
                "(X-WorkflowRun-MergeFnParameters)");
  cmd->add_option("--repeat", opts->repeat,
                  "Run the flow N more times on its warm instances, each time beside the same "
                  "invocations made directly; report the engine's overhead")
      ->type_name("N");
  cmd->footer(
      "Exit codes: 0 success, 14 the flow failed, 11 it timed out, 3 invalid definition or\n"
      "input, 13 sandbox failure, 130 interrupted (the execution is reported as cancel).");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_flow(ctx, *opts); }; });
}

}  // namespace fstage::cli
