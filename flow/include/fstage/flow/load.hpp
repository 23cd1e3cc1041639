// SPDX-License-Identifier: Apache-2.0
// The manifest's `flows:` read into Definitions and checked: every problem a Diagnostic at
// file:line:column (the manifest, or the definition's own .json/.yaml file).
#pragma once

#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/flow/model.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::flow {

struct FlowSet {
  std::vector<Definition> flows;  // those without errors, in manifest order
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

// Every flow of `m` (inline or from its definition file), parsed and validated against the
// model, the platform's limits and the manifest's functions. Never throws.
FlowSet load_flows(const manifest::Manifest& m);

// One flow by name: not_found (with "did you mean" and the list) when the manifest has none of
// that name, invalid_input with every diagnostic when it does not validate.
Expected<Definition> load_flow(const manifest::Manifest& m, std::string_view name);

// The flows' names, in manifest order, without reading their definitions (completion, list).
std::vector<std::string> flow_names(const manifest::Manifest& m);

}  // namespace fstage::flow
