// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <fstage/base/error.hpp>

namespace fstage {

using Json = nlohmann::json;
// Keeps the key order of the input (events and templates read like their sources).
using OrderedJson = nlohmann::ordered_json;

// Parses `text`; a syntax error becomes invalid_input naming `origin:line:column`.
Expected<Json> parse_json(std::string_view text, std::string_view origin);
Expected<OrderedJson> parse_ordered_json(std::string_view text, std::string_view origin);

// 1-based line and column of byte `offset` in `text` (column counts bytes).
struct TextPos {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPos position_of(std::string_view text, std::size_t offset);

}  // namespace fstage
