// SPDX-License-Identifier: Apache-2.0
// `fstage invoke [FUNCTION] [-e FILE|-] [--trigger T --set path=value] [--replay ID [--url U]]
// [--json] [--repeat N]`: runs a function in the local sandbox. The result goes to stdout; the
// function's logs go to stderr in the platform's format, followed by a REPORT line.
//
// Exit codes (cli/include/fstage/cli/exit_codes.hpp): 0 ok; 10 function error (also a runtime
// that crashed or exited: status "killed"); 11 timeout; 12 out of memory; 13 sandbox failure
// or isolation weaker than --require-isolation; 7 request or response over 6 MB; 3 malformed
// event JSON.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/time.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/sandbox/interpreters.hpp>
#include <fstage/sandbox/triggers.hpp>
#include <fstage/scaffolds/templates.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"
#include "commands.hpp"
#include "debug_session.hpp"
#include "event_input.hpp"
#include "invoke_replay.hpp"
#include <sys/resource.h>
#include <sys/stat.h>

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
namespace sb = fstage::sandbox;

struct InvokeOptions {
  std::string function;
  std::string event_file;
  std::string trigger;
  std::vector<std::string> sets;
  std::string manifest;
  std::string network = "none";
  std::string interpreter;
  std::string artifact;
  std::string replay;  // a request id kept by a running serve
  std::string url;     // that serve's address
  bool json = false;
  bool require_isolation = false;
  bool no_version_warning = false;
  int repeat = 1;
  std::string debug_port;  // "" = no debugger
};

// "2022-09-20T11:43:57Z", as the platform's log lines print it.
std::string utc_now() {
  return utc_iso8601(std::time(nullptr));
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// Billed in 100 ms steps, rounded up, at least one step.
long billed_ms(double duration_ms) {
  return std::max(100L, static_cast<long>(ceil_to_int(duration_ms / 100.0)) * 100);
}

double mb(std::uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

int status_exit_code(const sb::InvokeResult& r) {
  switch (r.status) {
    case sb::InvokeStatus::ok:
      return k_exit_ok;
    case sb::InvokeStatus::function_error:
      return r.response_too_large ? k_exit_limit : k_exit_function_error;
    case sb::InvokeStatus::killed:
      return k_exit_function_error;
    case sb::InvokeStatus::timeout:
      return k_exit_timeout;
    case sb::InvokeStatus::oom:
      return k_exit_oom;
    case sb::InvokeStatus::sandbox_error:
      return k_exit_sandbox;
    case sb::InvokeStatus::cancelled:
      return k_exit_interrupted;
  }
  return k_exit_sandbox;
}

Expected<std::string> read_event(const Context& ctx, const InvokeOptions& o,
                                 const manifest::Trigger* route, bool http_function,
                                 std::string& origin) {
  if (!o.event_file.empty() && !o.trigger.empty()) {
    return fail(ErrorCode::usage, "give either --event or --trigger, not both");
  }
  // An HTTP function takes only APIG requests (PLATFORM.md 1.7): given no event, one with an
  // APIG trigger is called on its route, as `--trigger apig` would, not with `{}` as POST /.
  const std::string trigger =
      o.trigger.empty() && o.event_file.empty() && http_function && route != nullptr ? "apig"
                                                                                     : o.trigger;
  const bool apig = to_lower(trigger).starts_with("apig");
  if (http_function && !trigger.empty() && !apig) {
    return fail(
        ErrorCode::usage,
        "an http function takes only APIG requests, not a " + quote(trigger) + " trigger's event",
        "fstage invoke --trigger apig (or apig-base64), or -e FILE with an event of "
        "your own");
  }
  if (!o.sets.empty() && trigger.empty()) {
    return fail(ErrorCode::usage, "--set edits a sample event: use it with --trigger",
                "e.g. fstage invoke --trigger apig --set body=hello");
  }
  if (!trigger.empty()) {
    origin = trigger + " sample event";
    std::string text = FSTAGE_TRY(scaffolds::sample_event(trigger));
    OrderedJson event = FSTAGE_TRY(parse_ordered_json(text, origin));
    event = FSTAGE_TRY(sb::apply_assignments(std::move(event), o.sets));
    if (route != nullptr && apig) {
      // The function's own route, as API Gateway would call it, not the sample's /hello.
      sb::aim_at_route(event, route->fields.value("method", "ANY"), route->fields.value("path", ""),
                       o.sets);
    }
    return json_text(event);
  }
  if (o.event_file.empty()) {
    origin = "event";
    return std::string("{}");
  }
  origin = o.event_file == "-" ? "<stdin>" : o.event_file;
  return read_event_input(ctx, o.event_file);
}

// What runs: the function's build, or the zip given with --artifact unpacked (and its
// dependency packages laid over it, as the platform does) into `unpacked`.
Expected<sb::FunctionSpec> load_spec(Context& ctx, const InvokeOptions& o,
                                     std::vector<std::string>& warnings,
                                     std::optional<TempDir>& unpacked,
                                     std::optional<manifest::Trigger>& route,
                                     sb::DebugSettings& debug) {
  fs::path file = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  manifest::Manifest m = FSTAGE_TRY(load_project(ctx, file));
  const manifest::Function* fn = nullptr;
  if (!o.function.empty()) {
    fn = m.find(o.function);
    if (fn == nullptr) {
      std::vector<std::string> names;
      for (const auto& f : m.functions) {
        names.push_back(f.name);
      }
      return fail(ErrorCode::not_found,
                  "no function " + quote(o.function) + " in " + file.filename().string() +
                      did_you_mean(o.function, names),
                  "functions: " + join(names, ", "));
    }
  } else if (m.functions.size() == 1) {
    fn = &m.functions.front();
  } else {
    std::vector<std::string> names;
    for (const auto& f : m.functions) {
      names.push_back(f.name);
    }
    return fail(ErrorCode::usage,
                file.filename().string() + " defines " + std::to_string(names.size()) +
                    " functions; name one",
                "fstage invoke " + (names.empty() ? std::string("NAME") : names.front()));
  }
  for (const auto& w : m.warnings_for(fn->name)) {  // none about the functions not run
    warnings.push_back(w.str());
  }
  if (!o.debug_port.empty()) {
    const int port = FSTAGE_TRY(sb::parse_debug_port(o.debug_port));
    FSTAGE_TRY(prepare_debug(ctx, m, *fn, port, debug));
  }
  for (const auto& t : fn->triggers) {
    if (t.type == "APIG") {
      route = t;  // the first APIG trigger: what --trigger apig calls
      break;
    }
  }
  if (o.artifact.empty()) {
    auto built = FSTAGE_TRY(build_for_run(ctx, m, *fn));
    return sb::function_spec(m, *fn, built.run_tree);
  }
  std::vector<builder::DependencyBuild> deps;
  if (!fn->dependencies.empty()) {
    deps = FSTAGE_TRY(build_for_run(ctx, m, *fn)).dependencies;
  }
  fs::path zip = ctx.resolve(o.artifact);
  unpacked = FSTAGE_TRY(TempDir::create({}, "fstage-artifact-"));
  ::chmod(unpacked->path().c_str(), 0755);  // the sandbox's user may differ
  auto r = builder::unpack_artifact(zip, deps, unpacked->path() / "code");
  if (!r) {
    return fail(std::move(r).error().with_context("while unpacking " + ctx.display_path(zip)));
  }
  return sb::function_spec(m, *fn, unpacked->path() / "code");
}

// One invocation's record. `warnings` (the run's: the manifest's about this function, the
// runner's) is left out when null: with --repeat they are said once, beside the records.
OrderedJson to_json(const sb::InvokeResult& r, const std::string& log_text,
                    const std::vector<std::string>* warnings) {
  OrderedJson j = OrderedJson::object();
  j["request_id"] = r.request_id;
  j["status"] = std::string(sb::to_string(r.status));
  j["result"] = r.status == sb::InvokeStatus::ok ? OrderedJson(r.result) : OrderedJson(nullptr);
  OrderedJson err =
      r.error.empty() ? OrderedJson(nullptr) : OrderedJson::parse(r.error, nullptr, false);
  j["error"] = err.is_discarded() ? OrderedJson(r.error) : err;
  j["logs"] = log_text;
  j["cold"] = r.cold;
  j["duration_ms"] = round_to(r.duration_ms, 3);
  j["billed_duration_ms"] = billed_ms(r.duration_ms);
  j["init_duration_ms"] = round_to(r.init_duration_ms, 3);
  j["memory_size_mb"] = r.memory_size_mb;
  j["max_memory_used_bytes"] = r.max_memory_bytes;
  j["max_memory_used_mb"] = round_to(mb(r.max_memory_bytes), 3);
  j["memory_source"] = r.memory_source;
  OrderedJson iso = OrderedJson::object();
  iso["tier"] = std::string(sb::to_string(r.isolation.tier));
  iso["summary"] = r.isolation.summary;
  iso["enforced"] = r.isolation.enforced;
  iso["not_enforced"] = r.isolation.not_enforced;
  j["isolation"] = iso;
  if (warnings != nullptr) {
    j["warnings"] = *warnings;
  }
  if (!r.version_note.empty()) {
    j["runtime_version"] = r.version_note;
  }
  if (r.debugging) {
    j["timeout_suspended"] = true;  // a debugger held the function
  }
  j["exit_code"] = status_exit_code(r);
  return j;
}

// The platform's log framing around the function's output.
std::string start_line(const std::string& id, const std::string& version) {
  return utc_now() + " Start invoke request '" + id + "', version: " + version + "\n";
}

std::string finish_line(const sb::InvokeResult& r) {
  return utc_now() + " Finish invoke request '" + r.request_id +
         "', duration: " + fixed(r.duration_ms, 3) +
         "ms, billing duration: " + std::to_string(billed_ms(r.duration_ms)) +
         "ms, memory used: " + fixed(mb(r.max_memory_bytes), 3) +
         "MB, billing memory: " + std::to_string(r.memory_size_mb) + "MB\n";
}

std::string report_line(const sb::InvokeResult& r) {
  std::string s = "REPORT RequestId: " + r.request_id + "\tDuration: " + fixed(r.duration_ms, 2) +
                  " ms\tBilled Duration: " + std::to_string(billed_ms(r.duration_ms)) +
                  " ms\tMemory Size: " + std::to_string(r.memory_size_mb) +
                  " MB\tMax Memory Used: " + fixed(mb(r.max_memory_bytes), 1) + " MB";
  if (r.cold) {
    s += "\tInit Duration: " + fixed(r.init_duration_ms, 2) + " ms";
  }
  s += "\tStatus: " + std::string(sb::to_string(r.status));
  s += "\tIsolation: " + std::string(sb::to_string(r.isolation.tier));
  if (!r.version_note.empty()) {
    s += "\tRuntime: " + r.version_note;  // the function asked for another version
  }
  if (r.debugging) {
    s += "\tTimeout: suspended (debugger)";
  }
  return s + "\n";
}

// Peak RSS of this process alone (the supervisor), without the sandboxes it reaped.
long self_max_rss_kb() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(ceil_to_int(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(idx, v.size() - 1)];
}

// --replay: the request serve kept, and the options that run it (its function).
Expected<ReplayedRequest> replay_request(const Context& ctx, InvokeOptions& o) {
  if (!o.event_file.empty() || !o.trigger.empty() || !o.sets.empty()) {
    return fail(ErrorCode::usage,
                "--replay runs the event the function got: drop --event, "
                "--trigger and --set");
  }
  fs::path file = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  ReplayedRequest r = FSTAGE_TRY(fetch_replay(ctx, o.replay, o.url, file.parent_path()));
  if (!o.function.empty() && o.function != r.function) {
    return fail(ErrorCode::usage,
                "request " + o.replay + " went to function " + quote(r.function) + ", not " +
                    quote(o.function),
                "fstage invoke --replay " + o.replay + " (the function comes with the request)");
  }
  o.function = r.function;
  return r;
}

Expected<int> run_invoke(Context& ctx, const InvokeOptions& given) {
  InvokeOptions o = given;
  std::optional<ReplayedRequest> replayed;
  if (!o.replay.empty()) {
    replayed = FSTAGE_TRY(replay_request(ctx, o));
  } else if (!o.url.empty()) {
    return fail(ErrorCode::usage, "--url is where --replay finds serve: use it with --replay");
  }
  if (o.repeat < 1) {
    return fail(ErrorCode::usage, "--repeat must be at least 1");
  }
  if (o.network != "none" && o.network != "host") {
    return fail(ErrorCode::usage, "--network is 'none' or 'host'");
  }
  std::vector<std::string> warnings;
  std::optional<TempDir> unpacked;
  std::optional<manifest::Trigger> route;
  sb::DebugSettings debug;
  sb::FunctionSpec spec = FSTAGE_TRY(load_spec(ctx, o, warnings, unpacked, route, debug));
  std::string origin;
  std::string event;
  if (replayed) {
    origin = "request " + replayed->request_id + " (from " + replayed->from + ")";
    event = replayed->event;
  } else {
    event = FSTAGE_TRY(read_event(ctx, o, route ? &*route : nullptr,
                                  spec.runtime.language == manifest::Language::http, origin));
  }
  if (event.size() > sb::k_max_request_bytes) {
    return fail(ErrorCode::limit,
                "request body too large: " + std::to_string(event.size()) +
                    " bytes; the platform accepts at most " +
                    std::to_string(sb::k_max_request_bytes) +
                    " (6 MB) for a synchronous invocation",
                "pass large data by reference (an OBS object) instead");
  }
  FSTAGE_TRY(parse_json(event, origin));  // malformed JSON: origin:line:column

  const sb::Capabilities& caps = sb::probe(sb::ProbeOptions::from_env(ctx.env));
  if (o.require_isolation && !caps.namespaces) {
    Error e(ErrorCode::sandbox,
            "isolation required, but this host only offers " + sb::describe(caps));
    for (const auto& n : caps.notes) {
      e.details.push_back(n);
    }
    e.hint = "run `fstage doctor` for the fixes, or drop --require-isolation";
    return fail(std::move(e));
  }
  sb::RunnerOptions ro;
  ro.host_env = ctx.env;
  if (!o.interpreter.empty()) {
    // Same as FSTAGE_PYTHON / FSTAGE_NODE / FSTAGE_JAVA / FSTAGE_GO for this run.
    const char* var = spec.runtime.language == manifest::Language::python   ? "FSTAGE_PYTHON"
                      : spec.runtime.language == manifest::Language::nodejs ? "FSTAGE_NODE"
                      : spec.runtime.language == manifest::Language::java   ? "FSTAGE_JAVA"
                                                                            : "FSTAGE_GO";
    ro.host_env[var] = ctx.resolve(o.interpreter).string();
  }
  ro.network_host = o.network == "host";
  ro.debug = std::move(debug);
  ro.warn_version_mismatch = !o.no_version_warning && !version_warning_off(ctx);
  ro.cancel_fd = interrupt_flag().fd();  // SIGINT/SIGTERM stop the invocation at once
  // -q: only the result and errors; the function's logs and the report lines are dropped.
  const bool human = !o.json && ctx.verbosity >= 0;
  if (human) {
    ro.on_output = [&ctx](std::string_view chunk) {
      ctx.err->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      ctx.err->flush();
    };
  }
  auto runner = FSTAGE_TRY(sb::FunctionRunner::create(spec, ro, caps));
  for (const auto& w : runner->warnings()) {
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) {
      warnings.push_back(w);
    }
  }
  if (!o.json) {
    for (const auto& w : warnings) {
      warn(ctx, w);
    }
  }
  if (human && ctx.verbosity > 0) {
    // -v: what the sandbox enforces here, before anything runs.
    *ctx.err << "fstage: sandbox " << sb::describe(caps) << "\n";
    for (const auto& n : caps.notes) {
      *ctx.err << "fstage:   " << n << "\n";
    }
    *ctx.err << "fstage: code " << spec.code_dir.string() << " at " << sb::k_code_root << ", "
             << spec.memory_mb << " MB, timeout " << spec.timeout_s << " s, network " << o.network
             << "\n";
  }
  if (human && ctx.verbosity >= 2) {
    // -vv: what the run rests on: the event, the interpreter, the function's environment.
    *ctx.err << "fstage: event " << origin << " (" << event.size() << " bytes)\n";
    if (auto in = sb::find_interpreter_for(spec.runtime, ro.host_env)) {
      *ctx.err << "fstage: interpreter " << in->path.string() << " (" << in->version << ") for "
               << spec.runtime.name << "\n";
    }
    std::vector<std::string> names;
    for (const auto& [k, v] : spec.env) {
      names.push_back(k);
    }
    *ctx.err << "fstage: function environment: "
             << (names.empty() ? std::string("(none from fstage.yaml)") : join(names, ", "))
             << "\n";
  }

  OrderedJson records = OrderedJson::array();
  std::vector<double> warm;
  double cold_ms = 0;
  int exit_code = k_exit_ok;
  for (int i = 0; i < o.repeat; ++i) {
    sb::InvokeRequest req;
    req.request_id = sb::new_request_id();
    req.event = event;
    if (replayed) {
      req.headers = replayed->headers;
    }
    std::string start = start_line(req.request_id, spec.version);
    if (human) {
      *ctx.err << start << std::flush;
    }
    sb::InvokeResult r = runner->invoke(req);
    if (interrupted()) {
      // The instance is stopped and its cgroup removed before we say so, not left to a reaper.
      runner->stop();
      return fail(interrupted_error());
    }
    std::string finish = finish_line(r);
    if (r.cold) {
      cold_ms = r.init_duration_ms + r.duration_ms;
    } else {
      warm.push_back(r.duration_ms);
    }
    if (exit_code == k_exit_ok) {
      exit_code = status_exit_code(r);
    }
    if (o.json) {
      records.push_back(to_json(r, start + r.logs + finish, o.repeat == 1 ? &warnings : nullptr));
      continue;
    }
    if (human) {
      if (!r.logs.empty() && r.logs.back() != '\n') {
        *ctx.err << "\n";
      }
      *ctx.err << finish << report_line(r);
      for (const auto& n : r.isolation.not_enforced) {
        warn(ctx, "not enforced: " + n);
      }
      if (ctx.verbosity > 0 && !r.isolation.enforced.empty()) {
        *ctx.err << "fstage: enforced: " << join(r.isolation.enforced, ", ") << "\n";
      }
    }
    const std::string& body = r.status == sb::InvokeStatus::ok ? r.result : r.error;
    *ctx.out << body;
    if (!body.empty() && body.back() != '\n') {
      *ctx.out << "\n";
    }
    ctx.out->flush();
  }
  // Every result is out: the instance is killed, and neither its teardown nor the runner's
  // holds us up any longer (Context::keep). After a signal, though, exit 130 promises that
  // nothing is left: the cgroup goes now, not with the detached reaper.
  if (interrupted()) {
    runner->stop();
    return fail(interrupted_error());
  }
  runner->abandon();
  ctx.keep.push_back(std::shared_ptr<sb::FunctionRunner>(std::move(runner)));
  unpacked.reset();  // an unpacked --artifact: the killed sandbox needs it no more
  if (o.json) {
    OrderedJson out = o.repeat == 1 ? records.front() : OrderedJson::object();
    if (o.repeat > 1) {
      out["invocations"] = records;
      out["warnings"] = warnings;
    }
    if (o.repeat > 1) {
      out["summary"] = {{"cold_ms", cold_ms},
                        {"warm_count", warm.size()},
                        {"warm_p50_ms", percentile(warm, 50)},
                        {"warm_p99_ms", percentile(warm, 99)},
                        {"fstage_max_rss_kb", self_max_rss_kb()}};
    }
    *ctx.out << json_text(out, 2) << "\n";
  } else if (o.repeat > 1 && ctx.verbosity >= 0) {
    *ctx.err << "SUMMARY invocations: " << o.repeat << "\tcold: " << fixed(cold_ms, 2)
             << " ms\twarm p50: " << fixed(percentile(warm, 50), 3)
             << " ms\twarm p99: " << fixed(percentile(warm, 99), 3)
             << " ms\tfstage peak RSS: " << self_max_rss_kb() / 1024 << " MB\n";
  }
  return exit_code;
}

}  // namespace

void register_invoke(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InvokeOptions>();
  auto* cmd = app.add_subcommand("invoke", "Run a function once in the local sandbox");
  cmd->add_option("function", opts->function,
                  "Function to run (default: the manifest's only function)")
      ->type_name("FUNCTION");
  cmd->add_option("-e,--event", opts->event_file, "Event JSON file, or - for stdin")
      ->type_name("FILE");
  cmd->add_option("--trigger", opts->trigger,
                  "Use a trigger's sample event (see `fstage event list`)")
      ->type_name("EVENT");
  cmd->add_option("--set", opts->sets, "Edit the sample event: path=value (repeatable)");
  add_manifest_option(cmd, opts->manifest);
  cmd->add_option("--artifact", opts->artifact,
                  "Run this zip (as `fstage package` wrote it) instead of the project's build")
      ->type_name("ZIP");
  cmd->add_option("--network", opts->network, "none (default) or host")->type_name("{none,host}");
  cmd->add_option("--interpreter", opts->interpreter,
                  "Interpreter to run the function with (default: found on the host, or "
                  "FSTAGE_PYTHON/FSTAGE_NODE/FSTAGE_JAVA)");
  cmd->add_option("--repeat", opts->repeat,
                  "Invoke N times on one warm instance; report cold and warm timings");
  cmd->add_option("--debug-port", opts->debug_port,
                  "Start the function under its runtime's debugger (debugpy, node inspector, "
                  "JDWP, Delve), waiting for a client on 127.0.0.1:PORT")
      ->type_name("PORT");
  add_json_flag(cmd, opts->json, ctx,
                "Print one JSON record (status, result, error, logs, figures, warnings)");
  cmd->add_flag("--require-isolation", opts->require_isolation,
                "Fail instead of running without namespace isolation");
  add_version_warning_flag(cmd, opts->no_version_warning);
  cmd->add_option("--replay", opts->replay,
                  "Run again a request a running `fstage serve` kept (GET /_fstage/requests)")
      ->type_name("REQUEST_ID");
  cmd->add_option("--url", opts->url,
                  "With --replay: the serve's address (default: .fstage/serve.json, then "
                  "http://127.0.0.1:8080)")
      ->type_name("URL");
  cmd->footer(
      "Exit codes: 0 ok, 10 function error or crashed runtime, 11 timeout, 12 out of memory,\n"
      "13 sandbox failure, 7 request/response over 6 MB, 3 malformed event.\n"
      "Without --event or --trigger the event is {}; an http function with an APIG trigger\n"
      "is called on its route instead, with the APIG sample event (--set edits it).");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_invoke(ctx, *opts); }; });
}

}  // namespace fstage::cli
