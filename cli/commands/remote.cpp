// SPDX-License-Identifier: Apache-2.0
// fstage remote list | info FUNC | invoke FUNC [-e FILE] [--async] | logs FUNC [--follow] |
// metrics FUNC [--period P] | remove FUNC [--version V]: the deployed side. Also the connection
// plumbing shared with deploy.cpp.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/mask.hpp>
#include <fstage/deploy/redacted_output.hpp>
#include <fstage/deploy/state.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include "event_input.hpp"
#include "remote_common.hpp"

namespace fstage::cli {

void add_remote_flags(CLI::App* cmd, RemoteFlags& f) {
  cmd->add_option("--profile", f.profile,
                  "Credentials profile (default: environment, then 'default')");
  cmd->add_option("-r,--region", f.region, "Region, e.g. cn-north-4 (default: fstage.yaml)")
      ->type_name("REGION");
  cmd->add_option("--endpoint", f.endpoint,
                  "API endpoint URL for other clouds or tests (http:// only for loopback)");
  cmd->add_option("--iam-endpoint", f.iam_endpoint, "IAM endpoint for the project-id lookup");
  cmd->add_option("--ca-bundle", f.ca_bundle, "PEM file of CAs to trust (or FSTAGE_CA_BUNDLE)")
      ->type_name("FILE");
  cmd->add_option("--timeout", f.timeout, "Seconds per API call (default 60)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--retries", f.retries, "Repeats of a failed call that is safe to repeat")
      ->check(CLI::Range(0, 10));
}

std::string human_size(std::uint64_t n) {
  char buf[32];
  if (n >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  }
  return buf;
}

void UploadBar::update(std::uint64_t sent, std::uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (!m_ctx.stderr_tty || m_ctx.verbosity < 0 || total < (1u << 20) ||
      (now - m_last < std::chrono::milliseconds(100) && sent < total)) {
    return;
  }
  m_last = now;
  const double frac = static_cast<double>(sent) / static_cast<double>(total);
  const int filled = static_cast<int>(frac * 30);
  *m_ctx.err << "\rupload [" << std::string(static_cast<std::size_t>(filled), '#')
             << std::string(static_cast<std::size_t>(30 - filled), '.') << "] "
             << static_cast<int>(frac * 100) << "% " << human_size(sent) << " / "
             << human_size(total) << std::flush;
  m_drawn = true;
}

void UploadBar::clear() {
  if (m_drawn) {
    *m_ctx.err << "\r\033[K" << std::flush;
    m_drawn = false;
  }
}

Expected<std::unique_ptr<deploy::Session>> open_session(const Context& ctx, const RemoteFlags& f,
                                                        const std::string& manifest_region,
                                                        const std::string& package,
                                                        deploy::Redactor& redactor,
                                                        UploadBar* bar) {
  deploy::SessionOptions o;
  o.env = deploy::Env(ctx.env.begin(), ctx.env.end());
  o.profile = f.profile;
  o.target.region_flag = f.region;
  o.target.endpoint_flag = f.endpoint;
  o.target.iam_endpoint_flag = f.iam_endpoint;
  o.target.manifest_region = manifest_region;
  o.target.package = package;
  o.ca_bundle = f.ca_bundle.empty() ? "" : ctx.resolve(f.ca_bundle).string();
  o.timeout_seconds = f.timeout;
  o.retries = f.retries;
  if (ctx.verbosity > 0) {
    o.log = [&ctx, bar](const std::string& line) {
      if (bar) {
        bar->clear();
      }
      *ctx.err << "fstage: http: " << line << "\n";
    };
  }
  o.on_retry = [&ctx, bar](const std::string& line) {
    if (bar) {
      bar->clear();
    }
    warn(ctx, line);
  };
  if (bar) {
    o.on_upload = [bar](std::uint64_t sent, std::uint64_t total) { bar->update(sent, total); };
  }
  auto session = FSTAGE_TRY(deploy::Session::open(o, redactor));
  if (ctx.verbosity >= 2) {
    // -vv: where the calls go, and whose credentials sign them (never their values).
    const deploy::Target& t = session->target();
    *ctx.err << "fstage: target region " << t.region << ", endpoint " << t.endpoint << ", IAM "
             << t.iam_endpoint << ", project " << t.project_id << ", package " << t.package << "\n"
             << "fstage: credentials from " << session->credentials().source << "\n";
  }
  return session;
}

Expected<int> redacted(const deploy::Redactor& redactor, Expected<int> r) {
  if (!r) {
    Error e = std::move(r).error();
    redactor.apply(e);
    return fail(std::move(e));
  }
  return r;
}

void hide_substituted(const std::vector<std::string>& values, deploy::Redactor& redactor) {
  for (const auto& v : values) {
    redactor.add(v);
    const std::string quoted = json_text(Json(v));  // as it reads inside printed JSON
    redactor.add(std::string_view(quoted).substr(1, quoted.size() - 2));
  }
}

Expected<int> with_remote_session(
    const Context& ctx, const RemoteFlags& flags, const std::string& manifest,
    const std::function<Expected<int>(deploy::Session&, const ProjectDefaults&)>& body,
    bool show_values) {
  deploy::Redactor redactor =
      deploy::redactor_from_env(deploy::Env(ctx.env.begin(), ctx.env.end()));
  auto run = [&]() -> Expected<int> {
    ProjectDefaults d = FSTAGE_TRY(project_defaults(ctx, manifest));
    if (!show_values) {
      hide_substituted(d.secrets, redactor);
    }
    auto session = FSTAGE_TRY(open_session(ctx, flags, d.region, d.package, redactor, nullptr));
    std::optional<deploy::RedactedOutput> masked;
    if (!show_values && !d.secrets.empty()) {
      masked.emplace(*ctx.out, redactor);
    }
    return body(*session, d);
  };
  return redacted(redactor, run());
}

// With -f, that manifest, which must load; without, the nearest one if it loads.
Expected<ProjectDefaults> project_defaults(const Context& ctx, const std::string& given) {
  ProjectDefaults d;
  std::optional<manifest::Manifest> m;
  if (!given.empty()) {
    auto path = FSTAGE_TRY(manifest_path(ctx, given));
    m = FSTAGE_TRY(load_project(ctx, path));
  } else if (auto path = manifest::find_manifest(ctx.cwd)) {
    if (auto found = load_project(ctx, *path)) {
      m = std::move(*found);
    }
  }
  if (m) {
    d.region = m->region;
    d.package = m->package;
    d.root = m->root;
    d.stage = m->stage;
    d.secrets = m->secret_values;
    for (const auto& f : m->functions) {
      d.names[f.name] = f.deploy_name;
    }
  }
  return d;
}

namespace {

struct RemoteOptions {
  RemoteFlags flags;
  std::string manifest;
  std::string function;
  std::string event_file;
  std::string version;
  std::string qualifier = "latest";
  std::string since = "1h";
  std::string period = "1h";
  int limit = 100;
  int interval = 2;
  bool follow = false;
  bool async = false;
  bool json = false;
  bool show_values = false;
  bool yes = false;
};

using Action = std::function<Expected<int>(const Context&, deploy::Session&, const RemoteOptions&,
                                           const ProjectDefaults&)>;

Expected<int> with_session(const Context& ctx, const RemoteOptions& o, const Action& act) {
  return with_remote_session(
      ctx, o.flags, o.manifest,
      [&](deploy::Session& s, const ProjectDefaults& d) {
        // FUNC as the manifest names it ("api") is the stage's function
        // ("api-prod").
        RemoteOptions staged = o;
        staged.function = d.platform_name(o.function);
        return act(ctx, s, staged, d);
      },
      o.show_values);
}

void print_json(const Context& ctx, const Json& j) {
  *ctx.out << json_text(j, 2) << "\n";
}

Expected<int> do_list(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                      const ProjectDefaults&) {
  auto fns = FSTAGE_TRY(s.api().list_functions());
  for (auto& f : fns) {
    f = o.show_values ? f : deploy::mask_environment(std::move(f));
  }
  if (o.json) {
    print_json(ctx, Json(fns));
    return k_exit_ok;
  }
  for (const auto& f : fns) {
    char line[256];
    std::snprintf(line, sizeof line, "%-32s %-14s %6lld MB %6lld s  %s",
                  f.value("func_name", "").c_str(), f.value("runtime", "").c_str(),
                  f.value("memory_size", 0LL), f.value("timeout", 0LL),
                  f.value("last_modified", "").c_str());
    *ctx.out << line << "\n";
  }
  if (fns.empty() && ctx.verbosity >= 0) {
    *ctx.err << "fstage: no functions in " << s.target().region << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_info(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                      const ProjectDefaults&) {
  auto cfg = FSTAGE_TRY(s.api().get_function(o.function));
  if (!cfg) {
    return fail(ErrorCode::not_found,
                "function " + quote(o.function) + " does not exist in " + s.target().region,
                "deploy it with 'fstage deploy " + o.function + "'");
  }
  Json info = {{"config", o.show_values ? *cfg : deploy::mask_environment(*cfg)}};
  info["versions"] = Json::array();
  for (auto& v : FSTAGE_TRY(s.api().list_versions(o.function))) {
    // Each version carries its configuration: its environment too.
    info["versions"].push_back(o.show_values ? v : deploy::mask_environment(std::move(v)));
  }
  info["aliases"] = FSTAGE_TRY(s.api().list_aliases(o.function));
  info["triggers"] = FSTAGE_TRY(s.api().list_triggers(o.function));
  if (o.json) {
    print_json(ctx, info);
    return k_exit_ok;
  }
  std::ostream& out = *ctx.out;
  out << cfg->value("func_urn", "") << "\n";
  for (const char* k :
       {"runtime", "handler", "memory_size", "timeout", "code_size", "digest", "last_modified"}) {
    if (cfg->contains(k)) {
      const Json& v = (*cfg)[k];
      out << "  " << k << ": " << (v.is_string() ? v.get<std::string>() : json_text(v)) << "\n";
    }
  }
  out << "versions:";
  for (const auto& v : info["versions"]) {
    out << " " << v.value("version", "");
  }
  out << "\naliases:";
  for (const auto& a : info["aliases"]) {
    out << " " << a.value("name", "") << "->" << a.value("version", "");
  }
  out << "\ntriggers:\n";
  for (const auto& t : info["triggers"]) {
    out << "  " << t.value("trigger_type_code", "") << " " << t.value("trigger_id", "") << " "
        << t.value("trigger_status", "") << " " << json_text(t.value("event_data", Json::object()))
        << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_invoke(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                        const ProjectDefaults&) {
  std::string event = "{}";
  if (!o.event_file.empty()) {
    event = FSTAGE_TRY(read_event_input(ctx, o.event_file));
  }
  FSTAGE_TRY(parse_json(event, o.event_file.empty() ? "event" : o.event_file));
  auto cfg = FSTAGE_TRY(s.api().get_function(o.function, o.qualifier));
  if (!cfg) {
    return fail(ErrorCode::not_found, "function " + quote(o.function) + " does not exist",
                "deploy it with 'fstage deploy " + o.function + "'");
  }
  const int timeout = static_cast<int>(cfg->value("timeout", 3LL)) + 30;
  auto r = FSTAGE_TRY(s.api().invoke(o.function, o.qualifier, event, o.async, timeout));
  if (o.json) {
    print_json(ctx, {{"request_id", r.request_id},
                     {"result", r.result},
                     {"log", r.log},
                     {"function_error", r.function_error},
                     {"async", o.async}});
  } else if (o.async) {
    *ctx.out << r.request_id << "\n";
  } else {
    if (!r.log.empty() && ctx.verbosity >= 0) {
      *ctx.err << r.log << (r.log.ends_with('\n') ? "" : "\n");
    }
    *ctx.out << r.result << "\n";
  }
  return r.function_error ? k_exit_function_error : k_exit_ok;
}

Expected<long long> parse_since(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != s.size() - 1) {
    return fail(ErrorCode::usage, "--since " + quote(s) + " is not a duration",
                "use a number and a unit: 30s, 15m, 2h, 1d");
  }
  const long long n = std::stoll(s.substr(0, s.size() - 1));
  switch (s.back()) {
    case 's':
      return n * 1000;
    case 'm':
      return n * 60'000;
    case 'h':
      return n * 3'600'000;
    case 'd':
      return n * 86'400'000;
    default:
      return fail(ErrorCode::usage, "--since " + quote(s) + " has an unknown unit",
                  "use s, m, h or d");
  }
}

Expected<int> do_logs(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                      const ProjectDefaults&) {
  const long long window = FSTAGE_TRY(parse_since(o.since));
  if (o.follow) {
    return follow_logs(ctx, s, o.function, window, o.limit, o.interval, o.json);
  }
  Json detail = FSTAGE_TRY(s.api().log_detail(o.function));
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  auto lines = FSTAGE_TRY(s.api().query_logs(detail, now - window, now, o.limit));
  if (o.json) {
    print_json(ctx, {{"function", o.function}, {"lines", lines}});
    return k_exit_ok;
  }
  for (const auto& l : lines) {
    *ctx.out << l << "\n";
  }
  return k_exit_ok;
}

Expected<int> do_metrics(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                         const ProjectDefaults&) {
  return remote_metrics(ctx, s, o.function, o.period, o.json);
}

// What `remote remove` deletes, one line per kind, for the question (and --json).
Expected<Json> removal_list(deploy::Session& s, const RemoteOptions& o) {
  auto cfg = FSTAGE_TRY(s.api().get_function(o.function));
  if (!cfg) {
    return fail(ErrorCode::not_found,
                "function " + quote(o.function) + " does not exist in " + s.target().region,
                "fstage remote list shows the functions there");
  }
  Json what = {{"function", o.function}, {"func_urn", cfg->value("func_urn", "")}};
  Json versions = Json::array();
  for (const auto& v : FSTAGE_TRY(s.api().list_versions(o.function))) {
    const std::string name = v.value("version", "");
    if (name != "latest" && (o.version.empty() || name == o.version)) {
      versions.push_back(name);
    }
  }
  if (!o.version.empty() && versions.empty()) {
    return fail(ErrorCode::not_found, o.function + " has no version " + quote(o.version),
                "fstage remote info " + o.function + " lists its versions");
  }
  what["versions"] = versions;
  Json aliases = Json::array();
  for (const auto& a : FSTAGE_TRY(s.api().list_aliases(o.function))) {
    if (o.version.empty() || a.value("version", "") == o.version) {
      aliases.push_back(a.value("name", "") + " -> " + a.value("version", ""));
    }
  }
  what["aliases"] = aliases;
  Json triggers = Json::array();
  if (o.version.empty()) {
    for (const auto& t : FSTAGE_TRY(s.api().list_triggers(o.function))) {
      triggers.push_back(t.value("trigger_type_code", "") + " " + t.value("trigger_id", ""));
    }
  }
  what["triggers"] = triggers;
  return what;
}

std::string listed(const Json& items) {
  std::vector<std::string> names;
  for (const auto& i : items) {
    names.push_back(i.get<std::string>());
  }
  return names.empty() ? "(none)" : join(names, ", ");
}

// Asks on a terminal; refuses without one unless --yes (a deletion cannot be undone).
Expected<int> do_remove(const Context& ctx, deploy::Session& s, const RemoteOptions& o,
                        const ProjectDefaults& d) {
  const Json what = FSTAGE_TRY(removal_list(s, o));
  const std::string subject =
      o.version.empty() ? "function " + o.function : o.function + " version " + o.version;
  if (!o.yes) {
    if (!ctx.stdin_tty || !ctx.stderr_tty) {
      return fail(ErrorCode::usage, "removing " + subject + " needs --yes",
                  "not asked: stdin is not a terminal; 'fstage remote remove " + o.function +
                      (o.version.empty() ? "" : " --version " + o.version) +
                      " --yes' removes it without asking");
    }
    *ctx.err << "fstage: this removes " << subject << " (" << what["func_urn"].get<std::string>()
             << ")\n"
             << "  versions: " << listed(what["versions"]) << "\n"
             << "  aliases:  " << listed(what["aliases"]) << "\n";
    if (o.version.empty()) {
      *ctx.err << "  triggers: " << listed(what["triggers"]) << "\n";
    }
    *ctx.err << "Remove them? This cannot be undone. [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      *ctx.err << "fstage: not removed\n";
      return k_exit_ok;
    }
  }
  FSTAGE_TRY(s.api().delete_function(o.function, o.version));
  if (o.version.empty() && !d.root.empty()) {
    auto state = deploy::DeployState::load(deploy::state_file(d.root, d.stage));
    state.forget(s.api().urn(o.function, ""));
    FSTAGE_TRY(state.save());
  }
  if (o.json) {
    Json j = what;
    j["version"] = o.version;
    j["removed"] = true;
    print_json(ctx, j);
  } else if (ctx.verbosity >= 0) {
    *ctx.err << "fstage: removed " << subject << "\n";
  }
  return k_exit_ok;
}

CLI::App* sub(CLI::App* parent, Context& ctx, std::shared_ptr<RemoteOptions> opts, const char* name,
              const char* help, Action act, bool takes_function) {
  auto* cmd = parent->add_subcommand(name, help);
  if (takes_function) {
    cmd->add_option("function", opts->function, "The function's name")
        ->required()
        ->type_name("FUNCTION");
  }
  add_json_flag(cmd, opts->json, ctx, "JSON on stdout");
  add_manifest_option(cmd, opts->manifest);
  add_remote_flags(cmd, opts->flags);
  cmd->callback([&ctx, opts, act] {
    ctx.ends_on_interrupt = opts->follow;  // `logs --follow` runs until Ctrl-C
    ctx.action = [&ctx, opts, act] { return with_session(ctx, *opts, act); };
  });
  return cmd;
}

}  // namespace

void register_remote(CLI::App& app, Context& ctx) {
  auto* remote = app.add_subcommand(
      "remote", "The deployed side: list, info, invoke, logs, metrics, remove, flow");
  remote->require_subcommand(1);
  auto opts = std::make_shared<RemoteOptions>();
  const char* show_help = "Show environment values (hidden by default: they may be secrets)";
  sub(remote, ctx, opts, "list", "List the functions in the region", do_list, false)
      ->add_flag("--show-values", opts->show_values, show_help);
  sub(remote, ctx, opts, "info", "Configuration, versions, aliases and triggers", do_info, true)
      ->add_flag("--show-values", opts->show_values, show_help);
  auto* inv = sub(remote, ctx, opts, "invoke", "Invoke the deployed function (tail log on stderr)",
                  do_invoke, true);
  inv->add_option("-e,--event", opts->event_file, "Event JSON file ('-' for stdin; default {})")
      ->type_name("FILE");
  inv->add_flag("--async", opts->async, "Invoke asynchronously and print the request id");
  inv->add_option("--qualifier", opts->qualifier, "Version or !alias (default latest)");
  auto* logs = sub(remote, ctx, opts, "logs", "Recent log lines from LTS", do_logs, true);
  logs->add_option("--since", opts->since, "How far back: 30s, 15m, 2h, 1d (default 1h)");
  logs->add_option("--limit", opts->limit, "At most this many lines (default 100)")
      ->check(CLI::Range(1, 5000));
  logs->add_flag("--follow", opts->follow, "Then print new lines as they come, until Ctrl-C");
  logs->add_option("--interval", opts->interval,
                   "With --follow: seconds between queries to LTS (default 2)")
      ->check(CLI::Range(1, 60));
  auto* metrics =
      sub(remote, ctx, opts, "metrics",
          "Invocations, errors, throttles and durations from the statistics API", do_metrics, true);
  metrics->add_option("--period", opts->period, "The last 5m, 15m or 1h (default 1h)");
  auto* rm = sub(remote, ctx, opts, "remove",
                 "Delete the function (with its versions, aliases and triggers), or one version; "
                 "asks first (--yes when not on a terminal)",
                 do_remove, true);
  rm->add_option("--version", opts->version, "Delete only this version");
  rm->add_flag("-y,--yes", opts->yes, "Do not ask (for scripts and CI)");
  register_remote_flow(*remote, ctx);
}

}  // namespace fstage::cli
