// SPDX-License-Identifier: Apache-2.0
// Where the expression parser (expression.hpp, the engine's own) plugs into the validator:
// each JsonPath, argument and Switch condition of a definition is parsed here, and a syntax
// error is reported at its exact column: the node's content_column (where the text starts
// after a quote) plus the parser's offset in characters; at the node itself when the column
// is unknown (a block scalar, an escape before the problem).
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/flow/expression.hpp>

#include "load_internal.hpp"

namespace fstage::flow::detail {

namespace {

template <typename T>
std::optional<SyntaxError> error_of(const tl::expected<T, SyntaxError>& r) {
  return r ? std::nullopt : std::optional<SyntaxError>(r.error());
}

}  // namespace

void check_expression_syntax(Checker& c, const YamlNode& n, std::string_view path,
                             ExpressionKind kind) {
  if (!n.is_scalar()) {
    return;
  }
  std::optional<SyntaxError> err;
  switch (kind) {
    case ExpressionKind::path:
      err = error_of(parse_path(n.value));
      break;
    case ExpressionKind::target: {
      auto p = parse_path(n.value);
      err = error_of(p);
      if (p &&
          (p->constants || std::any_of(p->steps.begin(), p->steps.end(), [](const PathStep& s) {
             return s.kind == PathStep::Kind::wildcard;
           }))) {
        c.error(n, std::string(path) + ": " + quote(n.value) + " is not a place to write to",
                "a path of keys and indexes under $, e.g. $.result (not $CONST or [*])");
        return;
      }
      break;
    }
    case ExpressionKind::argument:
      err = error_of(parse_argument(n.value));
      break;
    case ExpressionKind::condition:
      err = error_of(parse_condition(n.value));
      break;
  }
  if (!err) {
    return;
  }
  const int column =
      n.content_column > 0 ? n.content_column + static_cast<int>(err->offset) : n.column;
  c.error_at(n.line, column, std::string(path) + ": " + quote(n.value) + ": " + err->message,
             err->expected);
}

}  // namespace fstage::flow::detail
