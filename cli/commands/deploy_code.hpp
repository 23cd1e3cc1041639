// SPDX-License-Identifier: Apache-2.0
#pragma once

// How each function's code reaches the platform, decided before anything remote is read:
// directly in the request body, or through OBS (over the direct-upload limit, or over the
// AK/SK-signed body limit when a bucket is configured), and every platform limit the artifact
// and its dependency packages would hit. deploy.cpp prints the findings in the plan (and a
// --dry-run without credentials prints only them); a blocking finding stops the real deploy
// before anything is sent.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/deploy/obs.hpp>
#include <fstage/manifest/manifest.hpp>

#include "remote_common.hpp"

namespace fstage::cli {

struct CodeFinding {
  bool blocking = false;  // the real deploy would fail on it
  std::string text;       // one line, names the limit and the way around it
};

struct CodeRoute {
  std::uint64_t bytes = 0;
  std::optional<deploy::ObsLocation> obs;  // set: through OBS
  std::vector<CodeFinding> findings;
  bool blocked() const;
  Json to_json() const;
};

struct ObsSettings {
  std::string bucket_flag;    // --obs-bucket
  std::string endpoint_flag;  // --obs-endpoint
};

// The bucket for `fn`: --obs-bucket, else the manifest's per-function obs_bucket, else its
// top-level one ("" = none).
std::string obs_bucket_for(const manifest::Manifest& m, const manifest::Function& fn,
                           const ObsSettings& s);

// The route and findings for one function's artifact. `region` picks the default OBS endpoint.
// Errors: usage (a bad bucket name or OBS endpoint).
Expected<CodeRoute> route_code(const Context& ctx, const manifest::Manifest& m,
                               const manifest::Function& fn, const ObsSettings& s,
                               const std::string& region, std::uint64_t bytes,
                               const std::string& digest,
                               const std::vector<builder::DependencyBuild>& dependencies);

// Where dependency `d` of `fn` goes through OBS: set when it is over the dependency API's
// limit and a bucket is configured.
std::optional<deploy::ObsLocation> dependency_location(
    const Context& ctx, const manifest::Manifest& m, const manifest::Function& fn,
    const ObsSettings& s, const std::string& region, const builder::DependencyBuild& d);

// A function's zip (the one given, or a fresh package) and its dependency packages, built.
struct Artifact {
  std::filesystem::path zip;
  std::vector<builder::DependencyBuild> dependencies;
};
using ArtifactFor = std::function<Expected<Artifact>(const manifest::Function&)>;

// Why there are no credentials ("no credentials found ..."), or nullopt when some are
// configured (even broken ones: those are errors worth seeing) or a profile is named.
std::optional<std::string> missing_credentials(const Context& ctx, const std::string& profile);

// `deploy --dry-run` without credentials (deploy_offline.cpp): each function built and packaged
// by `artifact_for`, its route and limits printed (and as JSON); the remote diff skipped with a
// note saying why. Exit 7 when the real deploy would hit a limit.
Expected<int> deploy_offline(const Context& ctx, const manifest::Manifest& m,
                             const std::vector<const manifest::Function*>& fns,
                             const ObsSettings& obs, const std::string& region_flag, bool json,
                             const std::string& why, const ArtifactFor& artifact_for);

// The Error for a route with blocking findings (limit: exit 7), naming each.
Error blocked_error(const std::string& function, const CodeRoute& r);

// Lines for the human plan: "  ! ..." for blocking, "  = ..." otherwise.
std::string render_findings(const CodeRoute& r);

// `fstage deploy --list [FUNC...]` (deploy_history.cpp): each function's published versions,
// their digests and times, and the aliases on them.
Expected<int> deploy_list(const Context& ctx, const RemoteFlags& flags, const std::string& manifest,
                          const std::vector<std::string>& functions, bool json);

}  // namespace fstage::cli
