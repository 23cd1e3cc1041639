// SPDX-License-Identifier: Apache-2.0
// fstage remove [--yes] [--dry-run] [--json]: removes everything the project deployed (issue 23
// item 5): the manifest's flows and functions as they exist remotely, with their versions,
// aliases and triggers, and the dependency versions fstage uploaded for them (rules in
// deploy/teardown.hpp). It lists them first and asks on a terminal; without one it needs
// --yes, as `remote remove` does.
#include <algorithm>
#include <iostream>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/state.hpp>
#include <fstage/deploy/teardown.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include "remote_common.hpp"

namespace fstage::cli {

namespace {

struct RemoveOptions {
  RemoteFlags flags;
  std::string manifest;
  bool yes = false;
  bool dry_run = false;
  bool json = false;
};

using deploy::RemovalItem;

std::string line_of(const RemovalItem& item) {
  std::string line = std::string(deploy::to_string(item.kind)) + " " + item.name;
  if (!item.detail.empty()) {
    line += " (" + item.detail + ")";
  }
  return line;
}

std::string_view outcome_name(RemovalItem::Outcome o) {
  switch (o) {
    case RemovalItem::Outcome::removed:
      return "removed";
    case RemovalItem::Outcome::kept:
      return "kept";
    case RemovalItem::Outcome::pending:
      break;
  }
  return "not removed";
}

Json report(const std::vector<RemovalItem>& items, const std::string& region, bool dry_run) {
  Json list = Json::array();
  for (const auto& i : items) {
    Json j = {{"kind", deploy::to_string(i.kind)},
              {"name", i.name},
              {"urn", i.urn},
              {"detail", i.detail},
              {"outcome", dry_run ? "planned" : outcome_name(i.outcome)}};
    if (!i.note.empty()) {
      j["note"] = i.note;
    }
    list.push_back(std::move(j));
  }
  return {{"region", region}, {"dry_run", dry_run}, {"items", list}};
}

// On a terminal: the list, then the question. Without one: refused unless --yes.
Expected<bool> confirmed(const Context& ctx, const RemoveOptions& o, const std::string& where) {
  if (o.yes) {
    return true;
  }
  if (!ctx.stdin_tty || !ctx.stderr_tty) {
    return fail(ErrorCode::usage, "removing the project's deployment " + where + " needs --yes",
                "not asked: stdin is not a terminal; 'fstage remove --dry-run' lists what "
                "would go, 'fstage remove --yes' removes it without asking");
  }
  *ctx.err << "Remove them? This cannot be undone. [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

Expected<int> run_remove(const Context& ctx, const RemoveOptions& o) {
  auto path = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  const auto m = FSTAGE_TRY(load_project(ctx, path));
  std::vector<std::string> functions;
  std::vector<std::string> dependencies;
  for (const auto& f : m.functions) {
    functions.push_back(f.deploy_name);  // the stage's name on the platform
    for (const auto& d : f.dependencies) {
      if (std::find(dependencies.begin(), dependencies.end(), d.name) == dependencies.end()) {
        dependencies.push_back(d.name);
      }
    }
  }
  std::vector<std::string> flows;
  for (const auto& f : m.flows) {
    flows.push_back(f.name + m.name_suffix);
  }
  return with_remote_session(
      ctx, o.flags, o.manifest, [&](deploy::Session& s, const ProjectDefaults&) -> Expected<int> {
        const std::string where = "in " + s.target().region;
        auto items = FSTAGE_TRY(deploy::plan_removal(s.api(), functions, flows, dependencies));
        const bool quiet = o.json || ctx.verbosity < 0;
        if (items.empty()) {
          if (o.json) {
            *ctx.out << json_text(report(items, s.target().region, o.dry_run), 2) << "\n";
          } else if (!quiet) {
            *ctx.err << "fstage: nothing to remove: none of " << m.name << "'s functions or flows "
                     << "exist " << where << "\n";
          }
          return k_exit_ok;
        }
        if (!quiet || (!o.yes && !o.dry_run)) {
          *ctx.err << "fstage: " << (o.dry_run ? "would remove" : "this removes") << " " << where
                   << ":\n";
          for (const auto& i : items) {
            *ctx.err << "  " << line_of(i) << "\n";
          }
        }
        if (o.dry_run) {
          if (o.json) {
            *ctx.out << json_text(report(items, s.target().region, true), 2) << "\n";
          }
          return k_exit_ok;
        }
        if (!FSTAGE_TRY(confirmed(ctx, o, where))) {
          *ctx.err << "fstage: not removed\n";
          return k_exit_ok;
        }
        auto state = deploy::DeployState::load(deploy::state_file(m.root, m.stage));
        auto done = deploy::apply_removal(s.api(), items, state, [&](const RemovalItem& i) {
          if (!quiet) {
            *ctx.err << "fstage: removing " << deploy::to_string(i.kind) << " " << i.name << "\n";
          }
        });
        if (!done) {
          Error e = std::move(done).error();
          for (const auto& i : items) {
            e.details.push_back(std::string(outcome_name(i.outcome)) + ": " + line_of(i));
          }
          e.hint = "run the same 'fstage remove' again: it removes what is left";
          return fail(std::move(e));
        }
        if (o.json) {
          *ctx.out << json_text(report(items, s.target().region, false), 2) << "\n";
          return k_exit_ok;
        }
        const auto removed = std::count_if(items.begin(), items.end(), [](const auto& i) {
          return i.outcome == RemovalItem::Outcome::removed;
        });
        for (const auto& i : items) {
          if (i.outcome == RemovalItem::Outcome::kept && ctx.verbosity >= 0) {
            *ctx.err << "fstage: kept " << line_of(i) << ": " << i.note << "\n";
          }
        }
        if (!quiet) {
          *ctx.err << "fstage: "
                   << (removed == 0 ? "nothing removed"
                                    : "removed " + m.name + " (" + std::to_string(removed) +
                                          (removed == 1 ? " item)" : " items)"))
                   << " " << where << "\n";
        }
        return k_exit_ok;
      });
}

}  // namespace

void register_remove(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RemoveOptions>();
  auto* cmd = app.add_subcommand(
      "remove", "Remove everything the project deployed: its flows, functions and dependencies");
  cmd->add_flag("-y,--yes", opts->yes, "Do not ask (for scripts and CI)");
  cmd->add_flag("--dry-run", opts->dry_run, "List what would be removed, remove nothing");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx, "What was removed, as JSON on stdout");
  add_remote_flags(cmd, opts->flags);
  cmd->footer(
      "Functions go with their versions, aliases and triggers. A dependency version is removed "
      "only when fstage uploaded it and no other function links it.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_remove(ctx, *opts); }; });
}

}  // namespace fstage::cli
