// SPDX-License-Identifier: Apache-2.0
// What a YAML parser lets through or reports confusingly, checked on the raw text before parsing:
// invalid UTF-8, control characters (binary or UTF-16 files) and tabs used for indentation.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <fstage/base/json.hpp>
#include <fstage/manifest/yaml_tree.hpp>

namespace fstage::manifest::detail {

namespace {

Diagnostic diag_offset(const std::string& origin, std::string_view text, std::size_t offset,
                       std::string message, std::string expected = {}, std::string hint = {}) {
  TextPos p = position_of(text, offset);
  return Diagnostic{
      Location{origin, static_cast<int>(p.line), char_column(text, static_cast<long>(offset))},
      std::move(message), std::move(expected), std::move(hint)};
}

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (overlongs and surrogates included), npos when the whole text is valid.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    }
    static constexpr std::uint32_t k_min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

}  // namespace

int char_column(std::string_view text, long offset) {
  std::size_t end = offset < 0 ? 0 : std::min(static_cast<std::size_t>(offset), text.size());
  std::size_t start = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  int column = 1;
  for (std::size_t i = start; i < end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return column;
}

std::vector<Diagnostic> prescan_yaml(std::string_view text, const std::string& origin) {
  std::vector<Diagnostic> out;
  if (std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    out.push_back(diag_offset(origin, text, bad,
                              "invalid UTF-8: byte " +
                                  hex_byte(static_cast<unsigned char>(text[bad])) +
                                  " does not start a valid UTF-8 sequence",
                              "UTF-8 text", "re-save the file as UTF-8"));
    return out;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      out.push_back(diag_offset(origin, text, i,
                                "control character " + hex_byte(c) + " is not allowed in YAML",
                                "printable text", "is this a binary or UTF-16 file?"));
      return out;
    }
  }
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    std::size_t i = line_start;
    std::size_t tab = std::string_view::npos;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t' && tab == std::string_view::npos) {
        tab = i;
      }
      ++i;
    }
    bool content = i < text.size() && text[i] != '\n' && text[i] != '\r' && text[i] != '#';
    if (tab != std::string_view::npos && content) {
      out.push_back(diag_offset(origin, text, tab, "tab character in indentation",
                                "spaces: YAML does not allow tabs for indentation",
                                "replace the tab with spaces"));
    }
    std::size_t nl = text.find('\n', i);
    line_start = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return out;
}

}  // namespace fstage::manifest::detail
