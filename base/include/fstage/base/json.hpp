// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <fstage/base/error.hpp>

namespace fstage {

using Json = nlohmann::json;
// Keeps the key order of the input (events and templates read like their sources).
using OrderedJson = nlohmann::ordered_json;

// How deep arrays and objects may nest: what Go's encoding/json allows. Deeper data would
// also overflow the stack of code that walks it recursively (dump, copy, compare).
inline constexpr std::size_t k_max_json_depth = 10000;

// Parses `text` (a leading UTF-8 BOM is skipped). Never throws: a syntax error, invalid UTF-8,
// a number no double holds (1e400) or nesting deeper than k_max_json_depth becomes invalid_input
// naming `origin:line:column`. Duplicate keys are accepted, the last one wins (as in Python,
// Node.js and Go).
Expected<Json> parse_json(std::string_view text, std::string_view origin);
Expected<OrderedJson> parse_ordered_json(std::string_view text, std::string_view origin);

// Drops a UTF-8 byte order mark from the start of `text`: an editor's mark, not part of the
// JSON text (RFC 8259 section 8.1), which Node.js's JSON.parse refuses. True when there was one.
bool strip_bom(std::string& text);

// `j[key]` when `j` is an object whose `key` holds a value of T's JSON type, else `fallback`.
// For JSON from outside (events, state and cache files a user may edit or truncate), where
// nlohmann's value() throws on a wrong type and the throw ends as "internal error".
template <typename T, typename J>
T value_or(const J& j, const char* key, T fallback) {
  if (!j.is_object()) {
    return fallback;
  }
  auto it = j.find(key);
  if (it == j.end()) {
    return fallback;
  }
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}
// The same for text: `j[key]` when it is a string, else `fallback`.
template <typename J>
std::string text_or(const J& j, const char* key, std::string fallback = {}) {
  if (!j.is_object()) {
    return fallback;
  }
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->template get<std::string>() : fallback;
}

// 1-based line and column of byte `offset` in `text` (column counts bytes).
struct TextPos {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPos position_of(std::string_view text, std::size_t offset);

}  // namespace fstage
