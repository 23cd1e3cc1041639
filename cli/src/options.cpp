// SPDX-License-Identifier: Apache-2.0
#include "options.hpp"

#include <ostream>
#include <system_error>

#include <CLI/CLI.hpp>

#include <fstage/base/access.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::cli {

namespace fs = std::filesystem;

void add_manifest_option(CLI::App* cmd, std::string& file) {
  cmd->add_option("-f,--file", file,
                  "The manifest (default: fstage.yaml here or in a parent directory)")
      ->type_name("FILE");
  cmd->add_option("--manifest", file, "Same as --file")->type_name("FILE")->group("");
}

Expected<fs::path> manifest_path(const Context& ctx, const std::string& given) {
  fs::path file;
  if (given.empty()) {
    file = FSTAGE_TRY(manifest::find_manifest(ctx.cwd));
  } else {
    file = ctx.resolve(given);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      if (ec == std::errc::permission_denied) {
        return fail(access_error(file, "the manifest"));
      }
      if (ec && ec != std::errc::no_such_file_or_directory) {
        return fail(Error::from_error_code("stat", given, ec));
      }
      return fail(ErrorCode::not_found, given + ": no such file",
                  "run 'fstage init' to create a project, or give -f the path of its "
                  "fstage.yaml");
    }
  }
  if (ctx.verbosity >= 2) {
    *ctx.err << "fstage: manifest " << file.string() << "\n";
  }
  return file;
}

Expected<manifest::LoadOptions> load_options(const Context& ctx) {
  manifest::LoadOptions o;
  std::string stage = ctx.stage;
  const bool from_env = stage.empty();
  if (from_env) {
    stage = ctx.getenv("FSTAGE_STAGE").value_or("");
  }
  if (!stage.empty()) {
    o.stage = stage;
  }
  if (!manifest::is_valid_stage_name(o.stage)) {
    return fail(
        ErrorCode::usage,
        (from_env ? "FSTAGE_STAGE: " : "--stage: ") + quote(o.stage) + " is not a valid stage name",
        std::string("a stage name is ") + std::string(manifest::k_stage_name_rule) +
            ", e.g. --stage prod");
  }
  for (const auto& p : ctx.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::usage, "--param " + quote(p) + " is not KEY=VALUE",
                  "write --param table=orders (one --param per value)");
    }
    o.params.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  o.getenv = [&ctx](const std::string& k) { return ctx.getenv(k); };
  return o;
}

Expected<manifest::Manifest> load_project(const Context& ctx, const fs::path& file) {
  const manifest::LoadOptions o = FSTAGE_TRY(load_options(ctx));
  return manifest::load_manifest(file, ctx.display_path(file), o);
}

Expected<manifest::Validation> validate_project(const Context& ctx, const fs::path& file,
                                                const std::string& name) {
  const manifest::LoadOptions o = FSTAGE_TRY(load_options(ctx));
  return manifest::validate_file(file, name, o);
}

void add_json_flag(CLI::App* cmd, bool& json, Context& ctx, const std::string& description) {
  cmd->add_flag_callback(
      "--json",
      [&json, &ctx] {
        json = true;
        ctx.json = true;
      },
      description);
}

void add_version_warning_flag(CLI::App* cmd, bool& off) {
  cmd->add_flag("--no-version-warning", off,
                "No warning when the host's interpreter is another version than the runtime's "
                "(or set FSTAGE_NO_VERSION_WARNING=1)");
}

bool version_warning_off(const Context& ctx) {
  const std::string v = ctx.getenv("FSTAGE_NO_VERSION_WARNING").value_or("");
  return !v.empty() && v != "0";
}

}  // namespace fstage::cli
