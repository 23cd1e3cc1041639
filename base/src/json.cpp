// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <string>

#include <fstage/base/json.hpp>

namespace fstage {

TextPos position_of(std::string_view text, std::size_t offset) {
  TextPos pos;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

bool strip_bom(std::string& text) {
  if (!text.starts_with("\xEF\xBB\xBF")) {
    return false;
  }
  text.erase(0, 3);
  return true;
}

namespace {

// nlohmann's DOM builder with a depth limit, and parse errors recorded with their offset
// instead of thrown: a number no double holds ("1e400") is an out_of_range exception without a
// position when thrown, but reaches a SAX handler with one.
template <typename J>
class BoundedSax {
 public:
  using number_integer_t = typename J::number_integer_t;
  using number_unsigned_t = typename J::number_unsigned_t;
  using number_float_t = typename J::number_float_t;
  using string_t = typename J::string_t;
  using binary_t = typename J::binary_t;

  explicit BoundedSax(J& root) : m_dom(root, false) {}

  bool null() { return m_dom.null(); }
  bool boolean(bool v) { return m_dom.boolean(v); }
  bool number_integer(number_integer_t v) { return m_dom.number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return m_dom.number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) { return m_dom.number_float(v, s); }
  bool string(string_t& v) { return m_dom.string(v); }
  bool binary(binary_t& v) { return m_dom.binary(v); }
  bool key(string_t& v) { return m_dom.key(v); }
  bool start_object(std::size_t n) { return deeper() && m_dom.start_object(n); }
  bool end_object() {
    --m_depth;
    return m_dom.end_object();
  }
  bool start_array(std::size_t n) { return deeper() && m_dom.start_array(n); }
  bool end_array() {
    --m_depth;
    return m_dom.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    m_failed = true;
    m_position = position;
    m_token_size = last_token.size();
    m_error_id = ex.id;
    m_what = ex.what();
    return false;
  }

  bool too_deep() const { return m_too_deep; }
  bool failed() const { return m_failed; }
  std::size_t position() const { return m_position; }
  std::size_t token_size() const { return m_token_size; }
  int error_id() const { return m_error_id; }
  const std::string& what() const { return m_what; }

 private:
  bool deeper() {
    if (++m_depth > k_max_json_depth) {
      m_too_deep = true;
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<J> m_dom;
  std::size_t m_depth = 0;
  bool m_too_deep = false;
  bool m_failed = false;
  std::size_t m_position = 0;
  std::size_t m_token_size = 0;
  int m_error_id = 0;
  std::string m_what;
};

// Offset of the bracket that opens level k_max_json_depth + 1 (strings skipped); the text up
// to it is well-formed, since the parser got that far.
std::size_t too_deep_offset(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > k_max_json_depth) {
        return i;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return text.size();
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error
// while parsing value - invalid literal; last read: 'x'" -> "invalid literal; last read: 'x'",
// with a long last read (a whole string) cut short.
std::string reason_of(const std::string& what) {
  auto dash = what.find(" - ");
  std::string reason = dash == std::string::npos ? what : what.substr(dash + 3);
  constexpr std::size_t k_max = 160;
  if (reason.size() > k_max) {
    reason = reason.substr(0, k_max) + "...'";
  }
  return reason;
}

Error error_at(std::string_view text, std::string_view origin, std::size_t offset,
               const std::string& message, std::string hint) {
  TextPos p = position_of(text, offset);
  return Error(ErrorCode::invalid_input,
               std::string(origin) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                   ": " + message,
               std::move(hint));
}

template <typename J>
Expected<J> parse_impl(std::string_view text, std::string_view origin) {
  // nlohmann takes a NUL byte for the end of the input and would accept "{}\0garbage", which
  // the function's own parser then refuses.
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(error_at(text, origin, nul, "invalid JSON: a NUL byte (0x00)",
                         "JSON is text: is this a binary or UTF-16 file?"));
  }
  J root;
  BoundedSax<J> sax(root);
  J::sax_parse(text.begin(), text.end(), &sax);
  if (sax.too_deep()) {
    return fail(
        error_at(text, origin, too_deep_offset(text),
                 "JSON nested more than " + std::to_string(k_max_json_depth) + " levels deep",
                 "flatten the data: JSON parsers stop there (Go's encoding/json at "
                 "10000 levels, Python's json module near 1000)"));
  }
  if (!sax.failed()) {
    return root;
  }
  if (sax.error_id() == 406) {
    // The position is just past the number: point at its first character.
    std::size_t start = sax.position() - std::min(sax.position(), sax.token_size());
    std::string number(text.substr(start, sax.token_size()));
    return fail(
        error_at(text, origin, start,
                 "the number " + number +
                     " is out of range: a JSON number must fit a double (at most "
                     "about 1.8e308)",
                 "write it as a string (\"" + number + "\") if the function needs it as written"));
  }
  // nlohmann reports the byte *after* the offending one; step back to point at it.
  std::size_t off = sax.position() > 0 ? sax.position() - 1 : 0;
  return fail(error_at(text, origin, off, "invalid JSON: " + reason_of(sax.what()),
                       "check the JSON syntax at that position (a trailing comma or a missing "
                       "quote?)"));
}

}  // namespace

Expected<Json> parse_json(std::string_view text, std::string_view origin) {
  return parse_impl<Json>(text, origin);
}

Expected<OrderedJson> parse_ordered_json(std::string_view text, std::string_view origin) {
  return parse_impl<OrderedJson>(text, origin);
}

}  // namespace fstage
