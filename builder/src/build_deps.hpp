// SPDX-License-Identifier: Apache-2.0
#pragma once

// A function's dependency packages (依赖包): each built once into a tree and a deterministic
// zip under .fstage/build/<function>/deps/, keyed by the content of what it is made from.

#include <filesystem>
#include <vector>

#include <fstage/base/json.hpp>

#include "package_internal.hpp"

namespace fstage::builder::detail {

struct DependencyInputs {
  const manifest::Dependency* dependency = nullptr;
  fs::path path;                     // absolute
  std::vector<TreeEntry> entries;    // what it is made from (names relative to the project)
  BuildKind kind = BuildKind::none;  // pip/npm for requirements/package dependencies
};

// The inputs of each of fn's dependencies, in manifest order. Errors: not_found, unsafe, io.
Expected<std::vector<DependencyInputs>> select_dependencies(const manifest::Manifest& m,
                                                            const manifest::Function& fn,
                                                            const Selection& sel);

struct DependencyContext {
  const manifest::Manifest* manifest = nullptr;
  const manifest::Function* function = nullptr;
  const Selection* selection = nullptr;
  const BuildOptions* options = nullptr;
  fs::path dir;  // .fstage/build/<function>
};

// The dependency's tree and zip, reused when its inputs are unchanged. Errors: limit (over
// 300 MB or 30,000 files), io (a failed pip/npm install), invalid_input (a bad zip).
Expected<DependencyBuild> build_dependency(const DependencyContext& ctx,
                                           const DependencyInputs& in);

Json dependencies_to_json(const std::vector<DependencyBuild>& deps, const fs::path& dir);
std::vector<DependencyBuild> dependencies_from_json(const Json& j, const fs::path& dir);
// Removes every built dependency in `deps_dir` but those in `keep`.
void prune_dependencies(const fs::path& deps_dir, const std::vector<DependencyBuild>& keep);

}  // namespace fstage::builder::detail
