// SPDX-License-Identifier: Apache-2.0
// `fstage validate [-f FILE] [--json]`: checks fstage.yaml against the platform's rules, and
// its flows' definitions (fstage/flow/load.hpp) as `fstage flow validate` does.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include "diagnostic_json.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct ValidateOptions {
  std::string file;
  bool json = false;
};

int print_json(const Context& ctx, const std::string& name, const manifest::Validation& v) {
  OrderedJson out = OrderedJson::object();
  out["file"] = name;
  out["valid"] = v.errors.empty();
  out["errors"] = OrderedJson::array();
  for (const auto& d : v.errors) {
    out["errors"].push_back(diagnostic_json(d));
  }
  out["warnings"] = OrderedJson::array();
  for (const auto& d : v.warnings) {
    out["warnings"].push_back(diagnostic_json(d));
  }
  out["functions"] = OrderedJson::array();
  out["flows"] = OrderedJson::array();
  if (v.manifest) {
    for (const auto& f : v.manifest->functions) {
      out["functions"].push_back(f.name);
    }
    for (const auto& f : v.manifest->flows) {
      out["flows"].push_back(f.name);
    }
  }
  *ctx.out << json_text(out, 2) << "\n";
  return v.errors.empty() ? k_exit_ok : k_exit_invalid_input;
}

Expected<int> run_validate(Context& ctx, const ValidateOptions& opts) {
  const fs::path file = FSTAGE_TRY(manifest_path(ctx, opts.file));
  const std::string name = ctx.display_path(file);
  manifest::Validation v = FSTAGE_TRY(validate_project(ctx, file, name));
  if (v.read_error) {
    return fail(std::move(*v.read_error));  // not the manifest's fault: no "valid": false
  }
  if (v.manifest) {
    // The flows' definitions, once the manifest that names them is sound.
    flow::FlowSet flows = flow::load_flows(*v.manifest);
    v.errors.insert(v.errors.end(), flows.errors.begin(), flows.errors.end());
    v.warnings.insert(v.warnings.end(), flows.warnings.begin(), flows.warnings.end());
  }
  if (opts.json) {
    return print_json(ctx, name, v);
  }
  for (const auto& d : v.warnings) {
    warn(ctx, d.str());
  }
  if (!v.errors.empty()) {
    return fail(manifest::validation_error(v.errors, name));
  }
  if (ctx.verbosity >= 0) {
    std::size_t n = v.manifest ? v.manifest->functions.size() : 0;
    std::size_t flows = v.manifest ? v.manifest->flows.size() : 0;
    *ctx.err << name << ": ok (" << n << (n == 1 ? " function" : " functions");
    if (flows > 0) {
      *ctx.err << ", " << flows << (flows == 1 ? " flow" : " flows");
    }
    *ctx.err << ")\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_validate(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Check fstage.yaml against the platform's rules");
  add_manifest_option(cmd, opts->file);
  add_json_flag(cmd, opts->json, ctx,
                "Print one JSON object: file, valid, errors, warnings, functions, flows");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_validate(ctx, *opts); }; });
}

}  // namespace fstage::cli
