// SPDX-License-Identifier: Apache-2.0
#include <cstring>

#include <fstage/base/error.hpp>

namespace fstage {

Error Error::from_errno(std::string_view call, std::string_view what, int err) {
  Error e(ErrorCode::io, std::string(call) + " " + std::string(what) + ": " + std::strerror(err));
  e.sys_errno = err;
  if (err == ENOENT) {
    e.code = ErrorCode::not_found;
  }
  return e;
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage:
      return "usage";
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::already_exists:
      return "already_exists";
    case ErrorCode::io:
      return "io";
    case ErrorCode::unsafe:
      return "unsafe";
    case ErrorCode::limit:
      return "limit";
    case ErrorCode::sandbox:
      return "sandbox";
    case ErrorCode::function_error:
      return "function_error";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::oom:
      return "oom";
    case ErrorCode::remote:
      return "remote";
    case ErrorCode::auth:
      return "auth";
    case ErrorCode::network:
      return "network";
    case ErrorCode::interrupted:
      return "interrupted";
    case ErrorCode::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace fstage
