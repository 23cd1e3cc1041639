// SPDX-License-Identifier: Apache-2.0
// The debuggers fstage knows, and the parsing of the ports the CLI is given.
#include <fstage/sandbox/debug.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "debug_session.hpp"

namespace fstage::sandbox {

namespace {

// The customary ports: debugpy's examples, Node's inspector, JDWP's convention, Delve's.
constexpr DebuggerInfo k_python{"python", "debugpy", "DAP", "debugpy", 5678};
constexpr DebuggerInfo k_node{"nodejs", "inspector", "CDP", "node", 9229};
constexpr DebuggerInfo k_java{"java", "jdwp", "JDWP", "java", 5005};
constexpr DebuggerInfo k_go{"go", "delve", "Delve API v2", "go", 2345};

}  // namespace

const DebuggerInfo* debugger_for(manifest::Language language) {
  switch (language) {
    case manifest::Language::python:
      return &k_python;
    case manifest::Language::nodejs:
      return &k_node;
    case manifest::Language::java:
      return &k_java;
    case manifest::Language::go:
      return &k_go;
    default:
      return nullptr;
  }
}

Expected<int> parse_debug_port(std::string_view text) {
  long value = 0;
  bool ok = !text.empty() && text.size() <= 5;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    value = value * 10 + (c - '0');
  }
  if (!ok || value < 1 || value > 65535) {
    return fail(ErrorCode::usage, "debug port " + std::string(text) + " is not a port (1-65535)",
                "e.g. --debug-port 5678");
  }
  return static_cast<int>(value);
}

Expected<std::pair<std::string, int>> parse_debug_target(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  std::string_view name = colon == std::string_view::npos ? text : text.substr(0, colon);
  if (name.empty()) {
    return fail(ErrorCode::usage,
                "--debug names a function: FUNC or FUNC:PORT, not " + std::string(text),
                "e.g. --debug hello:5678");
  }
  int port = 0;
  if (colon != std::string_view::npos) {
    auto p = parse_debug_port(text.substr(colon + 1));
    if (!p) {
      Error e = std::move(p).error();
      e.hint = "e.g. --debug " + std::string(name) + ":5678";
      return fail(std::move(e));
    }
    port = *p;
  }
  return std::pair<std::string, int>(std::string(name), port);
}

std::pair<std::string, std::string> debug_path_mapping(const DebuggerInfo& info,
                                                       const DebugSettings& settings) {
  if (info.runtime == "go") {
    // The debug build is made in the source directory without -trimpath: its DWARF names
    // the host's files, so Delve needs no mapping.
    return {settings.source_dir.string(), settings.source_dir.string()};
  }
  return {settings.source_dir.string(), std::string(k_code_root)};
}

std::string debug_listening_line(const DebuggerInfo& info, const DebugSettings& settings) {
  return detail::debug_listening_line(info, settings, k_code_root);
}

std::string detail::debug_listening_line(const DebuggerInfo& info, const DebugSettings& settings,
                                         std::string_view sandbox_root) {
  auto [host, inside] = debug_path_mapping(info, settings);
  if (info.runtime != "go") {
    inside = std::string(sandbox_root);
  }
  return "debugger listening on 127.0.0.1:" + std::to_string(settings.port) + " (" +
         std::string(info.runtime) + "/" + std::string(info.debugger) + "); path mapping " + host +
         " -> " + inside + "; the function's timeout is suspended while debugging";
}

}  // namespace fstage::sandbox
