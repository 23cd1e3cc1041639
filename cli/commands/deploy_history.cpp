// SPDX-License-Identifier: Apache-2.0
// What was deployed, and going back to it (issue 23 item 5):
//   fstage deploy --list [FUNC...]                 each function's published versions (digest,
//                                                  time, description) and the aliases on them
//   fstage rollback VERSION [FUNC...] [--alias A]  points the alias back at VERSION, all of its
//                                                  traffic (weights to other versions dropped)
// Both read the manifest for the functions (default: all of them). rollback checks every
// function first (the version exists, the alias is known) and only then moves any alias.
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include "deploy_code.hpp"
#include "remote_common.hpp"

namespace fstage::cli {

namespace {

// The platform names (the stage's) of the manifest's functions named (all when none), in
// manifest order; not_found with the manifest's names otherwise.
Expected<std::vector<std::string>> functions_of(const Context& ctx, const std::string& manifest,
                                                const std::vector<std::string>& named) {
  auto path = FSTAGE_TRY(manifest_path(ctx, manifest));
  auto m = FSTAGE_TRY(load_project(ctx, path));
  std::vector<std::string> all;
  for (const auto& f : m.functions) {
    all.push_back(f.name);
  }
  std::vector<std::string> out;
  for (const auto& n : named) {
    const manifest::Function* f = m.find(n);
    if (f == nullptr) {
      return fail(
          ErrorCode::not_found,
          "no function " + quote(n) + " in " + ctx.display_path(path) + did_you_mean(n, all),
          "the manifest's functions: " + join(all, ", "));
    }
    out.push_back(f->deploy_name);
  }
  if (named.empty()) {
    for (const auto& f : m.functions) {
      out.push_back(f.deploy_name);
    }
  }
  return out;
}

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return "";
  }
  return it->is_string() ? it->get<std::string>() : json_text(*it);
}

struct RollbackOptions {
  RemoteFlags flags;
  std::string manifest;
  std::string version;
  std::vector<std::string> functions;
  std::string alias;
  bool dry_run = false;
  bool json = false;
};

Expected<int> run_rollback(const Context& ctx, const RollbackOptions& o) {
  const auto names = FSTAGE_TRY(functions_of(ctx, o.manifest, o.functions));
  return with_remote_session(
      ctx, o.flags, o.manifest, [&](deploy::Session& s, const ProjectDefaults&) -> Expected<int> {
        struct Move {
          std::string function;
          std::string alias;
          std::string from;
          Json body;
        };
        std::vector<Move> moves;
        // Every function checked before any alias moves.
        for (const auto& fn : names) {
          std::vector<std::string> versions;
          for (const auto& v : FSTAGE_TRY(s.api().list_versions(fn))) {
            versions.push_back(text_of(v, "version"));
          }
          if (std::find(versions.begin(), versions.end(), o.version) == versions.end()) {
            return fail(
                ErrorCode::not_found,
                fn + " has no version " + quote(o.version) + " in " + s.target().region,
                "its versions: " + (versions.empty() ? std::string("none") : join(versions, ", ")) +
                    " ('fstage deploy --list' shows them with their digests and times)");
          }
          const auto aliases = FSTAGE_TRY(s.api().list_aliases(fn));
          std::vector<std::string> alias_names;
          for (const auto& a : aliases) {
            alias_names.push_back(text_of(a, "name"));
          }
          std::string alias = o.alias;
          if (alias.empty()) {
            if (alias_names.size() != 1) {
              return fail(ErrorCode::usage,
                          fn + " has " + std::to_string(alias_names.size()) +
                              " aliases: say which to move back",
                          alias_names.empty()
                              ? "deploy with --alias NAME to create one (rollback moves an alias)"
                              : "pass --alias with one of " + join(alias_names, ", "));
            }
            alias = alias_names.front();
          }
          auto it = std::find(alias_names.begin(), alias_names.end(), alias);
          if (it == alias_names.end()) {
            return fail(ErrorCode::not_found, fn + " has no alias " + quote(alias),
                        alias_names.empty() ? "deploy with --alias " + alias + " to create it"
                                            : "its aliases: " + join(alias_names, ", "));
          }
          const Json& current = aliases[static_cast<std::size_t>(it - alias_names.begin())];
          Move m{fn, alias, text_of(current, "version"), Json::object()};
          const auto weights = current.find("additional_version_weights");
          const bool weighted =
              weights != current.end() && weights->is_object() && !weights->empty();
          if (m.from == o.version && !weighted) {
            continue;  // already there, with all its traffic
          }
          m.body = {{"name", alias},
                    {"version", o.version},
                    {"description", text_of(current, "description")},
                    {"additional_version_weights", Json::object()}};
          moves.push_back(std::move(m));
        }
        Json report = Json::array();
        for (const auto& m : moves) {
          if (!o.dry_run) {
            FSTAGE_TRY(s.api().update_alias(m.function, m.alias, m.body));
          }
          report.push_back({{"function", m.function},
                            {"alias", m.alias},
                            {"from", m.from},
                            {"to", o.version},
                            {"applied", !o.dry_run}});
          if (!o.json && ctx.verbosity >= 0) {
            *ctx.err << "fstage: " << m.function << ": alias " << m.alias << " " << m.from << " -> "
                     << o.version << (o.dry_run ? " (dry run: not moved)" : "") << "\n";
          }
        }
        if (o.json) {
          *ctx.out << json_text(Json{{"version", o.version}, {"moved", report}}, 2) << "\n";
        } else if (moves.empty() && ctx.verbosity >= 0) {
          *ctx.err << "fstage: nothing to change: every alias already points at " << o.version
                   << "\n";
        }
        return k_exit_ok;
      });
}

}  // namespace

Expected<int> deploy_list(const Context& ctx, const RemoteFlags& flags, const std::string& manifest,
                          const std::vector<std::string>& functions, bool json) {
  const auto names = FSTAGE_TRY(functions_of(ctx, manifest, functions));
  return with_remote_session(
      ctx, flags, manifest, [&](deploy::Session& s, const ProjectDefaults&) -> Expected<int> {
        Json out = Json::array();
        for (const auto& fn : names) {
          Json entry = {{"function", fn}, {"deployed", false}};
          auto cfg = FSTAGE_TRY(s.api().get_function(fn));
          if (cfg) {
            entry["deployed"] = true;
            const auto aliases = FSTAGE_TRY(s.api().list_aliases(fn));
            Json versions = Json::array();
            for (const auto& v : FSTAGE_TRY(s.api().list_versions(fn))) {
              const std::string name = text_of(v, "version");
              Json on = Json::array();
              for (const auto& a : aliases) {
                if (text_of(a, "version") == name) {
                  on.push_back(text_of(a, "name"));
                }
              }
              // The version's metadata only: its configuration (environment included) is not
              // listed.
              versions.push_back({{"version", name},
                                  {"digest", text_of(v, "digest")},
                                  {"last_modified", text_of(v, "last_modified")},
                                  {"description", text_of(v, "version_description")},
                                  {"aliases", on}});
            }
            entry["versions"] = versions;
          }
          out.push_back(std::move(entry));
        }
        if (json) {
          *ctx.out << json_text(out, 2) << "\n";
          return k_exit_ok;
        }
        std::ostream& os = *ctx.out;
        for (const auto& e : out) {
          os << e["function"].get<std::string>()
             << (e["deployed"].get<bool>() ? "" : ": not deployed") << "\n";
          if (!e.contains("versions")) {
            continue;
          }
          for (const auto& v : e["versions"]) {
            std::vector<std::string> on;
            for (const auto& a : v["aliases"]) {
              on.push_back(a.get<std::string>());
            }
            const std::string digest = v["digest"].get<std::string>();
            os << "  " << v["version"].get<std::string>() << "  "
               << (digest.size() > 12 ? digest.substr(0, 12) : digest) << "  "
               << v["last_modified"].get<std::string>()
               << (on.empty() ? "" : "  <- " + join(on, ", "))
               << (v["description"].get<std::string>().empty()
                       ? ""
                       : "  " + v["description"].get<std::string>())
               << "\n";
          }
        }
        return k_exit_ok;
      });
}

void register_rollback(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RollbackOptions>();
  auto* cmd = app.add_subcommand(
      "rollback", "Point the functions' alias back at a published VERSION (all of its traffic)");
  cmd->add_option("version", opts->version, "The published version to go back to")
      ->required()
      ->type_name("VERSION");
  cmd->add_option("functions", opts->functions, "Functions to roll back (default: all)")
      ->type_name("FUNCTION");
  cmd->add_option("--alias", opts->alias, "The alias to move (default: the function's only alias)")
      ->type_name("NAME");
  cmd->add_flag("--dry-run", opts->dry_run, "Say what would move, move nothing");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx, "What moved, as JSON on stdout");
  add_remote_flags(cmd, opts->flags);
  cmd->footer("'fstage deploy --list' shows the published versions with their digests and times.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_rollback(ctx, *opts); }; });
}

}  // namespace fstage::cli
