// SPDX-License-Identifier: Apache-2.0
// The JsonPath subset the platform's flows write, the "<path> | <fallback>" of an argument and
// the "<path> <op> <value>" of a Switch condition: one hand-written scanner, so every error
// names the exact character (0-based, counted in characters, not bytes) and what would have
// been accepted there.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fstage/flow/expression.hpp>

namespace fstage::flow {
namespace {

// Characters, not bytes, before `byte_offset`: a column in an editor.
std::size_t char_offset(std::string_view text, std::size_t byte_offset) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

// A dotted key: letters, digits, '_', '-', '$' and any non-ASCII character (a Chinese key
// needs no quotes, as on the console).
bool is_key_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '$' || u >= 0x80;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  std::size_t pos() const { return m_pos; }
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
  bool starts_with(std::string_view s) const { return m_text.substr(m_pos).starts_with(s); }
  void advance(std::size_t n = 1) { m_pos += n; }
  void skip_spaces() {
    while (!at_end() && is_space(m_text[m_pos])) {
      ++m_pos;
    }
  }
  std::string_view slice(std::size_t from) const { return m_text.substr(from, m_pos - from); }

  tl::unexpected<SyntaxError> error(std::string message, std::string expected) const {
    return error_at(m_pos, std::move(message), std::move(expected));
  }
  tl::unexpected<SyntaxError> error_at(std::size_t at, std::string message,
                                       std::string expected) const {
    return tl::unexpected(
        SyntaxError{std::move(message), std::move(expected), char_offset(m_text, at)});
  }
  // What stands at the current position, for a message: "'x'" or "the end".
  std::string found() const {
    if (at_end()) {
      return "the end";
    }
    std::size_t n = 1;
    auto u = static_cast<unsigned char>(m_text[m_pos]);
    if (u >= 0xF0) {
      n = 4;
    } else if (u >= 0xE0) {
      n = 3;
    } else if (u >= 0xC0) {
      n = 2;
    }
    return "'" + std::string(m_text.substr(m_pos, n)) + "'";
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

// 'text' or "text", with \\ and \' (\") as the only escapes. At the opening quote.
tl::expected<std::string, SyntaxError> scan_quoted(Scanner& s) {
  char quote = s.peek();
  std::size_t open = s.pos();
  s.advance();
  std::string out;
  while (!s.at_end()) {
    char c = s.peek();
    if (c == quote) {
      s.advance();
      return out;
    }
    if (c == '\\') {
      s.advance();
      if (s.peek() != quote && s.peek() != '\\') {
        return s.error(std::string("unknown escape in a quoted string"),
                       std::string("\\\\ or \\") + quote);
      }
    }
    out.push_back(s.peek());
    s.advance();
  }
  return s.error_at(open, "unterminated quoted string", std::string("a closing ") + quote);
}

// An integer index: "-"? digits. At its first character.
tl::expected<long, SyntaxError> scan_index(Scanner& s) {
  std::size_t start = s.pos();
  if (s.peek() == '-') {
    s.advance();
  }
  std::size_t digits = s.pos();
  while (s.peek() >= '0' && s.peek() <= '9') {
    s.advance();
  }
  if (s.pos() == digits) {
    return s.error("expected an array index, found " + s.found(),
                   "a whole number, '*' or a quoted key");
  }
  long v = 0;
  auto text = s.slice(start);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return s.error_at(start, "array index out of range", "a smaller index");
  }
  return v;
}

// One bracketed step, at '['.
tl::expected<PathStep, SyntaxError> scan_bracket(Scanner& s) {
  s.advance();  // '['
  s.skip_spaces();
  PathStep step;
  char c = s.peek();
  if (c == '*') {
    s.advance();
    step.kind = PathStep::Kind::wildcard;
  } else if (c == '\'' || c == '"') {
    auto key = scan_quoted(s);
    if (!key) {
      return tl::unexpected(key.error());
    }
    step.kind = PathStep::Kind::key;
    step.key = std::move(*key);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    auto index = scan_index(s);
    if (!index) {
      return tl::unexpected(index.error());
    }
    step.kind = PathStep::Kind::index;
    step.index = *index;
  } else {
    return s.error("expected an index, '*' or a quoted key after '[', found " + s.found(),
                   "a whole number, '*' or a quoted key such as ['a b']");
  }
  s.skip_spaces();
  if (s.peek() != ']') {
    return s.error("expected ']', found " + s.found(), "']'");
  }
  s.advance();
  return step;
}

bool word_at(const Scanner& s, std::string_view word) {
  if (!s.starts_with(word)) {
    return false;
  }
  Scanner t = s;
  t.advance(word.size());
  return t.at_end() || !is_key_char(t.peek());
}

// A path from the current position up to the first character that cannot continue it.
tl::expected<JsonPath, SyntaxError> scan_path(Scanner& s) {
  JsonPath path;
  std::size_t start = s.pos();
  if (s.peek() != '$') {
    return s.error("a JsonPath starts with '$', found " + s.found(), "'$' or '$CONST'");
  }
  s.advance();
  if (word_at(s, "CONST")) {
    s.advance(5);
    path.constants = true;
  } else if (is_key_char(s.peek())) {
    return s.error("expected '.' or '[' after '$', found " + s.found(),
                   "'.', '[' or '$CONST' (constants are read as $CONST.name)");
  }
  while (!s.at_end()) {
    char c = s.peek();
    if (c == '.') {
      s.advance();
      if (s.peek() == '*') {
        s.advance();
        path.steps.push_back(PathStep{PathStep::Kind::wildcard, {}, 0});
        continue;
      }
      if (s.peek() == '.') {
        return s.error("recursive descent '..' is not supported", "a key after '.'");
      }
      std::size_t key_start = s.pos();
      while (!s.at_end() && is_key_char(s.peek())) {
        s.advance();
      }
      if (s.pos() == key_start) {
        return s.error("expected a key after '.', found " + s.found(),
                       "a key (letters, digits, '_', '-'), '*' or ['quoted key']");
      }
      path.steps.push_back(PathStep{PathStep::Kind::key, std::string(s.slice(key_start)), 0});
    } else if (c == '[') {
      auto step = scan_bracket(s);
      if (!step) {
        return tl::unexpected(step.error());
      }
      path.steps.push_back(std::move(*step));
    } else {
      break;
    }
  }
  path.text = std::string(s.slice(start));
  return path;
}

// A JSON number as the platform's fallback writes it: -?digits(.digits)?([eE][+-]?digits)?
tl::expected<OrderedJson, SyntaxError> scan_number(Scanner& s) {
  std::size_t start = s.pos();
  if (s.peek() == '-') {
    s.advance();
  }
  auto digits = [&] {
    std::size_t from = s.pos();
    while (s.peek() >= '0' && s.peek() <= '9') {
      s.advance();
    }
    return s.pos() - from;
  };
  if (digits() == 0) {
    return s.error("expected a digit, found " + s.found(), "a digit");
  }
  bool integral = true;
  if (s.peek() == '.') {
    integral = false;
    s.advance();
    if (digits() == 0) {
      return s.error("expected a digit after '.', found " + s.found(), "a digit");
    }
  }
  if (s.peek() == 'e' || s.peek() == 'E') {
    integral = false;
    s.advance();
    if (s.peek() == '+' || s.peek() == '-') {
      s.advance();
    }
    if (digits() == 0) {
      return s.error("expected the exponent's digits, found " + s.found(), "a digit");
    }
  }
  std::string text(s.slice(start));
  if (integral) {
    long long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size()) {
      return OrderedJson(v);
    }
  }
  double d = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(d)) {
    return s.error_at(start, "number out of range", "a number a double can hold");
  }
  return OrderedJson(d);
}

// A literal: number, quoted string, true, false, and null when `allow_null`.
tl::expected<OrderedJson, SyntaxError> scan_literal(Scanner& s, bool allow_null,
                                                    const std::string& expected) {
  char c = s.peek();
  if (c == '\'' || c == '"') {
    auto str = scan_quoted(s);
    if (!str) {
      return tl::unexpected(str.error());
    }
    return OrderedJson(std::move(*str));
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    return scan_number(s);
  }
  if (word_at(s, "true")) {
    s.advance(4);
    return OrderedJson(true);
  }
  if (word_at(s, "false")) {
    s.advance(5);
    return OrderedJson(false);
  }
  if (allow_null && word_at(s, "null")) {
    s.advance(4);
    return OrderedJson(nullptr);
  }
  if (is_key_char(c)) {
    return s.error("a string must be single-quoted, found " + s.found(), expected);
  }
  return s.error("expected a value, found " + s.found(), expected);
}

tl::expected<void, SyntaxError> expect_end(Scanner& s, const std::string& what) {
  s.skip_spaces();
  if (!s.at_end()) {
    return s.error("unexpected " + s.found() + " after " + what, "the end of the expression");
  }
  return {};
}

// Nodes `step` selects from each of `in`.
void apply_step(const PathStep& step, const std::vector<const OrderedJson*>& in,
                std::vector<const OrderedJson*>& out) {
  for (const OrderedJson* node : in) {
    switch (step.kind) {
      case PathStep::Kind::key:
        if (node->is_object()) {
          auto it = node->find(step.key);
          if (it != node->end()) {
            out.push_back(&*it);
          }
        }
        break;
      case PathStep::Kind::index:
        if (node->is_array()) {
          long size = static_cast<long>(node->size());
          long i = step.index < 0 ? size + step.index : step.index;
          if (i >= 0 && i < size) {
            out.push_back(&(*node)[static_cast<std::size_t>(i)]);
          }
        }
        break;
      case PathStep::Kind::wildcard:
        if (node->is_array() || node->is_object()) {
          for (const auto& child : *node) {
            out.push_back(&child);
          }
        }
        break;
    }
  }
}

}  // namespace

tl::expected<JsonPath, SyntaxError> parse_path(std::string_view text) {
  Scanner s(text);
  s.skip_spaces();
  auto path = scan_path(s);
  if (!path) {
    return path;
  }
  if (!s.at_end() && !is_space(s.peek()) && s.peek() != '|') {
    return s.error("unexpected " + s.found() + " in a JsonPath", "'.', '[' or the end of the path");
  }
  s.skip_spaces();
  if (s.peek() == '|') {
    return s.error("a fallback ('| value') is allowed only in an action's arguments",
                   "the end of the path");
  }
  auto end = expect_end(s, "the path");
  if (!end) {
    return tl::unexpected(end.error());
  }
  return path;
}

tl::expected<ArgumentExpr, SyntaxError> parse_argument(std::string_view text) {
  Scanner s(text);
  s.skip_spaces();
  ArgumentExpr arg;
  auto path = scan_path(s);
  if (!path) {
    return tl::unexpected(path.error());
  }
  arg.path = std::move(*path);
  s.skip_spaces();
  if (s.at_end()) {
    return arg;
  }
  if (s.peek() != '|') {
    return s.error("unexpected " + s.found() + " after the path",
                   "'.', '[', '| fallback' or the end");
  }
  s.advance();
  s.skip_spaces();
  const std::string expected = "a number, a 'single-quoted string', true, false or a $CONST.path";
  if (s.at_end()) {
    return s.error("expected a fallback after '|'", expected);
  }
  if (s.peek() == '$') {
    auto fallback = scan_path(s);
    if (!fallback) {
      return tl::unexpected(fallback.error());
    }
    if (!fallback->constants) {
      return s.error_at(s.pos() - fallback->text.size(),
                        "a fallback path must read the constants ($CONST...), not the data",
                        expected);
    }
    arg.fallback_constant = std::move(*fallback);
  } else {
    auto literal = scan_literal(s, false, expected);
    if (!literal) {
      return tl::unexpected(literal.error());
    }
    arg.fallback = std::move(*literal);
  }
  auto end = expect_end(s, "the fallback");
  if (!end) {
    return tl::unexpected(end.error());
  }
  return arg;
}

tl::expected<ConditionExpr, SyntaxError> parse_condition(std::string_view text) {
  Scanner s(text);
  s.skip_spaces();
  ConditionExpr cond;
  auto path = scan_path(s);
  if (!path) {
    return tl::unexpected(path.error());
  }
  cond.path = std::move(*path);
  s.skip_spaces();
  static constexpr std::string_view k_ops[] = {"==", "!=", ">=", "<=", ">", "<"};
  for (auto op : k_ops) {
    if (s.starts_with(op)) {
      cond.op = std::string(op);
      break;
    }
  }
  if (cond.op.empty()) {
    std::string msg = s.at_end() ? "expected a comparison after the path"
                                 : "expected a comparison, found " + s.found();
    if (s.peek() == '=') {
      msg = "'=' is not a comparison";
    }
    return s.error(msg, "one of == != > >= < <=");
  }
  s.advance(cond.op.size());
  s.skip_spaces();
  const std::string expected = "a number, a 'single-quoted string', true, false or null";
  if (s.at_end()) {
    return s.error("expected a value after '" + cond.op + "'", expected);
  }
  auto value = scan_literal(s, true, expected);
  if (!value) {
    return tl::unexpected(value.error());
  }
  cond.value = std::move(*value);
  auto end = expect_end(s, "the value");
  if (!end) {
    return tl::unexpected(end.error());
  }
  return cond;
}

std::optional<OrderedJson> select(const JsonPath& path, const OrderedJson& data,
                                  const OrderedJson& constants) {
  const OrderedJson* root = path.constants ? &constants : &data;
  // The common case, no wildcard: walk one node, copy once at the end.
  const OrderedJson* node = root;
  std::size_t i = 0;
  for (; i < path.steps.size(); ++i) {
    const PathStep& step = path.steps[i];
    if (step.kind == PathStep::Kind::wildcard) {
      break;
    }
    std::vector<const OrderedJson*> out;
    apply_step(step, {node}, out);
    if (out.empty()) {
      return std::nullopt;
    }
    node = out.front();
  }
  if (i == path.steps.size()) {
    return *node;
  }
  // A wildcard: every match, flattened in document order, as an array (empty when none).
  std::vector<const OrderedJson*> nodes{node};
  for (; i < path.steps.size(); ++i) {
    std::vector<const OrderedJson*> out;
    apply_step(path.steps[i], nodes, out);
    nodes.swap(out);
  }
  OrderedJson result = OrderedJson::array();
  for (const OrderedJson* n : nodes) {
    result.push_back(*n);
  }
  return result;
}

std::optional<OrderedJson> evaluate(const ArgumentExpr& arg, const OrderedJson& data,
                                    const OrderedJson& constants) {
  if (auto v = select(arg.path, data, constants)) {
    return v;
  }
  if (arg.fallback) {
    return *arg.fallback;
  }
  if (arg.fallback_constant) {
    return select(*arg.fallback_constant, data, constants);
  }
  return std::nullopt;
}

bool holds(const ConditionExpr& cond, const OrderedJson& data, const OrderedJson& constants) {
  auto selected = select(cond.path, data, constants);
  const OrderedJson left = selected ? std::move(*selected) : OrderedJson(nullptr);
  const OrderedJson& right = cond.value;
  const std::string& op = cond.op;
  // nlohmann compares numbers by value across integer, unsigned and float (1 == 1.0), and two
  // integers exactly (no rounding through double beyond 2^53).
  if (op == "==" || op == "!=") {
    return (op == "==") == (left == right);
  }
  int order = 0;
  bool both_numbers = left.is_number() && right.is_number();
  if (both_numbers || (left.is_string() && right.is_string())) {
    order = left < right ? -1 : (right < left ? 1 : 0);
  } else {
    return false;
  }
  if (op == "<") {
    return order < 0;
  }
  if (op == "<=") {
    return order <= 0;
  }
  if (op == ">") {
    return order > 0;
  }
  return order >= 0;  // ">="
}

bool assign(const JsonPath& path, OrderedJson& data, OrderedJson value) {
  if (path.constants) {
    return false;
  }
  OrderedJson* node = &data;
  for (const PathStep& step : path.steps) {
    switch (step.kind) {
      case PathStep::Kind::key:
        if (node->is_null()) {
          *node = OrderedJson::object();
        }
        if (!node->is_object()) {
          return false;
        }
        node = &(*node)[step.key];
        break;
      case PathStep::Kind::index: {
        if (!node->is_array()) {
          return false;
        }
        long size = static_cast<long>(node->size());
        long at = step.index < 0 ? size + step.index : step.index;
        if (at < 0 || at >= size) {
          return false;
        }
        node = &(*node)[static_cast<std::size_t>(at)];
        break;
      }
      case PathStep::Kind::wildcard:
        return false;
    }
  }
  *node = std::move(value);
  return true;
}

}  // namespace fstage::flow
