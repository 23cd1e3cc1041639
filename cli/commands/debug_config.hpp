// SPDX-License-Identifier: Apache-2.0
#pragma once

// `fstage debug-config vscode`: VS Code attach configurations for the functions' debug
// sessions (invoke --debug-port, serve --debug), one per function, each on its own port.

#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::cli {

// One function's attach configuration.
struct DebugTarget {
  const manifest::Function* function = nullptr;
  int port = 0;
};

// The ports: each runtime's customary one (debugpy 5678, inspector 9229, JDWP 5005, Delve
// 2345), counted up for the second function of the same runtime, and so on, in manifest order.
// Functions without a debugger (custom, HTTP) are left out.
std::vector<DebugTarget> debug_targets(const manifest::Manifest& m);

// The launch.json "configurations" entry for `t`. Paths are relative to ${workspaceFolder},
// the project root (where .vscode/ goes).
OrderedJson vscode_configuration(const DebugTarget& t);

// `existing` (launch.json's text, "" when there is none) with `configs` merged in: an entry of
// the same name is replaced where it stands, new ones are appended, everything else is kept.
// Errors: invalid_input (not JSON, e.g. with comments, which VS Code allows but fstage cannot
// keep: `origin`:line:column).
Expected<OrderedJson> merge_launch_json(std::string_view existing, const OrderedJson& configs,
                                        std::string_view origin);

}  // namespace fstage::cli
