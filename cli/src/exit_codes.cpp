// SPDX-License-Identifier: Apache-2.0
#include <fstage/cli/exit_codes.hpp>

namespace fstage::cli {

std::span<const ExitCodeRow> exit_code_table() {
  static constexpr ExitCodeRow k_rows[] = {
      {k_exit_ok, "ok", "success"},
      {k_exit_failure, "failure", "generic failure (I/O, permission denied and the like)"},
      {k_exit_usage, "usage", "bad command line"},
      {k_exit_invalid_input, "invalid_input", "manifest, event or template does not validate"},
      {k_exit_not_found, "not_found", "file, function or template not found"},
      {k_exit_exists, "exists", "refusing to overwrite existing files (use --force)"},
      {k_exit_unsafe, "unsafe", "a path or link would escape its root"},
      {k_exit_limit, "limit", "a platform limit exceeded"},
      {k_exit_function_error, "function_error", "the function returned an error"},
      {k_exit_timeout, "timeout", "the function exceeded its timeout"},
      {k_exit_oom, "oom", "the function exceeded its memory"},
      {k_exit_sandbox, "sandbox", "the sandbox could not be set up"},
      {k_exit_flow_failed, "flow_failed", "a function flow ran and ended in failure"},
      {k_exit_remote, "remote", "the remote API answered with an error"},
      {k_exit_auth, "auth", "credentials missing, rejected or unsafe"},
      {k_exit_network, "network", "the remote API could not be reached"},
      {k_exit_internal, "internal", "a bug in fstage"},
      {k_exit_interrupted, "interrupted", "interrupted by SIGINT or SIGTERM"},
  };
  return k_rows;
}

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage:
      return k_exit_usage;
    case ErrorCode::invalid_input:
      return k_exit_invalid_input;
    case ErrorCode::not_found:
      return k_exit_not_found;
    case ErrorCode::already_exists:
      return k_exit_exists;
    case ErrorCode::io:
      return k_exit_failure;
    case ErrorCode::unsafe:
      return k_exit_unsafe;
    case ErrorCode::limit:
      return k_exit_limit;
    case ErrorCode::sandbox:
      return k_exit_sandbox;
    case ErrorCode::function_error:
      return k_exit_function_error;
    case ErrorCode::timeout:
      return k_exit_timeout;
    case ErrorCode::oom:
      return k_exit_oom;
    case ErrorCode::flow_failed:
      return k_exit_flow_failed;
    case ErrorCode::remote:
      return k_exit_remote;
    case ErrorCode::auth:
      return k_exit_auth;
    case ErrorCode::network:
      return k_exit_network;
    case ErrorCode::interrupted:
      return k_exit_interrupted;
    case ErrorCode::internal:
      return k_exit_internal;
  }
  return k_exit_internal;
}

}  // namespace fstage::cli
