// SPDX-License-Identifier: Apache-2.0
// `fstage deploy --dry-run` without credentials (deploy_code.hpp): everything but the remote
// diff.
#include <system_error>

#include <fstage/base/json_text.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/crypto.hpp>

#include "deploy_code.hpp"
#include "remote_common.hpp"

namespace fstage::cli {

namespace fs = std::filesystem;

std::optional<std::string> missing_credentials(const Context& ctx, const std::string& profile) {
  if (!profile.empty()) {
    return std::nullopt;
  }
  const deploy::Env env(ctx.env.begin(), ctx.env.end());
  auto c = deploy::load_credentials(env, deploy::config_dir_from(env), "");
  if (c || c.error().code != ErrorCode::auth ||
      !c.error().message.starts_with("no credentials found")) {
    return std::nullopt;
  }
  return c.error().message;
}

Expected<int> deploy_offline(const Context& ctx, const manifest::Manifest& m,
                             const std::vector<const manifest::Function*>& fns,
                             const ObsSettings& obs, const std::string& region_flag, bool json,
                             const std::string& why, const ArtifactFor& artifact_for) {
  std::string region =
      !region_flag.empty() ? region_flag : ctx.getenv("FSTAGE_REGION").value_or("");
  region = region.empty() ? m.region : region;
  const bool human = ctx.verbosity >= 0;
  Json report = Json::array();
  int blocked = 0;
  for (const auto* fn : fns) {
    const Artifact artifact = FSTAGE_TRY(artifact_for(*fn));
    std::error_code ec;
    const auto bytes = fs::file_size(artifact.zip, ec);
    if (ec) {
      return fail(Error::from_error_code("stat", artifact.zip.string(), ec));
    }
    const std::string digest = FSTAGE_TRY(deploy::sha512_file_hex(artifact.zip));
    const CodeRoute route =
        FSTAGE_TRY(route_code(ctx, m, *fn, obs, region, bytes, digest, artifact.dependencies));
    blocked += route.blocked() ? 1 : 0;
    if (human) {
      *ctx.err << fn->name << ": " << human_size(bytes) << " zip, sha512 " << digest.substr(0, 12)
               << "…" << (route.obs ? ", through OBS" : "") << "\n"
               << render_findings(route);
    }
    Json j = {{"function", fn->name}, {"digest", digest}, {"bytes", bytes}};
    j["code"] = route.to_json();
    report.push_back(std::move(j));
  }
  if (json) {
    Json j = {{"dry_run", true},  {"remote", "skipped"}, {"remote_skipped_because", why},
              {"region", region}, {"functions", report}, {"limits_hit", blocked}};
    *ctx.out << json_text(j, 2) << "\n";
  }
  if (human) {
    *ctx.err << "fstage: dry run without credentials (" << why
             << "): built, packaged and checked the limits of " << fns.size() << " function"
             << (fns.size() == 1 ? "" : "s")
             << "; the remote diff was skipped (set HUAWEICLOUD_SDK_AK/SK or run 'fstage "
                "configure' to see what would change)\n";
    if (blocked > 0) {
      *ctx.err << "fstage: " << blocked << " function" << (blocked == 1 ? "" : "s")
               << " would hit a limit (marked !); nothing was written\n";
    }
  }
  return blocked > 0 ? k_exit_limit : k_exit_ok;
}

}  // namespace fstage::cli
