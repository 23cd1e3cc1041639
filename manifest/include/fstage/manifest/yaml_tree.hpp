// SPDX-License-Identifier: Apache-2.0
// Shared by fstage_manifest and fstage_flow (flow definitions, test cases): a YAML document as a
// small tree with a 1-based position on every node, built from libyaml's event parser so that the
// checks a YAML loader skips (duplicate keys, tabs, invalid UTF-8, quoted vs plain scalars) can be
// made here.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/manifest/manifest.hpp>

namespace fstage::manifest::detail {

enum class NodeKind { null, scalar, sequence, map };

// How a scalar was written: plain scalars may be numbers or booleans, the others are strings.
enum class ScalarStyle { plain, single_quoted, double_quoted, block, tagged };

struct YamlNode;
using NodePtr = std::shared_ptr<const YamlNode>;

struct YamlEntry {
  NodePtr key;
  NodePtr value;
};

struct YamlNode {
  NodeKind kind = NodeKind::null;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in characters
  // Scalars: 1-based column of the value's first character (after a quote, anchor or tag),
  // 0 when sub-positions cannot be mapped (block scalars, escapes, several lines).
  int content_column = 0;
  std::string value;
  ScalarStyle style = ScalarStyle::plain;
  // A scalar a ${env:}, ${file:} or ${param:} went into (variables.cpp): output masks it.
  bool secret = false;
  std::vector<NodePtr> items;      // sequence
  std::vector<YamlEntry> entries;  // map, in file order, duplicates removed, merges applied
  // What a walk of this node visits, aliases and merges expanded: nodes and scalar bytes
  // (saturated just past parse_yaml's budget). The checks are linear in these.
  std::size_t expanded_nodes = 1;
  std::size_t expanded_bytes = 0;

  bool is_null() const { return kind == NodeKind::null; }
  bool is_scalar() const { return kind == NodeKind::scalar; }
  bool is_map() const { return kind == NodeKind::map; }
  bool is_sequence() const { return kind == NodeKind::sequence; }
  // The entry whose key is the scalar `key`, or nullptr.
  const YamlEntry* find(std::string_view key) const;
};

struct YamlDocument {
  NodePtr root;  // nullptr when the text could not be parsed or holds no document
  std::vector<Diagnostic> errors;
};

// 1-based column of the byte at `offset` in `text`, counted in characters (UTF-8 code points)
// as editors count them.
int char_column(std::string_view text, long offset);

// Encoding and layout problems found in the raw text (invalid UTF-8, control characters, tabs
// in indentation); parse_yaml stops when there are any.
std::vector<Diagnostic> prescan_yaml(std::string_view text, const std::string& origin);

// How deep collections may nest. A manifest's deepest value is 5 levels down
// (functions.NAME.triggers[0].events[0]); libyaml's scanner slows quadratically with depth.
inline constexpr std::size_t k_max_yaml_depth = 100;
// What the document may expand to through aliases and merge keys ("billion laughs"): far more
// than a manifest within the platform's limits holds, few enough to check in about a second.
inline constexpr std::size_t k_max_yaml_nodes = 1'000'000;
inline constexpr std::size_t k_max_yaml_bytes = std::size_t{64} << 20;

// Parses one YAML document in time linear in `text` and in the expanded size (bounded above).
// Never throws: encoding problems, tabs in indentation, syntax errors, duplicate keys,
// non-scalar keys, extra documents, nesting deeper than k_max_yaml_depth and expansion past
// k_max_yaml_nodes / k_max_yaml_bytes become errors at their position.
YamlDocument parse_yaml(std::string_view text, const std::string& origin);

}  // namespace fstage::manifest::detail
