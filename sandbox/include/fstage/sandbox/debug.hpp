// SPDX-License-Identifier: Apache-2.0
// Debug sessions: a function started under its runtime's standard debugger, inside the same
// sandbox, with one TCP port forwarded from the host's 127.0.0.1 into the sandbox's network.
// The debuggers (issue 21):
//   Python   debugpy (Debug Adapter Protocol)     python -m debugpy --listen --wait-for-client
//   Node.js  the V8 inspector (CDP)               node --inspect-brk
//   Java     JDWP                                 -agentlib:jdwp=...,server=y,suspend=y
//   Go       Delve headless (its JSON-RPC API v2) dlv exec --headless (a -N -l build)
// Each waits for a client before the function's code runs, so that breakpoints set on attach
// are in place for the first invocation.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fstage/base/error.hpp>
#include <fstage/manifest/runtimes.hpp>

namespace fstage::sandbox {

// What one runtime's debugger is, for messages and editor configurations.
struct DebuggerInfo {
  std::string_view runtime;      // "python"
  std::string_view debugger;     // "debugpy"
  std::string_view protocol;     // "DAP"
  std::string_view vscode_type;  // launch.json "type": "debugpy", "node", "java", "go"
  int default_port = 0;          // the debugger's customary port
};

// Null for runtimes fstage cannot debug (custom and HTTP functions start their own servers:
// their bootstrap can start a debugger itself).
const DebuggerInfo* debugger_for(manifest::Language language);

// A port given on the command line: 1..65535. Errors: usage.
Expected<int> parse_debug_port(std::string_view text);

// `FUNC[:PORT]` (serve --debug): the function's name and the port, 0 when not given.
// Errors: usage.
Expected<std::pair<std::string, int>> parse_debug_target(std::string_view text);

// A debug session asked of FunctionRunner (RunnerOptions::debug).
struct DebugSettings {
  int port = 0;  // 0: no debugger. The host's 127.0.0.1:port, and the debugger's port inside
  // The directory the developer edits, shown as the host side of the path mapping (the
  // function's code directory; the built tree is bound at k_code_root).
  std::filesystem::path source_dir;
  // Go: the debug build of the handler (built with -gcflags=all=-N -l, without -trimpath,
  // so that its DWARF names the host's source files). Required for Go.
  std::filesystem::path go_binary;
  // Told once the debugger's port can be connected to: the line to print ("debugger
  // listening on 127.0.0.1:PORT (python/debugpy); path mapping HOST -> SANDBOX").
  std::function<void(const std::string&)> on_listening;
};

// The host side of the path mapping and the sandbox side, for `info`'s runtime: the code
// directory ↔ k_code_root; for Go, the host's own paths (the debug build records them).
std::pair<std::string, std::string> debug_path_mapping(const DebuggerInfo& info,
                                                       const DebugSettings& settings);

// The line DebugSettings::on_listening receives.
std::string debug_listening_line(const DebuggerInfo& info, const DebugSettings& settings);

}  // namespace fstage::sandbox
