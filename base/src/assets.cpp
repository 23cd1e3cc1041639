// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include <fstage/base/assets.hpp>

namespace fstage {
namespace detail {
extern const Asset k_assets[];
extern const std::size_t k_asset_count;
}  // namespace detail

std::span<const Asset> assets() {
  return {detail::k_assets, detail::k_asset_count};
}

const Asset* find_asset(std::string_view path) {
  auto all = assets();
  auto it = std::lower_bound(all.begin(), all.end(), path,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

std::vector<const Asset*> assets_under(std::string_view prefix) {
  std::vector<const Asset*> out;
  auto all = assets();
  auto it = std::lower_bound(all.begin(), all.end(), prefix,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  for (; it != all.end() && it->path.starts_with(prefix); ++it) {
    out.push_back(&*it);
  }
  return out;
}

}  // namespace fstage
