// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>

namespace fstage::cli {

enum class ColorMode { auto_, always, never };

// Everything a command may touch of the outside world, injected so tests can run the whole
// CLI in-process over string streams and a fake environment (ninja's DiskInterface idea).
struct Context {
  std::ostream* out = nullptr;  // command output and --json only
  std::ostream* err = nullptr;  // diagnostics, logs, progress
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;

  // Global options, filled by the parser. What each level adds on stderr (the command's
  // result on stdout is never hidden):
  //   -1  -q    errors only
  //    0        warnings, progress and summaries (build steps, the REPORT line, the plan)
  //    1  -v    what fstage set up and did: the sandbox's enforcement and limits, each file
  //             written, each deploy step and API call
  //    2  -vv   what that rests on: the manifest used, each runtime's interpreter (path and
  //             version), the remote target and where the credentials came from, how long
  //             the command took; more -v show the same
  int verbosity = 0;
  ColorMode color = ColorMode::auto_;
  // --stage NAME and --param k=v (repeatable): how the manifest is resolved (manifest::
  // LoadOptions, built by load_options in options.hpp). "" = FSTAGE_STAGE, else "dev".
  std::string stage;
  std::vector<std::string> params;
  // The command's --json was given (add_json_flag): an error is printed as JSON on stdout.
  bool json = false;

  // Set by the selected subcommand's parse callback; run() executes it after parsing.
  std::function<Expected<int>()> action;
  // Set by a command that runs until Ctrl-C (`--follow`): a signal is how it ends, so it exits
  // 130 without the "interrupted" line.
  bool ends_on_interrupt = false;

  // What a command hands over instead of destroying once its work is done and nothing of it
  // is visible outside the process any more: only memory is left to free. main() ends the
  // real process without freeing it (the kernel drops the whole address space at once, where
  // free() would touch page after page, each a copy-on-write fault while a sandbox's init
  // still shares them); a test's Context destroys these with itself.
  std::vector<std::shared_ptr<void>> keep;

  // The real process: std::cout/cerr, environ, getcwd, isatty.
  static Context real();

  std::optional<std::string> getenv(const std::string& name) const;
  // Whether to colour stderr: --color, NO_COLOR, TERM=dumb and isatty decide.
  bool use_color() const;
  // Resolve a user-given path against cwd.
  std::filesystem::path resolve(const std::filesystem::path& p) const;
  // How a file is named in messages: relative to cwd when it lies below it ("fstage.yaml",
  // "sub/fstage.yaml"), else the absolute path. Every command names the manifest this way.
  std::string display_path(const std::filesystem::path& file) const;
};

}  // namespace fstage::cli
