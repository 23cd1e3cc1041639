// SPDX-License-Identifier: Apache-2.0
// `fstage validate [-f FILE] [--json]`: checks fstage.yaml against the platform's rules.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>

#include "commands.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct ValidateOptions {
  std::string file;
  bool json = false;
};

OrderedJson to_json(const manifest::Diagnostic& d) {
  OrderedJson j = OrderedJson::object();
  j["file"] = d.where.file;
  j["line"] = d.where.line;
  j["column"] = d.where.column;
  j["message"] = d.message;
  j["expected"] = d.expected;
  j["hint"] = d.hint;
  return j;
}

int print_json(const Context& ctx, const std::string& name, const manifest::Validation& v) {
  OrderedJson out = OrderedJson::object();
  out["file"] = name;
  out["valid"] = v.errors.empty();
  out["errors"] = OrderedJson::array();
  for (const auto& d : v.errors) {
    out["errors"].push_back(to_json(d));
  }
  out["warnings"] = OrderedJson::array();
  for (const auto& d : v.warnings) {
    out["warnings"].push_back(to_json(d));
  }
  out["functions"] = OrderedJson::array();
  if (v.manifest) {
    for (const auto& f : v.manifest->functions) {
      out["functions"].push_back(f.name);
    }
  }
  *ctx.out << out.dump(2, ' ', false, OrderedJson::error_handler_t::replace) << "\n";
  if (v.unreadable) {
    return exit_code_for(v.unreadable->code);  // e.g. 7 for a file over the size limit
  }
  return v.errors.empty() ? k_exit_ok : k_exit_invalid_input;
}

Expected<int> run_validate(Context& ctx, const ValidateOptions& opts) {
  fs::path file;
  if (!opts.file.empty()) {
    file = ctx.resolve(opts.file);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      return fail(ErrorCode::not_found, opts.file + ": no such file",
                  "run 'fstage init' to create a project");
    }
  } else {
    file = FSTAGE_TRY(manifest::find_manifest(ctx.cwd));
  }
  const std::string name = ctx.display_path(file);
  manifest::Validation v = manifest::validate_file(file, name);
  if (opts.json) {
    return print_json(ctx, name, v);
  }
  if (v.unreadable) {
    return fail(std::move(*v.unreadable));
  }
  for (const auto& d : v.warnings) {
    warn(ctx, d.str());
  }
  if (!v.errors.empty()) {
    return fail(manifest::validation_error(v.errors, name));
  }
  if (ctx.verbosity >= 0) {
    std::size_t n = v.manifest ? v.manifest->functions.size() : 0;
    *ctx.err << name << ": ok (" << n << (n == 1 ? " function)" : " functions)") << "\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_validate(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Check fstage.yaml against the platform's rules");
  cmd->add_option("-f,--file", opts->file,
                  "The manifest to check (default: fstage.yaml here or in a parent directory)");
  cmd->add_flag("--json", opts->json,
                "Print one JSON object: file, valid, errors, warnings, functions");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_validate(ctx, *opts); }; });
}

}  // namespace fstage::cli
