// SPDX-License-Identifier: Apache-2.0
// The manifest's `flows:` read into Definitions and checked: every problem a Diagnostic at
// file:line:column (the manifest, or the definition's own .json/.yaml file).
#pragma once

#include <cstddef>
#include <string>
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

// One flow of the manifest, read and validated: the flow in `flows` when it has no errors.
FlowSet load_flow_source(const manifest::Manifest& m, const manifest::FlowSource& source);

// A definition given as text (JSON or YAML), as if it were the file `origin` of flow `name`
// in `m`: for tests, and for tools that hold a definition in memory.
FlowSet load_definition_text(const manifest::Manifest& m, std::string_view name,
                             std::string_view text, std::string_view origin);

// not_found for a flow name the manifest does not have: "did you mean" and the flows it has.
Error unknown_flow(const manifest::Manifest& m, std::string_view name);

// The most of a definition file fstage reads: 100 states of 100 functions are far smaller.
inline constexpr std::size_t k_max_definition_bytes = std::size_t{4} << 20;

}  // namespace fstage::flow
