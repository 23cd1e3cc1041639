// SPDX-License-Identifier: Apache-2.0
#include <memory>

#include <CLI/CLI.hpp>

#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/scaffolds/templates.hpp>

#include "../src/completion_model.hpp"
#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

Expected<int> run_completion(Context& ctx, const std::string& shell) {
  auto app = make_app(ctx);
  auto model = completion_model(*app);
  if (shell == "bash") {
    *ctx.out << bash_script(model);
  } else if (shell == "zsh") {
    *ctx.out << zsh_script(model);
  } else {
    *ctx.out << fish_script(model);
  }
  return k_exit_ok;
}

// `fstage __complete KIND`: the values a shell asks for at completion time, one per line. It
// must answer in milliseconds and never print an error: a broken manifest completes nothing.
Expected<int> run_dynamic(Context& ctx, const std::string& kind) {
  if (kind == "functions" || kind == "flows") {
    auto file = manifest::find_manifest(ctx.cwd);
    if (!file) {
      return k_exit_ok;
    }
    // Flow names come from the manifest alone: no definition file is read.
    // Names whatever the environment: an unset ${env:} must not hide the functions.
    auto o = load_options(ctx);
    manifest::LoadOptions lenient = o ? *o : manifest::LoadOptions{};
    lenient.lenient = true;
    auto v = manifest::validate_file(*file, {}, lenient);
    if (v.manifest && kind == "functions") {
      for (const auto& fn : v.manifest->functions) {
        *ctx.out << fn.name << "\n";
      }
    } else if (v.manifest) {
      for (const auto& f : v.manifest->flows) {
        *ctx.out << f.name << "\n";
      }
    }
    return k_exit_ok;
  }
  auto app = make_app(ctx);
  auto model = completion_model(*app);
  // Static kinds answer from the same tables the scripts were generated from.
  for (const auto* c : flatten(model)) {
    for (const auto& o : c->options) {
      for (const auto& n : o.names) {
        if ((c->path.empty() ? "" : c->path + " ") + n == kind) {
          for (const auto& w : o.value.words) {
            *ctx.out << w << "\n";
          }
          return k_exit_ok;
        }
      }
    }
  }
  return k_exit_ok;
}

}  // namespace

void register_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print the shell completion script");
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->callback(
      [&ctx, shell] { ctx.action = [&ctx, shell] { return run_completion(ctx, *shell); }; });

  auto kind = std::make_shared<std::string>();
  auto* hidden = app.add_subcommand("__complete", "");
  hidden->group("");  // hidden from --help and from the completion scripts
  hidden->add_option("kind", *kind,
                     "functions, flows, or a command path and option: 'init --runtime'");
  hidden->callback([&ctx, kind] { ctx.action = [&ctx, kind] { return run_dynamic(ctx, *kind); }; });
}

}  // namespace fstage::cli
