// SPDX-License-Identifier: Apache-2.0
#include "debug_session.hpp"

#include <ostream>

#include <fstage/base/strings.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/sandbox/debug.hpp>

#include "build_common.hpp"

namespace fstage::cli {

Expected<void> prepare_debug(Context& ctx, const manifest::Manifest& m,
                             const manifest::Function& fn, int port,
                             sandbox::DebugSettings& debug) {
  const sandbox::DebuggerInfo* info = sandbox::debugger_for(fn.runtime.language);
  if (info == nullptr) {
    return fail(ErrorCode::invalid_input,
                "function " + quote(fn.name) + " (" + std::string(fn.runtime.name) +
                    ") cannot run under a debugger in fstage",
                "Python, Node.js, Java and Go functions can; a custom or HTTP function's "
                "bootstrap can start a debugger itself");
  }
  debug.port = port > 0 ? port : info->default_port;
  debug.source_dir = FSTAGE_TRY(builder::source_dir(m, fn));
  if (fn.runtime.language == manifest::Language::go) {
    auto opts = FSTAGE_TRY(build_options(ctx));
    auto bin = builder::build_go_debug(m, fn, opts);
    if (!bin) {
      return fail(std::move(bin).error().with_context("while building function " + quote(fn.name) +
                                                      " for the debugger"));
    }
    debug.go_binary = *bin;
  }
  std::ostream* err = ctx.err;
  debug.on_listening = [err](const std::string& line) {
    *err << "fstage: " << line << "\n" << std::flush;
  };
  return {};
}

}  // namespace fstage::cli
