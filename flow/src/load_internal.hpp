// SPDX-License-Identifier: Apache-2.0
// Between the loader's files: parse.cpp and parse_states.cpp walk the YAML tree into a
// Definition (shapes, types, enums, ranges, limits), validate.cpp checks what relates one part
// to another (references, reachability, cycles, the manifest's functions).
#pragma once

#include <string>
#include <string_view>

#include <fstage/flow/model.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/yaml_tree.hpp>

namespace fstage::flow::detail {

using manifest::detail::Checker;
using manifest::detail::YamlNode;

// The platform's limits (FLOW.md §2) and the console's bounds (§4).
inline constexpr std::size_t k_max_states = 100;
inline constexpr std::size_t k_max_functions = 100;
inline constexpr std::size_t k_max_triggers = 200;
inline constexpr std::size_t k_max_retries = 200;
inline constexpr std::size_t k_max_description = 512;
inline constexpr std::int64_t k_max_sleep_seconds = 86400;
inline constexpr std::size_t k_max_conditions = 19;
inline constexpr std::size_t k_max_branches = 20;
inline constexpr std::int64_t k_max_concurrency = 100;

// The definition at `root` (a mapping) as a Definition named `name`; every problem of shape
// reported to `c`. Cross-references are left to validate_definition.
Definition parse_definition(Checker& c, const YamlNode& root, const std::string& name);

// `states`, a list of state mappings (parse_states.cpp); `path` names it in messages.
std::vector<State> parse_states(Checker& c, const YamlNode& list, const std::string& path);

// A node's position as a Location of the checker's file.
Location at(const Checker& c, const YamlNode& n);

// A string field: scalars as written, an empty value as "". Reports lists and mappings.
std::optional<std::string> string_field(Checker& c, const YamlNode& n, std::string_view path,
                                        std::string_view expected);

// Everything a Definition's parts say about each other: unique names, known references,
// reachability, cycles, End/transition rules, and (when `m` is given) that each function
// exists in the manifest.
void validate_definition(Checker& c, const Definition& d, const manifest::Manifest* m);

// What is declared and never used (a function no action calls, a retry no on_errors names):
// not wrong, most likely a leftover or a typo elsewhere.
std::vector<Diagnostic> unused_declarations(const Definition& d);

// The expression kinds a definition holds (expression.hpp parses them): a JsonPath to read,
// one to write (Foreach's result_path: keys and indexes under $), an argument, a condition.
enum class ExpressionKind { path, target, argument, condition };

// Checks the expression in the scalar `n` and reports a syntax error at its exact column:
// the node's content_column plus the parser's offset (the node itself when the column is
// unknown). The one place the expression parser plugs into the validator.
void check_expression_syntax(Checker& c, const YamlNode& n, std::string_view path,
                             ExpressionKind kind);

}  // namespace fstage::flow::detail
