// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>

namespace CLI {
class App;
}

namespace fstage::cli {

// Builds the command tree: every command, or with `only` naming one, that command alone (and
// the root's options). Registration does no I/O, so --help and --version stay instant.
std::unique_ptr<CLI::App> make_app(Context& ctx, std::string_view only = {});

// The command `args` name, when that can be told without parsing: the first word that is not
// an option (nor --color's value). Empty when there is none.
std::string_view named_command(const std::vector<std::string>& args);

// Parses `args` (without argv[0]), runs the selected command and renders any error once.
// Returns the process exit code (exit_codes.hpp).
int run(const std::vector<std::string>& args, Context& ctx);

// Renders `e` on ctx.err in the one format: "fstage: error: ...", details, causes, "hint: ...".
void render_error(const Error& e, const Context& ctx);

// Writes a warning line "fstage: warning: ..." on ctx.err unless quiet.
void warn(const Context& ctx, const std::string& message);

}  // namespace fstage::cli
