// SPDX-License-Identifier: Apache-2.0
// `fstage flow`: function flows run, tested, validated and drawn locally, and the executions
// `fstage serve` kept.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "flow_common.hpp"

namespace fstage::cli {

void register_flow(CLI::App& app, Context& ctx) {
  auto* flow = app.add_subcommand(
      "flow", "Function flows: run, test, validate and draw them; the executions serve kept");
  flow->require_subcommand(1);
  register_flow_validate(*flow, ctx);
  register_flow_run(*flow, ctx);
  register_flow_test(*flow, ctx);
  register_flow_graph(*flow, ctx);
  register_flow_executions(*flow, ctx);
}

}  // namespace fstage::cli
