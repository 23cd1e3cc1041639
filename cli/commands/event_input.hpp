// SPDX-License-Identifier: Apache-2.0
// The event a command sends a function, from `-e FILE` or `-e -` (stdin): `invoke` and
// `remote invoke` read it the same way.
#pragma once

#include <string>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>

namespace fstage::cli {

// The text of `file` ("-" for stdin), read no further than the platform's limit for a
// synchronous request body (6 MB: ErrorCode::limit past it, before anything runs), with an
// editor's UTF-8 BOM dropped (Node.js's JSON.parse refuses one). The JSON is not checked here.
// Errors: limit, not_found, io, invalid_input (a directory).
Expected<std::string> read_event_input(const Context& ctx, const std::string& file);

}  // namespace fstage::cli
