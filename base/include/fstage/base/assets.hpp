// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace fstage {

// A file embedded into the binary at build time (cmake/assets.cmake), named by its path
// relative to the source root: "templates/python/template.json".
struct Asset {
  std::string_view path;
  std::string_view data;
};

// All assets, sorted by path. Link fstage_assets to use these.
std::span<const Asset> assets();
// The asset at exactly `path`, or nullptr.
const Asset* find_asset(std::string_view path);
// Assets whose path starts with `prefix` (give a trailing '/' for a directory).
std::vector<const Asset*> assets_under(std::string_view prefix);

}  // namespace fstage
