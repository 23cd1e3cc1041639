// SPDX-License-Identifier: Apache-2.0
// .env files, as the dotenv convention most tools share reads them (python-dotenv, the
// Serverless Framework, docker compose): one KEY=VALUE a line.
#include <fstage/base/strings.hpp>

#include "resolve.hpp"

namespace fstage::manifest::detail {

namespace {

bool is_key_char(char c, bool first) {
  const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  return first ? alpha : alpha || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

struct LineParser {
  std::string_view line;
  std::size_t pos = 0;

  void skip_blanks() {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) {
      ++pos;
    }
  }
  bool at_end_or_comment() {
    skip_blanks();
    return pos >= line.size() || line[pos] == '#';
  }
  int column() const { return char_column(line, static_cast<long>(pos)); }
};

const char* const k_line_rule = "KEY=VALUE, with an optional 'export ' in front";

}  // namespace

DotenvFile parse_dotenv(std::string_view text, const std::string& origin) {
  DotenvFile out;
  int line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == text.npos) {
      end = text.size();
    }
    ++line_no;
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    if (!raw.empty() && raw.back() == '\r') {
      raw.remove_suffix(1);
    }
    LineParser p{raw};
    auto error = [&](std::string message, std::string expected, std::string hint = {}) {
      out.errors.push_back(Diagnostic{Location{origin, line_no, p.column()}, std::move(message),
                                      std::move(expected), std::move(hint)});
    };
    if (p.at_end_or_comment()) {
      if (end == text.size()) {
        break;
      }
      continue;
    }
    if (raw.substr(p.pos).starts_with("export ")) {
      p.pos += 7;
      p.skip_blanks();
    }
    const std::size_t key_start = p.pos;
    while (p.pos < raw.size() && is_key_char(raw[p.pos], p.pos == key_start)) {
      ++p.pos;
    }
    std::string key(raw.substr(key_start, p.pos - key_start));
    if (key.empty()) {
      error("not a variable name", "a name of letters, digits and '_' (not starting with a digit)");
      continue;
    }
    p.skip_blanks();
    if (p.pos >= raw.size() || raw[p.pos] != '=') {
      error(quote(key) + " has no '='", k_line_rule, "write " + key + "=VALUE");
      continue;
    }
    ++p.pos;
    p.skip_blanks();
    std::string value;
    bool ok = true;
    if (p.pos < raw.size() && (raw[p.pos] == '"' || raw[p.pos] == '\'')) {
      const char q = raw[p.pos];
      const int open_column = p.column();
      ++p.pos;
      bool closed = false;
      while (p.pos < raw.size()) {
        char ch = raw[p.pos++];
        if (ch == q) {
          closed = true;
          break;
        }
        if (q == '"' && ch == '\\' && p.pos < raw.size()) {
          char e = raw[p.pos++];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          continue;
        }
        value += ch;
      }
      if (!closed) {
        out.errors.push_back(
            Diagnostic{Location{origin, line_no, open_column},
                       "the value of " + key + " has no closing " + std::string(1, q),
                       "a quoted value on one line", ""});
        ok = false;
      } else if (!p.at_end_or_comment()) {
        error("text after the quoted value of " + key, "nothing, or a # comment");
        ok = false;
      }
    } else {
      // Unquoted: up to a comment that follows whitespace, trailing blanks dropped.
      std::string_view rest = raw.substr(p.pos);
      for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '#' && i > 0 && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
          rest = rest.substr(0, i);
          break;
        }
      }
      value = std::string(trim(rest));
    }
    if (ok) {
      out.vars.emplace_back(std::move(key), std::move(value));
    }
    if (end == text.size()) {
      break;
    }
  }
  return out;
}

}  // namespace fstage::manifest::detail
