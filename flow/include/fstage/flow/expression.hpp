// SPDX-License-Identifier: Apache-2.0
// The expressions a flow definition holds: JsonPath ($.a.b[0], $CONST.x), an action's argument
// ("<JsonPath> | <fallback>"), a Switch condition ("<JsonPath> <op> <value>"). One parser for
// the validator (syntax, with the offset of the problem) and the engine (evaluation).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include <fstage/base/json.hpp>

namespace fstage::flow {

// A problem in an expression: what is wrong, what was expected, and where (0-based offset in
// characters from the start of the expression, for a column in the file).
struct SyntaxError {
  std::string message;
  std::string expected;
  std::size_t offset = 0;
};

struct PathStep {
  enum class Kind { key, index, wildcard };
  Kind kind = Kind::key;
  std::string key;
  long index = 0;  // negative counts from the end
};

struct JsonPath {
  bool constants = false;  // $CONST...: reads the definition's `constants`
  std::vector<PathStep> steps;
  std::string text;  // as written

  bool is_root() const { return !constants && steps.empty(); }
};

tl::expected<JsonPath, SyntaxError> parse_path(std::string_view text);

struct ArgumentExpr {
  JsonPath path;
  std::optional<OrderedJson> fallback;        // a literal: number, 'string', true/false
  std::optional<JsonPath> fallback_constant;  // $CONST.path
};

tl::expected<ArgumentExpr, SyntaxError> parse_argument(std::string_view text);

struct ConditionExpr {
  JsonPath path;
  std::string op;  // == != > >= < <=
  OrderedJson value;
};

tl::expected<ConditionExpr, SyntaxError> parse_condition(std::string_view text);

// What `path` selects in `data` (or in `constants` for $CONST paths); nullopt when nothing.
// A wildcard step selects an array of the matches.
std::optional<OrderedJson> select(const JsonPath& path, const OrderedJson& data,
                                  const OrderedJson& constants);

// An argument's value: what its path selects, else its fallback (a literal or a constant);
// nullopt when neither gives anything (the engine then omits the key: flow/SEMANTICS.md).
std::optional<OrderedJson> evaluate(const ArgumentExpr& arg, const OrderedJson& data,
                                    const OrderedJson& constants);

// Whether a Switch condition holds for `data` (flow/SEMANTICS.md): == and != compare JSON
// values (numbers by value, 1 == 1.0; no string/number coercion); < <= > >= compare two numbers
// or two strings (byte order) and are false for anything else; a path that selects nothing
// reads as null.
bool holds(const ConditionExpr& cond, const OrderedJson& data, const OrderedJson& constants);

// Writes `value` at `path` in `data`, making the objects on the way ($.a.b on {} gives
// {"a":{"b":value}}). False, and `data` unchanged, for what cannot be written: $CONST, a
// wildcard, an index out of range, a key into a non-object.
bool assign(const JsonPath& path, OrderedJson& data, OrderedJson value);

}  // namespace fstage::flow
