// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/scaffolds/templates.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

Expected<int> run_templates(Context& ctx, bool json) {
  auto all = FSTAGE_TRY(scaffolds::builtin_templates());
  if (json) {
    OrderedJson arr = OrderedJson::array();
    for (const auto& t : all) {
      OrderedJson j;
      j["id"] = t.id;
      j["language"] = t.language;
      j["description"] = t.description;
      j["runtimes"] = t.runtimes;
      j["default_runtime"] = t.runtimes.front();
      j["handler"] = t.handler;
      j["triggers"] = t.triggers;
      if (!t.functions.empty()) {
        j["functions"] = t.functions;
      }
      arr.push_back(std::move(j));
    }
    *ctx.out << json_text(arr, 2) << "\n";
    return k_exit_ok;
  }
  std::size_t w = 2;
  for (const auto& t : all) {
    w = std::max(w, t.id.size());
  }
  for (const auto& t : all) {
    std::string id = t.id + std::string(w - t.id.size() + 2, ' ');
    *ctx.out << id << join(t.runtimes, ", ") << "\n"
             << std::string(w + 2, ' ') << t.description << "\n";
    if (!t.triggers.empty()) {
      *ctx.out << std::string(w + 2, ' ') << "triggers: " << join(t.triggers, ", ") << "\n";
    }
    if (!t.functions.empty()) {
      *ctx.out << std::string(w + 2, ' ') << "functions: " << join(t.functions, ", ") << "\n";
    }
  }
  *ctx.out << "\nAlso: --template git+URL[#ref][:subdir] for a template in a git repository.\n";
  return k_exit_ok;
}

}  // namespace

void register_templates(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("templates", "List the built-in project templates");
  add_json_flag(cmd, *json, ctx, "Print the list as JSON on stdout");
  cmd->callback([&ctx, json] { ctx.action = [&ctx, json] { return run_templates(ctx, *json); }; });
}

}  // namespace fstage::cli
