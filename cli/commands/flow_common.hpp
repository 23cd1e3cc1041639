// SPDX-License-Identifier: Apache-2.0
#pragma once

// `fstage flow ...`: the group (flow.cpp) and one register function per file of its
// subcommands, each given the group to add itself to.

namespace CLI {
class App;
}

namespace fstage::cli {

struct Context;

void register_flow_validate(CLI::App& flow, Context& ctx);  // validate, list (flow_validate.cpp)
void register_flow_run(CLI::App& flow, Context& ctx);       // run (flow_run.cpp)
void register_flow_test(CLI::App& flow, Context& ctx);      // test (flow_test.cpp)
void register_flow_graph(CLI::App& flow, Context& ctx);     // graph (flow_graph.cpp)

}  // namespace fstage::cli
