// SPDX-License-Identifier: Apache-2.0
// Flow definitions for the loader's tests: one manifest with three functions, a definition
// placed inline in it or in flows/<name>.json, and positions marked in the text with «.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <fstage/flow/load.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

namespace fstage::test {

// Lines 1-5 of every test manifest.
inline const std::string k_flow_manifest_head =
    "name: shop\n"
    "functions:\n"
    "  orders: {runtime: python3.10, handler: index.handler}\n"
    "  billing: {runtime: python3.10, handler: index.handler}\n"
    "  notify: {runtime: python3.10, handler: index.handler}\n";
inline constexpr int k_flow_manifest_lines = 5;

// `text` without its « marker, and the 1-based line:column where the marker was.
struct Marked {
  std::string text;
  int line = 0;
  int column = 0;
};

inline Marked unmark(const std::string& text) {
  static const std::string marker = "«";
  Marked m;
  auto at = text.find(marker);
  m.text = text;
  if (at == std::string::npos) {
    return m;
  }
  m.text.erase(at, marker.size());
  m.line = 1;
  m.column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++m.column;
    }
  }
  return m;
}

inline std::string indent(const std::string& text, int by) {
  std::string pad(static_cast<std::size_t>(by), ' ');
  std::string out = pad;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\n' && i + 1 < text.size()) {
      out += pad;
    }
  }
  return out;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A rich flow: retries, on_errors, parallel actions, Switch/Parallel/Foreach, a day's Sleep.
inline const std::string k_rich_flow = R"({
  "description": "every kind of state",
  "start": "validate",
  "mode": "EXPRESS",
  "express_config": {"log_level": "ALL"},
  "triggers": [{"trigger_name": "nightly", "trigger_type": "FLOWTIMER", "enabled": true,
                "trigger_config": {"schedule": "0 0 * * *", "input": {"a": 1}}}],
  "functions": [
    {"name": "check", "operation": "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:orders:latest"},
    {"name": "bill", "operation": "billing", "metadata": {"team": "pay"}},
    {"name": "tell", "operation": "notify"}
  ],
  "constants": {"currency": "EUR", "limits": {"max": 10}},
  "retries": [{"name": "twice", "delay": 30, "max_attempts": 8}, {"name": "fast"}],
  "states": [
    {"id": "validate", "type": "Operation", "action_mode": "parallel",
     "actions": [
       {"function_ref": {"ref_name": "check", "invoke_mode": "synchronize",
                         "arguments": {"order": "$.order", "cur": "$CONST.currency", "n": "$.n | 3"}}},
       {"function_ref": {"ref_name": "tell"}}
     ],
     "on_errors": [{"error": "*", "retry_ref": "twice", "transition": "compensate"}],
     "state_data_filter": {"input": "$.payload", "output": "$.result"},
     "transition": "route"},
    {"id": "route", "type": "Switch",
     "conditions": [{"condition": "$.total >= 100", "transition": "big"},
                    {"condition": "$.kind == 'gift'", "transition": "each"}],
     "default": "wait"},
    {"id": "big", "type": "Parallel", "completion": "one", "result_key": "bills",
     "branches": [
       {"start": "b1", "states": [{"id": "b1", "type": "Operation", "end": true,
                                   "actions": [{"function_ref": {"ref_name": "bill"}}]}]},
       {"start": "s", "states": [{"id": "s", "type": "Sleep", "duration": 1, "transition": "e"},
                                 {"id": "e", "type": "End"}]}
     ],
     "transition": "done"},
    {"id": "each", "type": "Foreach", "items_path": "$.items", "iteration_variable": "line",
     "result_path": "$.lines", "concurrency": 4,
     "iterator": {"start": "one", "states": [
       {"id": "one", "type": "Operation", "end": true,
        "actions": [{"function_ref": {"ref_name": "bill", "arguments": {"line": "$.line"}}}],
        "on_errors": [{"error": "BillError", "retry_ref": "fast"}]}]},
     "transition": "done"},
    {"id": "wait", "type": "Sleep", "duration": 86400, "transition": "done"},
    {"id": "compensate", "type": "Operation", "transition": "done",
     "actions": [{"function_ref": {"ref_name": "tell"}}]},
    {"id": "done", "type": "End"}
  ]
})";

// A project in `dir` whose flow `name` is `definition` (JSON or YAML text): inline in the
// manifest (4 columns in, from line k_flow_manifest_lines + 3), or in flows/<name>.json.
struct FlowProject {
  Scratch scratch;
  manifest::Validation manifest;
  flow::FlowSet flows;

  // `functions`: more functions (manifest lines) after the three of k_flow_manifest_head.
  FlowProject(const std::string& definition, bool inline_, const std::string& name = "f",
              const std::string& functions = "") {
    const auto root = scratch.path();
    write_text(root / "index.py", "def handler(event, context):\n    return {}\n");
    std::string text = k_flow_manifest_head + functions + "flows:\n";
    if (inline_) {
      text += "  " + name + ":\n" + indent(definition, 4) + "\n";
    } else {
      text += "  " + name + ": {definition: flows/" + name + ".json}\n";
      write_text(root / "flows" / (name + ".json"), definition);
    }
    write_text(root / "fstage.yaml", text);
    manifest = manifest::validate_file(root / "fstage.yaml", "fstage.yaml");
    if (manifest.manifest) {
      flows = flow::load_flows(*manifest.manifest);
    }
  }

  std::string errors() const {
    std::string out;
    for (const auto& d : manifest.errors) {
      out += "manifest: " + d.str() + "\n";
    }
    for (const auto& d : flows.errors) {
      out += d.str() + "\n";
    }
    return out;
  }
};

}  // namespace fstage::test
