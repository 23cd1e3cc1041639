// SPDX-License-Identifier: Apache-2.0
#pragma once

// Dependency packages (依赖包) on the platform: a built dependency zip becomes a dependency
// version, uploaded once and reused by content; a function links the versions' ids through
// DesiredFunction::depend_version_list (plan.hpp). API facts: tests/fakecloud/DEPENDENCIES.md.
//
// Matching: a remote version of the same name (the account's own, not public ones) is reused
// when its runtime is the function's, its size is the zip's and its etag is the zip's MD5 (the
// API's etag for a direct upload). The newest such version wins.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/obs.hpp>
#include <fstage/deploy/plan.hpp>

namespace fstage::deploy {

// The largest zip the API takes as a direct (base64) upload: 40 MB in the API reference (the
// zh-cn page and the console say 10 MB; the server's answer then carries the hint).
inline constexpr std::uint64_t k_dependency_zip_limit = 40ull << 20;
// At most this many dependencies per function.
inline constexpr std::size_t k_max_dependencies_per_function = 20;

struct DesiredDependency {
  std::string name;           // the dependency's name on the platform
  std::string runtime;        // the function's runtime API name, e.g. "Python3.10"
  std::filesystem::path zip;  // the built dependency zip (deterministic)
  std::uint64_t bytes = 0;    // its size (0: read from the file)
  std::string description;    // sent with a new version, e.g. "fstage: <sha256>" (≤ 512)
  // Set for a zip over k_dependency_zip_limit: a new version is created from this OBS object
  // (depend_type obs, depend_link), which ensure_dependency's `upload` puts there first.
  std::optional<ObsLocation> obs;
};

struct ResolvedDependency {
  std::string name;
  std::string version_id;  // what depend_version_list holds; "" when pending
  long version = 0;        // the platform's version number (1, 2, ...); 0 when pending
  bool uploaded = false;   // this call created the version
  bool pending = false;    // dry run: no matching version, one would be uploaded
};

// A dependency name the API accepts: ≤ 96 characters, letters, digits, '_', '.', '-',
// starting with a letter and ending with a letter or digit.
bool valid_dependency_name(std::string_view name);

// Finds an uploaded version of `dep.name` matching the zip (see above) and returns it;
// otherwise uploads a new version, unless dry_run, where the result is `pending`.
// Errors: invalid_input (name, description), not_found/io (the zip), limit (zip over
// k_dependency_zip_limit, with an OBS hint), and the API's (auth, network, remote, ...).
// With dep.obs, the limit is OBS's (k_obs_code_limit) and `upload(dep, md5_hex)` is called
// before the version is created from the object.
using DependencyUploader =
    std::function<Expected<void>(const DesiredDependency& dep, const std::string& md5_hex)>;
Expected<ResolvedDependency> ensure_dependency(Api& api, const DesiredDependency& dep, bool dry_run,
                                               const DependencyUploader& upload = {});

// Sets want.depend_version_list to the resolved ids in order, and their plan labels
// ("name@3"); a pending one gets a placeholder id and "name@(new version)".
// Errors: limit (more than k_max_dependencies_per_function), invalid_input (a name twice).
Expected<void> link_dependencies(DesiredFunction& want,
                                 const std::vector<ResolvedDependency>& deps);

}  // namespace fstage::deploy
