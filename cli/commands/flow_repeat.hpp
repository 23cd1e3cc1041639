// SPDX-License-Identifier: Apache-2.0
// `fstage flow run --repeat N`: what the engine costs around warm functions, measured in one
// process against an honest baseline. The flow runs once to warm every instance, its
// invocations recorded; then N rounds each run the flow again and replay the same invocations
// (same functions, events and headers) back to back through the same Invoker and warm
// instances, without the engine. The difference is the engine's: state machine, JsonPath,
// filters, the record it keeps. bench/flow prints it.
#pragma once

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/model.hpp>

namespace fstage::cli {

struct RepeatReport {
  flow::Execution last;  // the last round's execution
  OrderedJson summary = OrderedJson::object();
};

// Runs `def` 1 + `rounds` times as described above. The flow's failure in any round is the
// last execution's status; errors only as flow::run gives them.
Expected<RepeatReport> repeat_flow(const flow::Definition& def, flow::Invoker& invoker,
                                   const flow::RunOptions& options, int rounds);

// The report's figures as one line for people (stderr).
std::string repeat_summary_line(const OrderedJson& summary);

}  // namespace fstage::cli
