// SPDX-License-Identifier: Apache-2.0
// Where the expression parser (expression.hpp) plugs into the validator: each JsonPath,
// argument and Switch condition of a definition is checked here, and a syntax error is
// reported at its exact column (the node's content_column + the parser's offset).
//
// NOT YET CHECKED: flow/src/expression.cpp (parse_path, parse_argument, parse_condition) is
// being written on another branch; until it is merged, expressions pass unchecked here.
#include "load_internal.hpp"

namespace fstage::flow::detail {

void check_expression_syntax(Checker& /*c*/, const YamlNode& /*n*/, std::string_view /*path*/,
                             ExpressionKind /*kind*/) {}

}  // namespace fstage::flow::detail
