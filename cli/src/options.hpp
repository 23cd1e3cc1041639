// SPDX-License-Identifier: Apache-2.0
#pragma once

// The options several commands share, defined once so that each is spelled, documented and
// completed the same way everywhere. The global ones (-q, -v, --color) are the root's, in
// app.cpp; what each verbosity level shows is written down at Context::verbosity.

#include <filesystem>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/manifest/manifest.hpp>

namespace CLI {
class App;
}

namespace fstage::cli {

// -f/--file FILE: the manifest a command reads (default: fstage.yaml here or in a parent
// directory). Every command that reads a manifest takes it. --manifest, the old spelling of
// invoke, serve and doctor, still works and is hidden.
void add_manifest_option(CLI::App* cmd, std::string& file);

// The manifest `given` names (resolved against cwd), or the nearest fstage.yaml when it is
// empty. Errors: not_found ("FILE: no such file", "no fstage.yaml in ..."), io (a file or
// directory that may not be read: "permission denied", with the fix). -vv names it.
Expected<std::filesystem::path> manifest_path(const Context& ctx, const std::string& given);

// How the manifest is resolved: --stage (else FSTAGE_STAGE, else dev), each --param, and
// ${env:} read from ctx.env. Errors: usage (a --param without '=', a bad stage name).
Expected<manifest::LoadOptions> load_options(const Context& ctx);

// load_manifest / validate_file with load_options(ctx); the manifest named as display_path.
Expected<manifest::Manifest> load_project(const Context& ctx, const std::filesystem::path& file);
Expected<manifest::Validation> validate_project(const Context& ctx,
                                                const std::filesystem::path& file,
                                                const std::string& name);

// --json: the command's output as JSON on stdout. It also sets ctx.json, so that an error is
// printed on stdout as JSON too (cli::run), not only as text on stderr.
void add_json_flag(CLI::App* cmd, bool& json, Context& ctx, const std::string& description);

// --no-version-warning (invoke, serve): no warning when the host's interpreter is another
// version than the runtime asks for. The REPORT line still names the version that ran.
void add_version_warning_flag(CLI::App* cmd, bool& off);

// FSTAGE_NO_VERSION_WARNING is set to something other than "" or "0": the same for every run.
bool version_warning_off(const Context& ctx);

}  // namespace fstage::cli
