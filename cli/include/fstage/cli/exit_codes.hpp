// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

#include <fstage/base/error.hpp>

namespace fstage::cli {

// The one table of exit codes. Scripts depend on these numbers: never renumber, only add.
// Printed by `fstage help exit-codes` and copied into the README.
enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_failure = 1,          // generic failure (I/O, permission denied and the like)
  k_exit_usage = 2,            // bad command line
  k_exit_invalid_input = 3,    // manifest, event or template does not validate
  k_exit_not_found = 4,        // file, function or template not found
  k_exit_exists = 5,           // refusing to overwrite existing files (use --force)
  k_exit_unsafe = 6,           // a path or link would escape its root
  k_exit_limit = 7,            // a platform limit exceeded (artifact size, body size)
  k_exit_function_error = 10,  // the function ran and returned an error
  k_exit_timeout = 11,         // the function exceeded its timeout
  k_exit_oom = 12,             // the function exceeded its memory
  k_exit_sandbox = 13,         // the sandbox could not be set up (or isolation was too weak)
  k_exit_flow_failed = 14,     // a function flow ran and ended in failure
  k_exit_remote = 20,          // the remote API answered with an error
  k_exit_auth = 21,            // credentials missing, rejected or unsafe
  k_exit_network = 22,         // the remote API could not be reached
  k_exit_internal = 70,        // a bug in fstage
  k_exit_interrupted = 130,    // SIGINT or SIGTERM
};

struct ExitCodeRow {
  int code;
  std::string_view name;
  std::string_view meaning;
};

// The table above as data, for `fstage help exit-codes` and tests.
std::span<const ExitCodeRow> exit_code_table();

// The exit code for an error code.
int exit_code_for(ErrorCode code);

}  // namespace fstage::cli
