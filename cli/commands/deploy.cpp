// SPDX-License-Identifier: Apache-2.0
// fstage deploy [FUNC...] [-f FILE] [--publish[=VERSION]] [--alias NAME[=VERSION]]
//               [--weight V=PCT] [--dry-run] [--prune] [--json] [--artifact ZIP] + connection
//               flags (remote_common.hpp)
//
// Builds and packages every function and checks every limit first; uploads the dependency
// packages; reads and prints every function's plan; then makes the platform match, function
// by function, then the flows: creates what is
// missing, uploads code only when its SHA-512 differs from the remote digest, updates the
// configuration only when a field differs, reconciles triggers, publishes and aliases on
// request. The plan is printed (stderr) before anything is written; a second run right after
// the first changes nothing and says so. Without FUNC arguments the manifest's flows follow
// their functions (deploy/flows.hpp); a flow the platform cannot run is refused before
// anything is packaged or sent.
#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/dependencies.hpp>
#include <fstage/deploy/deploy.hpp>
#include <fstage/deploy/digest_key.hpp>
#include <fstage/deploy/flows.hpp>
#include <fstage/deploy/obs.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"
#include "commands.hpp"
#include "deploy_code.hpp"
#include "remote_common.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct DeployOptions {
  RemoteFlags flags;
  std::string manifest;
  std::vector<std::string> functions;
  std::string publish;
  bool publish_given = false;
  std::string alias;
  std::vector<std::string> weights;
  std::string artifact;
  bool dry_run = false;
  bool prune = false;
  bool json = false;
  bool show_values = false;
  bool list = false;
  ObsSettings obs;
};

Expected<deploy::DeployRequest> request_of(const DeployOptions& o) {
  deploy::DeployRequest r;
  r.dry_run = o.dry_run;
  r.publish.enabled = o.publish_given;
  r.publish.version = o.publish;
  if (!o.alias.empty()) {
    r.alias.enabled = true;
    const auto eq = o.alias.find('=');
    r.alias.name = o.alias.substr(0, eq);
    r.alias.version = eq == std::string::npos ? "" : o.alias.substr(eq + 1);
    if (r.alias.name.empty() || (eq != std::string::npos && r.alias.version.empty())) {
      return fail(ErrorCode::usage, "--alias " + quote(o.alias) + " is not NAME or NAME=VERSION");
    }
  } else if (!o.weights.empty()) {
    return fail(ErrorCode::usage, "--weight needs --alias");
  }
  for (const auto& w : o.weights) {
    const auto eq = w.find('=');
    int pct = -1;
    if (eq != std::string::npos && eq > 0 && eq + 1 < w.size() &&
        w.find_first_not_of("0123456789", eq + 1) == std::string::npos && w.size() - eq <= 4) {
      pct = std::stoi(w.substr(eq + 1));
    }
    if (pct < 0 || pct > 100) {
      return fail(ErrorCode::usage, "--weight " + quote(w) + " is not VERSION=PERCENT (0-100)");
    }
    r.alias.weights[w.substr(0, eq)] = pct;
  }
  return r;
}

Expected<std::vector<const manifest::Function*>> pick(const manifest::Manifest& m,
                                                      const DeployOptions& o) {
  std::vector<const manifest::Function*> out;
  std::vector<std::string> names;
  for (const auto& f : m.functions) {
    names.push_back(f.name);
  }
  for (const auto& name : o.functions) {
    const auto* f = m.find(name);
    if (f == nullptr) {
      return fail(ErrorCode::not_found,
                  "no function " + quote(name) + " in " + m.path.filename().string() +
                      did_you_mean(name, names),
                  "functions: " + join(names, ", "));
    }
    out.push_back(f);
  }
  if (o.functions.empty()) {
    for (const auto& f : m.functions) {
      out.push_back(&f);
    }
  }
  if (out.empty()) {
    return fail(ErrorCode::invalid_input, "no functions in " + m.path.string());
  }
  if (!o.artifact.empty() && out.size() != 1) {
    return fail(ErrorCode::usage,
                "--artifact is one zip, and there are " + std::to_string(out.size()) + " functions",
                "name the function: fstage deploy FUNC --artifact ZIP");
  }
  return out;
}

// The zip to deploy (the one given, or a fresh, deterministic package) and the function's
// dependency packages, built.
Expected<Artifact> artifact_for(const Context& ctx, const manifest::Manifest& m,
                                const manifest::Function& fn, const DeployOptions& o) {
  if (!o.artifact.empty()) {
    Artifact a{ctx.resolve(o.artifact), {}};
    if (!fn.dependencies.empty()) {
      auto bo = FSTAGE_TRY(build_options(ctx));
      auto built = builder::build_function(m, fn, bo);
      if (!built) {
        return fail(std::move(built).error().with_context("while building " + quote(fn.name)));
      }
      a.dependencies = built->dependencies;
    }
    return a;
  }
  builder::PackageOptions popts;
  popts.epoch = FSTAGE_TRY(builder::parse_source_date_epoch(ctx.getenv("SOURCE_DATE_EPOCH")));
  auto bo = FSTAGE_TRY(build_options(ctx));
  popts.env = bo.env;
  popts.cache_dir = bo.cache_dir;
  // Up to OBS's 300 MB here: whether the zip may go in the request or must go through OBS is
  // route_code's decision (deploy_code.hpp), which knows about --obs-bucket.
  popts.obs = true;
  if (ctx.verbosity > 0) {
    popts.on_output = bo.on_output;
  }
  popts.on_warning = [&ctx, &fn](const std::string& w) { warn(ctx, fn.name + ": " + w); };
  popts.on_status = [&ctx, &fn](const std::string& s) {
    if (ctx.verbosity > 0) {
      *ctx.err << "fstage: " << fn.name << ": " << s << "\n";
    }
  };
  auto r = builder::package_function(m, fn, popts);
  if (!r) {
    return fail(std::move(r).error().with_context("while packaging " + quote(fn.name)));
  }
  return Artifact{r->output, r->dependencies};
}

// Each dependency package uploaded (or an uploaded version with the same content found), and
// the function's depend_version_list set to them, in manifest order. A function without
// `dependencies:` in the manifest keeps whatever links it has.
Expected<void> link_dependencies(const Context& ctx, deploy::Session& session,
                                 const manifest::Manifest& m, const manifest::Function& fn,
                                 const Artifact& a, const DeployOptions& o,
                                 deploy::DesiredFunction& want) {
  if (fn.dependencies.empty()) {
    return {};
  }
  // A dependency over the API's limit goes through OBS when a bucket is configured.
  deploy::DependencyUploader to_obs = [&](const deploy::DesiredDependency& dd,
                                          const std::string& md5) -> Expected<void> {
    deploy::ObsClient obs(session.http(), session.credentials());
    const auto r = FSTAGE_TRY(obs.ensure(*dd.obs, dd.zip, md5));
    if (ctx.verbosity >= 0) {
      *ctx.err << "fstage: " << fn.name << ": dependency " << dd.name << ": "
               << (r.uploaded ? "uploaded to " : "already in ") << dd.obs->url() << "\n";
    }
    return {};
  };
  std::vector<deploy::ResolvedDependency> resolved;
  for (const auto& d : a.dependencies) {
    deploy::DesiredDependency dd{d.name,  std::string(fn.runtime.name), d.zip,
                                 d.bytes, "fstage: sha256 " + d.sha256, std::nullopt};
    dd.obs = dependency_location(ctx, m, fn, o.obs, session.target().region, d);
    auto r = deploy::ensure_dependency(session.api(), dd, o.dry_run, to_obs);
    if (!r) {
      return fail(std::move(r).error().with_context("while uploading dependency " + quote(d.name) +
                                                    " of " + quote(fn.name)));
    }
    if (ctx.verbosity > 0 && r->uploaded) {
      *ctx.err << "fstage: " << fn.name << ": uploaded dependency " << d.name << " (version "
               << r->version << ")\n";
    }
    resolved.push_back(std::move(*r));
  }
  return deploy::link_dependencies(want, resolved);
}

// The manifest's flows when deploying the whole manifest (none when FUNCs are named), each
// checked for what the platform cannot run. Runs before anything is packaged or sent.
Expected<std::vector<flow::Definition>> flows_to_deploy(const manifest::Manifest& m,
                                                        const DeployOptions& o) {
  if (!o.functions.empty() || m.flows.empty()) {
    if (o.prune && !o.functions.empty()) {
      return fail(ErrorCode::usage, "--prune removes flows, and only with the whole manifest",
                  "run fstage deploy --prune without function names");
    }
    return std::vector<flow::Definition>{};
  }
  auto set = flow::load_flows(m);
  if (!set.errors.empty()) {
    std::vector<std::string> lines;
    for (const auto& d : set.errors) {
      lines.push_back(d.str());
    }
    return fail(ErrorCode::invalid_input,
                "the manifest's flows do not validate:\n" + join(lines, "\n"),
                "fstage flow validate shows every problem; nothing was deployed");
  }
  for (const auto& def : set.flows) {
    auto refused = deploy::refuse_local_only(def);
    if (!refused) {
      Error e = std::move(refused).error();
      e.message += " (nothing was deployed)";
      return fail(std::move(e));
    }
  }
  return std::move(set.flows);
}

Expected<int> run(const Context& ctx, const DeployOptions& o, deploy::Redactor& redactor) {
  auto req = FSTAGE_TRY(request_of(o));
  auto path = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  auto m = FSTAGE_TRY(load_project(ctx, path));
  if (!o.show_values) {
    // What ${env:}, ${file:} and ${param:} put anywhere (a description, a flow's constants),
    // not only into env: the plan, --json and errors show none of it.
    hide_substituted(m.secret_values, redactor);
  }
  if (!m.deploy_triggers) {
    // `triggers: false` in this stage: none wanted, so those fstage created here go.
    for (auto& f : m.functions) {
      f.triggers.clear();
    }
  }
  auto fns = FSTAGE_TRY(pick(m, o));
  const auto flows = FSTAGE_TRY(flows_to_deploy(m, o));
  if (!o.functions.empty() && !m.flows.empty() && ctx.verbosity >= 0) {
    *ctx.err << "fstage: the manifest's flows are not deployed with named functions; "
                "'fstage deploy' without names deploys them\n";
  }
  for (const auto& w : m.warnings) {
    if (w.function.empty() || std::any_of(fns.begin(), fns.end(),
                                          [&w](const auto* f) { return f->name == w.function; })) {
      warn(ctx, w.str());
    }
  }
  if (o.dry_run) {
    if (auto why = missing_credentials(ctx, o.flags.profile)) {
      auto artifact = [&](const manifest::Function& fn) { return artifact_for(ctx, m, fn, o); };
      return deploy_offline(ctx, m, fns, o.obs, o.flags.region, o.json, *why, artifact);
    }
  }
  UploadBar bar(ctx);
  auto session = FSTAGE_TRY(open_session(ctx, o.flags, m.region, m.package, redactor, &bar));
  auto state = deploy::DeployState::load(deploy::state_file(m.root, m.stage));
  if (!state.problem().empty()) {
    warn(ctx, state.problem());
  }
  const bool human = ctx.verbosity >= 0;
  Json report = Json::array();
  int changed = 0;
  int blocked = 0;
  // Every function built, packaged and checked against every limit before anything remote
  // changes: a build that fails, or a zip the API would refuse, stops the deploy with nothing
  // written.
  struct Prepared {
    const manifest::Function* fn;
    Artifact artifact;
    std::uintmax_t bytes = 0;
    std::string digest;
    CodeRoute route;
    deploy::DesiredFunction want;
  };
  std::vector<Prepared> prepared;
  prepared.reserve(fns.size());
  // The key of the encrypted values' digests (digest_key.hpp), made on first use: only a
  // project with encrypted_env needs one.
  std::string digest_key;
  if (std::any_of(fns.begin(), fns.end(), [](const manifest::Function* f) {
        return f->settings.encrypted_env.has_value();
      })) {
    digest_key = FSTAGE_TRY(
        deploy::digest_key(deploy::config_dir_from(deploy::Env(ctx.env.begin(), ctx.env.end()))));
  }
  for (const auto* fn : fns) {
    Prepared p{fn, FSTAGE_TRY(artifact_for(ctx, m, *fn, o)), 0, {}, {}, {}};
    const fs::path& zip = p.artifact.zip;
    std::error_code ec;
    p.bytes = fs::file_size(zip, ec);
    if (ec) {
      return fail(Error::from_error_code("stat", zip.string(), ec));
    }
    p.digest = FSTAGE_TRY(deploy::sha512_file_hex(zip));
    p.route = FSTAGE_TRY(route_code(ctx, m, *fn, o.obs, session->target().region, p.bytes, p.digest,
                                    p.artifact.dependencies));
    if (p.route.blocked()) {
      if (!o.dry_run) {
        return fail(blocked_error(fn->name, p.route));
      }
      ++blocked;
    }
    p.want = FSTAGE_TRY(deploy::desired_function(m, *fn, zip, p.digest, p.bytes, digest_key));
    if (p.route.obs) {
      p.want.obs = p.route.obs;
      p.want.artifact_md5 = FSTAGE_TRY(deploy::md5_file_hex(zip));
    }
    prepared.push_back(std::move(p));
  }
  // Then applied in order. A failure part-way says what was applied and what was not: what was
  // applied stays, and running deploy again converges from there.
  std::vector<std::string> applied;
  std::vector<std::string> current;  // needed no change
  auto partial = [&](Error e, std::size_t failed_at) {
    std::vector<std::string> rest;
    for (std::size_t i = failed_at; i < prepared.size(); ++i) {
      rest.push_back(prepared[i].fn->name);
    }
    if (!applied.empty() || failed_at > 0) {
      e.details.push_back(
          "applied: " + (applied.empty() ? std::string("nothing") : join(applied, ", ")) +
          (current.empty() ? "" : "; already up to date: " + join(current, ", ")));
      e.details.push_back("not applied: " + join(rest, ", ") +
                          (flows.empty() ? "" : " and the manifest's flows"));
      if (e.hint.empty()) {
        e.hint = "fix the cause and run the same deploy again: it starts from what is applied";
      }
    }
    return e;
  };
  // The dependency packages first (a function's configuration names their versions), then
  // every function's plan, read and printed before any function changes.
  for (Prepared& pr : prepared) {
    if (!pr.route.blocked()) {  // a dry run with a blocked route says so in the plan instead
      // No function is applied yet: the error as it is (uploaded dependency versions are
      // found and reused by the next run).
      FSTAGE_TRY(link_dependencies(ctx, *session, m, *pr.fn, pr.artifact, o, pr.want));
    }
  }
  std::vector<deploy::DeployOutcome> outcomes;
  outcomes.reserve(prepared.size());
  for (const Prepared& pr : prepared) {
    deploy::DeployOutcome out =
        FSTAGE_TRY(deploy::plan_function(session->api(), pr.want, state, req));
    if (human) {
      *ctx.err << redactor(deploy::render_plan(out.plan, o.show_values))
               << render_findings(pr.route);
      for (const auto& n : out.plan.notes) {
        if (ctx.verbosity > 0 || n.find("left alone") != std::string::npos) {
          *ctx.err << "  = " << n << "\n";
        }
      }
    }
    outcomes.push_back(std::move(out));
  }
  for (std::size_t at = 0; at < prepared.size(); ++at) {
    const Prepared& pr = prepared[at];
    const manifest::Function* fn = pr.fn;
    deploy::DeployOutcome& out = outcomes[at];
    auto on_step = [&](const deploy::Action& a) {
      if (ctx.verbosity > 0) {
        bar.clear();
        *ctx.err << "fstage: " << fn->name << ": " << a.summary << "\n";
      }
    };
    req.upload_to_obs = [&](const deploy::DesiredFunction& w) -> Expected<void> {
      deploy::ObsClient obs(session->http(), session->credentials());
      const auto r = FSTAGE_TRY(obs.ensure(*w.obs, w.artifact, w.artifact_md5));
      bar.clear();
      if (human) {
        *ctx.err << "fstage: " << w.name << ": "
                 << (r.uploaded ? "uploaded " + human_size(w.artifact_bytes) + " to "
                                : "not uploaded again: ")
                 << w.obs->url() << (r.uploaded ? "" : " already holds this zip (same MD5)")
                 << "\n";
      }
      return {};
    };
    if (auto done = deploy::apply_function(session->api(), pr.want, state, req, out, on_step);
        !done) {
      return fail(partial(std::move(done).error(), at));
    }
    bar.clear();
    (out.applied ? applied : current).push_back(fn->name);
    changed += out.plan.empty() ? 0 : 1;
    Json j = deploy::plan_to_json(out.plan, o.show_values);
    j["applied"] = out.applied;
    j["digest"] = pr.digest;
    j["bytes"] = pr.bytes;
    j["published_version"] = out.published_version;
    j["func_urn"] = session->api().urn(fn->deploy_name);
    j["code"] = pr.route.to_json();
    report.push_back(std::move(j));
    if (human && out.applied) {
      *ctx.err << "fstage: deployed " << fn->deploy_name
               << (out.published_version.empty() ? "" : " (version " + out.published_version + ")")
               << "\n";
    }
  }
  // Flows after their functions: the URNs they name exist by now.
  // Named functions: the flows are neither planned nor pruned (flows_to_deploy).
  std::vector<deploy::FlowPlan> flow_plans;
  if (o.functions.empty()) {
    flow_plans =
        FSTAGE_TRY(deploy::plan_flows(session->api(), flows, state, o.prune, m.name_suffix));
  }
  Json flow_report = Json::array();
  int flows_changed = 0;
  for (const auto& p : flow_plans) {
    const bool writes =
        p.step != deploy::FlowStep::unchanged && p.step != deploy::FlowStep::left_alone;
    flows_changed += writes ? 1 : 0;
    if (human) {
      *ctx.err << redactor(deploy::render_flow_plan(p, o.dry_run));
    }
  }
  if (!o.dry_run) {
    auto on_flow = [&](const deploy::FlowPlan& p) {
      if (ctx.verbosity > 0) {
        *ctx.err << "fstage: flow " << p.name << ": " << deploy::to_string(p.step) << "\n";
      }
    };
    if (auto done = deploy::apply_flows(session->api(), flow_plans, state, on_flow); !done) {
      Error e = std::move(done).error();
      e.details.push_back("applied: every function" +
                          (applied.empty() ? std::string(" (none needed a change)")
                                           : " (" + join(applied, ", ") + " changed)"));
      e.details.push_back("not applied: the flows from the one named above on");
      if (e.hint.empty()) {
        e.hint = "fix the cause and run the same deploy again: it starts from what is applied";
      }
      return fail(std::move(e));
    }
  }
  for (const auto& p : flow_plans) {
    Json j = deploy::flow_plan_to_json(p);
    j["applied"] = !o.dry_run && p.step != deploy::FlowStep::unchanged &&
                   p.step != deploy::FlowStep::left_alone;
    flow_report.push_back(std::move(j));
  }
  changed += flows_changed;
  if (o.json) {
    Json j = {{"dry_run", o.dry_run},
              {"changed", changed > 0},
              {"region", session->target().region},
              {"functions", report},
              {"flows", flow_report}};
    *ctx.out << redactor(json_text(j, 2)) << "\n";
  }
  if (human) {
    if (changed == 0) {
      *ctx.err << "fstage: nothing to change: " << fns.size() << " function"
               << (fns.size() == 1 ? "" : "s")
               << (flows.empty() ? ""
                                 : " and " + std::to_string(flows.size()) + " flow" +
                                       (flows.size() == 1 ? "" : "s"))
               << (fns.size() + flows.size() == 1 ? " is" : " are") << " up to date\n";
    }
    if (blocked > 0) {
      *ctx.err << "fstage: dry run: " << blocked << " function" << (blocked == 1 ? "" : "s")
               << " would hit a limit (marked !)\n";
    }
    if (changed != 0 && o.dry_run) {
      const int fns_changed = changed - flows_changed;
      *ctx.err << "fstage: dry run: " << fns_changed << " function" << (fns_changed == 1 ? "" : "s")
               << (flows_changed > 0 ? " and " + std::to_string(flows_changed) + " flow" +
                                           (flows_changed == 1 ? "" : "s")
                                     : "")
               << " would change; nothing was written\n";
    }
  }
  return blocked > 0 ? k_exit_limit : k_exit_ok;
}

// `--publish orders`: a version named orders, or function orders and a version named by the
// platform? It used to be the first, deploying every function; now the word after a bare
// --publish is refused, with the two spellings that say which.
std::optional<Error> ambiguous_publish(const CLI::App& cmd, const CLI::Option* publish,
                                       const DeployOptions& o) {
  if (!o.publish.empty() || o.functions.empty()) {
    return std::nullopt;
  }
  const auto& order = cmd.parse_order();
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    if (order[i] == publish && order[i + 1]->get_positional()) {
      // The positionals after it, in order: which of the function names came right after.
      std::size_t before = 0;
      for (std::size_t k = 0; k <= i; ++k) {
        before += order[k]->get_positional() ? 1 : 0;
      }
      const std::string& word = o.functions.at(before);
      Error e(ErrorCode::usage, "'--publish " + word + "' is ambiguous: a version named " +
                                    quote(word) + ", or function " + quote(word) + "?");
      e.hint = "write 'fstage deploy --publish=" + word + "' for a version named " + word +
               ", or 'fstage deploy " + word + " --publish' to deploy and publish " + word;
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace

void register_deploy(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DeployOptions>();
  auto* cmd = app.add_subcommand("deploy", "Create or update functions on FunctionGraph");
  cmd->add_option("functions", opts->functions, "Functions to deploy (default: all)")
      ->type_name("FUNCTION");
  add_manifest_option(cmd, opts->manifest);
  // A flag that takes a value only after '=': `--publish orders` never makes `orders` a
  // version name, and is refused as ambiguous (see ambiguous_publish).
  auto* publish = cmd->add_flag(
      "--publish", opts->publish,
      "Publish a version afterwards; --publish=NAME names it (default: the platform's)");
  cmd->add_option("--alias", opts->alias,
                  "Create or move alias NAME (to VERSION, default: the "
                  "version published now, else the newest)");
  cmd->add_option("--weight", opts->weights,
                  "Route PERCENT of the alias's traffic to VERSION (VERSION=PERCENT, repeatable)");
  cmd->add_option("--artifact", opts->artifact,
                  "Deploy this zip instead of packaging (one function)")
      ->type_name("FILE");
  cmd->add_flag("--dry-run", opts->dry_run,
                "Show the plan and every limit, write nothing (without credentials: build, "
                "package and check limits only)");
  cmd->add_flag("--prune", opts->prune,
                "Delete the flows fstage deployed that are no longer in the manifest "
                "(flows only; functions are never pruned)");
  add_json_flag(cmd, opts->json, ctx, "The plan and outcome as JSON on stdout");
  cmd->add_option("--obs-bucket", opts->obs.bucket_flag,
                  "Upload code over the API's direct limit through this OBS bucket (default: "
                  "obs_bucket: in fstage.yaml)")
      ->type_name("BUCKET");
  cmd->add_option("--obs-endpoint", opts->obs.endpoint_flag,
                  "OBS endpoint URL (default: FSTAGE_OBS_ENDPOINT, else the region's)")
      ->type_name("URL");
  cmd->add_flag("--show-values", opts->show_values,
                "Show environment values in the plan (hidden by default: they may be secrets)");
  cmd->add_flag("--list", opts->list,
                "List the published versions (digest, time, aliases) instead of deploying");
  add_remote_flags(cmd, opts->flags);
  cmd->callback([&ctx, opts, cmd, publish] {
    if (opts->list) {
      ctx.action = [&ctx, opts] {
        return deploy_list(ctx, opts->flags, opts->manifest, opts->functions, opts->json);
      };
      return;
    }
    opts->publish_given = publish->count() > 0;
    if (opts->publish == "true") {
      opts->publish.clear();  // the flag's value without '=NAME'
    }
    if (auto e = ambiguous_publish(*cmd, publish, *opts)) {
      ctx.action = [e = *e]() -> Expected<int> { return fail(e); };
      return;
    }
    ctx.action = [&ctx, opts] {
      deploy::Redactor redactor =
          deploy::redactor_from_env(deploy::Env(ctx.env.begin(), ctx.env.end()));
      return redacted(redactor, run(ctx, *opts, redactor));
    };
  });
}

}  // namespace fstage::cli
