// SPDX-License-Identifier: Apache-2.0
// `fstage serve [--host H] [--port P] [--concurrency N] [--queue N] [--watch] [--no-timers]
// [--log-format text|json]`: the local API gateway (serve/). APIG triggers become HTTP routes,
// TIMER triggers fire on schedule, each function gets a pool of warm instances. Logs go to
// stderr, or as one JSON object per line to stdout with --log-format json (--json says the
// same). The console is at /_fstage/. SIGINT/SIGTERM drain and exit 130; a second signal stops
// at once.
#include <memory>
#include <mutex>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/verify.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/serve/gateway.hpp>
#include <fstage/serve/log.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"
#include "commands.hpp"
#include "debug_session.hpp"

namespace fstage::cli {

namespace {

struct ServeCliOptions {
  std::string manifest;
  std::string host = "127.0.0.1";
  int port = 8080;
  int concurrency = 4;
  int queue = 128;
  int idle_timeout = 300;
  std::string network = "none";
  std::string stage = "RELEASE";
  bool watch = false;
  bool no_timers = false;
  bool json = false;
  std::string log_format;  // "" = text, or json with --json
  bool no_version_warning = false;
  std::string debug;  // FUNC[:PORT]
};

// Signed requests to serve's platform routes are checked against the local credentials (the
// ones deploy uses), read once, when the first signed request arrives: a project that never
// sees one never needs credentials.
std::function<Expected<void>(const serve::HttpRequestData&)> signature_checker(const Context& ctx) {
  struct Local {
    std::once_flag once;
    Expected<deploy::Credentials> creds = fail(ErrorCode::auth, "not read yet");
  };
  auto local = std::make_shared<Local>();
  deploy::Env env = ctx.env;
  return [local, env](const serve::HttpRequestData& d) -> Expected<void> {
    std::call_once(local->once, [&] {
      local->creds = deploy::load_credentials(env, deploy::config_dir_from(env), "");
    });
    if (!local->creds) {
      Error e(ErrorCode::auth, "a signed request, but no local credentials to check it against: " +
                                   local->creds.error().message);
      e.hint = "fstage configure sets them up (the ones deploy uses), or send the request unsigned";
      return fail(std::move(e));
    }
    if (local->creds->token_auth()) {
      return fail(ErrorCode::auth,
                  "a signed request, but the local credentials are an IAM token, not AK/SK");
    }
    deploy::ReceivedRequest r{d.method, d.path, d.query, d.headers, d.body};
    return deploy::verify_signature(r, *local->creds, std::chrono::system_clock::now());
  };
}

Expected<int> run_serve(Context& ctx, const ServeCliOptions& o) {
  if (o.port < 0 || o.port > 65535) {
    return fail(ErrorCode::usage, "--port must be between 0 and 65535");
  }
  if (o.concurrency < 1 || o.concurrency > 256) {
    return fail(ErrorCode::usage, "--concurrency must be between 1 and 256");
  }
  if (o.queue < 0) {
    return fail(ErrorCode::usage, "--queue must be 0 or more");
  }
  if (o.idle_timeout < 1) {
    return fail(ErrorCode::usage, "--idle-timeout must be at least 1 second");
  }
  if (o.json && o.log_format == "text") {
    return fail(ErrorCode::usage, "--json and --log-format text say different things",
                "give one of them (--json is --log-format json)");
  }
  const bool json = o.json || o.log_format == "json";
  if (o.network != "none" && o.network != "host") {
    return fail(ErrorCode::usage, "--network is 'none' or 'host'");
  }
  serve::ServeOptions so;
  so.manifest = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  so.manifest_name = ctx.display_path(so.manifest);
  so.host = o.host;
  so.port = o.port;
  so.pool.concurrency = o.concurrency;
  so.pool.queue = static_cast<std::size_t>(o.queue);
  so.pool.idle_timeout = std::chrono::seconds(o.idle_timeout);
  so.timers = !o.no_timers;
  so.watch = o.watch;
  so.stage = o.stage;
  so.load = FSTAGE_TRY(load_options(ctx));
  so.runner.host_env = ctx.env;
  so.runner.network_host = o.network == "host";
  so.runner.warn_version_mismatch = !o.no_version_warning && !version_warning_off(ctx);
  // Each invocation's peak memory feeds /_fstage/metrics (fstage_function_peak_memory_bytes,
  // the highest so far): an instance's peak since its first invocation is that highest, so the
  // peak is reset once per instance, not before every request (two writes less each).
  so.runner.measure_memory = true;
  so.runner.peak_per_invocation = false;
  so.runner.peak_read_interval = std::chrono::milliseconds(20);
  so.build = FSTAGE_TRY(build_options(ctx));
  if (!o.debug.empty()) {
    auto [function, port] = FSTAGE_TRY(sandbox::parse_debug_target(o.debug));
    so.debug_function = function;
    so.debug = [&ctx, port = port](const manifest::Manifest& m, const manifest::Function& fn,
                                   sandbox::DebugSettings& debug) {
      return prepare_debug(ctx, m, fn, port, debug);
    };
  }
  so.check_signature = signature_checker(ctx);
  const sandbox::Capabilities& caps = sandbox::probe(sandbox::ProbeOptions::from_env(ctx.env));
  serve::Logger log(json ? *ctx.out : *ctx.err, json, ctx.verbosity < 0);
  if (!json) {
    log.event("info", "sandbox: " + sandbox::describe(caps));
  }
  return serve::serve(so, caps, log);
}

}  // namespace

void register_serve(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ServeCliOptions>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the manifest's APIG routes over HTTP and fire its timers, with warm pools");
  add_manifest_option(cmd, opts->manifest);
  cmd->add_option("--host", opts->host, "Address to listen on")->capture_default_str();
  cmd->add_option("-p,--port", opts->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  cmd->add_option("-c,--concurrency", opts->concurrency, "Warm instances per function, at most")
      ->capture_default_str();
  cmd->add_option("--queue", opts->queue,
                  "Requests that may wait per function when all instances are busy; more get 503")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", opts->idle_timeout,
                  "Seconds an idle instance stays warm before it is stopped")
      ->capture_default_str();
  // --stage is the global one (the manifest's stage); this is the APIG stage name.
  cmd->add_option("--apig-stage", opts->stage, "requestContext.stage in APIG events")
      ->capture_default_str();
  cmd->add_option("--network", opts->network, "none (default) or host")->type_name("{none,host}");
  cmd->add_flag("-w,--watch", opts->watch,
                "Rebuild a function and recycle its instances when its inputs change; reload "
                "routes when the manifest changes");
  cmd->add_flag("--no-timers", opts->no_timers, "Do not fire TIMER triggers");
  cmd->add_option("--debug", opts->debug,
                  "Run this function's one instance under its runtime's debugger, waiting for a "
                  "client on 127.0.0.1:PORT (default: the debugger's usual port)")
      ->type_name("FUNC[:PORT]");
  cmd->add_option("--log-format", opts->log_format,
                  "text (on stderr), or json: one object per line on stdout (time, type, "
                  "function, request_id, level, message)")
      ->type_name("{text,json}")
      ->check(CLI::IsMember({"text", "json"}));
  add_json_flag(cmd, opts->json, ctx, "The same as --log-format json");
  add_version_warning_flag(cmd, opts->no_version_warning);
  cmd->footer(
      "Routes come from APIG triggers ({param} and {param+} paths, methods or ANY). Requests\n"
      "beyond the warm instances queue; a full queue answers 503. SIGINT/SIGTERM stop\n"
      "accepting, let the requests in flight finish while their clients wait, stop every\n"
      "sandbox and exit 130; a second signal stops them at once. The web console is at\n"
      "http://HOST:PORT/_fstage/ (a route of the manifest may not use /_fstage/), and\n"
      "`fstage logs --follow` tails the functions' lines from another terminal.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_serve(ctx, *opts); }; });
}

}  // namespace fstage::cli
