// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/function.hpp>

#include "transport.hpp"

namespace fstage::sandbox::detail {

// How the supervisor talks to an instance: fstage's framed channel on fd 3 (the built-in
// shims) or the custom-runtime HTTP API (a user's bootstrap).
enum class Protocol { framed, runtime_api, http_function, go_rpc };

// Where the runtime API listens inside a sandbox with its own network namespace.
inline constexpr int k_runtime_api_port = 9000;
// Where an HTTP function's server must listen (PLATFORM.md §1.7).
inline constexpr int k_http_function_port = 8000;

// How to start one runtime instance for a function: the command, its environment, the shim
// files and any extra binds. Computed once per FunctionRunner.
struct LaunchPlan {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::vector<SandboxFile> files;
  std::vector<Bind> binds;
  std::vector<std::pair<std::string, std::string>> links;  // inside path → target
  std::vector<std::string> masks;                          // SandboxConfig::masks
  std::vector<std::string> warnings;
  // Set when the interpreter is not the runtime's version: "Python 3.11.2, not Python3.9".
  std::string version_note;
  Protocol protocol = Protocol::framed;
  std::vector<std::shared_ptr<const std::string>> owned;  // bytes that files[] point into
};

// Errors: invalid_input for a runtime fstage cannot run locally, not_found for a missing
// interpreter, internal for a shim missing from the binary.
Expected<LaunchPlan> plan_launch(const FunctionSpec& spec, const RunnerOptions& options);

// The RUNTIME_* environment (PLATFORM.md §2.1) plus the user's variables; user variables
// may override defaults like PATH or LANG but never a reserved RUNTIME_* name (those are
// reported in `warnings`).
std::vector<std::string> runtime_environment(const FunctionSpec& spec,
                                             std::vector<std::string>& warnings);

// Where an interpreter at `python` (version "3.11.2") finds third-party packages on the
// host: <prefix>/lib/pythonX.Y/site-packages, Debian's dist-packages directories, and
// /usr/local's. Whether each exists is for the caller to find out.
std::vector<std::string> python_site_dirs(const std::filesystem::path& python,
                                          const std::string& version);

// millicores the platform gives a function of this size: memory/128*100 + 200.
int cpu_millicores_for(int memory_mb);

}  // namespace fstage::sandbox::detail
