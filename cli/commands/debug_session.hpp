// SPDX-License-Identifier: Apache-2.0
#pragma once

// A debug session as invoke and serve start one (--debug-port, --debug FUNC[:PORT]).

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::cli {

// Fills `debug` for debugging `fn` on `port` (0: the runtime's customary port): the
// source directory of the path mapping, Go's debug build (made here, apart from the release
// build), and the "debugger listening" line, which goes to stderr (also with -q: a session
// that waits silently looks hung). Errors: invalid_input (a runtime without a debugger),
// the Go build's.
Expected<void> prepare_debug(Context& ctx, const manifest::Manifest& m,
                             const manifest::Function& fn, int port, sandbox::DebugSettings& debug);

}  // namespace fstage::cli
