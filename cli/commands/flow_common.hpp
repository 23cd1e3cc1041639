// SPDX-License-Identifier: Apache-2.0
#pragma once

// `fstage flow ...`: the group (flow.cpp) and one register function per file of its
// subcommands, each given the group to add itself to; what they share (flow_validate.cpp).

#include <string>

#include <fstage/base/error.hpp>
#include <fstage/flow/model.hpp>
#include <fstage/manifest/manifest.hpp>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace fstage::cli {

struct Context;

void register_flow_validate(CLI::App& flow, Context& ctx);  // validate, list (flow_validate.cpp)
void register_flow_run(CLI::App& flow, Context& ctx);       // run (flow_run.cpp)
void register_flow_test(CLI::App& flow, Context& ctx);      // test (flow_test.cpp)
void register_flow_graph(CLI::App& flow, Context& ctx);     // graph (flow_graph.cpp)
// executions, history: what serve kept (flow_executions.cpp)
void register_flow_executions(CLI::App& flow, Context& ctx);

// The FLOW positional of a flow command: `name` (e.g. "flow") bound to `value`, typed FLOW so
// that shell completion offers the manifest's flow names (`fstage __complete flows`). Chain
// ->required() when the command needs one.
CLI::Option* add_flow_argument(CLI::App* cmd, std::string& value, const std::string& name,
                               const std::string& description);

// A flow ready to run: the manifest (-f FILE, or the nearest fstage.yaml) and the flow `name`
// in it, loaded and validated. Prints the manifest's and the flow's warnings. Errors:
// not_found (no manifest; no such flow, with "did you mean"), invalid_input (the manifest or
// the flow does not validate: every diagnostic as a detail line).
struct LoadedFlow {
  manifest::Manifest manifest;
  flow::Definition definition;
};
Expected<LoadedFlow> load_flow_for_command(Context& ctx, const std::string& manifest_file,
                                           const std::string& name);

}  // namespace fstage::cli
