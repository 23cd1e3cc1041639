// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace fstage {

// What went wrong, coarsely: the CLI maps each code to one exit code
// (cli/include/fstage/cli/exit_codes.hpp), so adding a code means adding a row there.
enum class ErrorCode {
  usage,           // bad flags or arguments
  invalid_input,   // a manifest, event or template that does not validate
  not_found,       // a file, function or template that does not exist
  already_exists,  // refusing to overwrite
  io,              // a filesystem or OS call failed
  unsafe,          // a path or link that would escape its root
  limit,           // a platform limit exceeded (size, count)
  sandbox,         // the sandbox could not be set up
  function_error,  // the function ran and failed
  timeout,         // the function ran past its timeout
  oom,             // the function ran out of memory
  flow_failed,     // a function flow ran and ended in failure
  remote,          // the remote API answered with an error
  auth,            // credentials missing, rejected or unsafe
  network,         // the remote could not be reached
  interrupted,     // SIGINT/SIGTERM
  internal,        // a bug in fstage
};

// The one error type that crosses library APIs. Rendered once, by cli::run:
//   fstage: error: <message>
//     <detail>...
//     caused by: <context>...
//   hint: <hint>
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::vector<std::string> details;  // one line each, e.g. several manifest problems
  std::vector<std::string> context;  // innermost first: "while reading fstage.yaml"
  std::string hint;
  int sys_errno = 0;

  Error() = default;
  Error(ErrorCode c, std::string msg, std::string h = {})
      : code(c), message(std::move(msg)), hint(std::move(h)) {}

  // `call` failed on `what` with errno `err`: "open /x/y: No such file or directory", coded
  // by error_code_for_errno. EACCES and EPERM read "permission denied: /x/y", with a hint that
  // names who owns it, its mode and the chmod that gives fstage's user access.
  static Error from_errno(std::string_view call, std::string_view what, int err);
  // The same for a std::filesystem error (an errno in the generic or system category).
  static Error from_error_code(std::string_view call, std::string_view what, std::error_code ec);

  Error&& with_context(std::string c) && {
    context.push_back(std::move(c));
    return std::move(*this);
  }
  Error&& with_hint(std::string h) && {
    hint = std::move(h);
    return std::move(*this);
  }
};

template <typename T>
using Expected = tl::expected<T, Error>;
using Unexpected = tl::unexpected<Error>;

inline Unexpected fail(ErrorCode code, std::string message, std::string hint = {}) {
  return Unexpected(Error(code, std::move(message), std::move(hint)));
}
inline Unexpected fail(Error e) {
  return Unexpected(std::move(e));
}

namespace detail {
// FSTAGE_TRY's value step; tl::expected<void>::value() does not exist in tl-expected 1.0.
template <typename T>
T unwrap(tl::expected<T, Error>&& e) {
  return std::move(*e);
}
inline void unwrap(tl::expected<void, Error>&&) {}
}  // namespace detail

// The one errno -> ErrorCode mapping: ENOENT and ENOTDIR not_found, EEXIST already_exists,
// anything else io (EACCES and EPERM too: a file that exists but may not be read is neither
// missing nor invalid input).
ErrorCode error_code_for_errno(int err);

// Human name of a code, stable, used in --json output ("invalid_input").
std::string_view to_string(ErrorCode code);

}  // namespace fstage

// Evaluates an Expected; on error returns it from the enclosing function, else yields the value.
// (A GNU statement expression, as ccache's TRY: g++ and clang both accept it.)
#define FSTAGE_TRY(expr)                                                  \
  __extension__({                                                         \
    auto fstage_try_result_ = (expr);                                     \
    if (!fstage_try_result_) {                                            \
      return ::fstage::Unexpected(std::move(fstage_try_result_).error()); \
    }                                                                     \
    ::fstage::detail::unwrap(std::move(fstage_try_result_));              \
  })
