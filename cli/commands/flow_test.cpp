// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>

#include "flow_common.hpp"

namespace fstage::cli {

// Registers nothing yet: the command is being built on its own branch.
void register_flow_test(CLI::App& /*flow*/, Context& /*ctx*/) {}

}  // namespace fstage::cli
