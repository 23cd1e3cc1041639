// SPDX-License-Identifier: Apache-2.0
// Which way each function's code goes (direct or through OBS) and the limits it would hit
// (deploy_code.hpp).
#include "deploy_code.hpp"

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/dependencies.hpp>
#include <fstage/deploy/target.hpp>

#include "remote_common.hpp"

namespace fstage::cli {

namespace {

// The API accepts AK/SK-signed request bodies up to 12 MB (PLATFORM.md §2.2, HW-ZH): the code
// travels base64 in JSON, so a zip over ~9 MB makes such a body.
constexpr std::uint64_t k_signed_body_limit = 12ull << 20;

std::uint64_t request_body_bytes(std::uint64_t zip_bytes) {
  return deploy::base64_size(zip_bytes) + 1024;  // the JSON around func_code.file
}

Expected<std::string> obs_endpoint(const Context& ctx, const ObsSettings& s,
                                   const std::string& region) {
  std::string e = s.endpoint_flag;
  if (e.empty()) {
    e = ctx.getenv("FSTAGE_OBS_ENDPOINT").value_or("");
  }
  if (e.empty()) {
    e = deploy::default_obs_endpoint(region);
  }
  while (!e.empty() && e.back() == '/') {
    e.pop_back();
  }
  FSTAGE_TRY(deploy::check_endpoint(e));
  return e;
}

}  // namespace

bool CodeRoute::blocked() const {
  for (const auto& f : findings) {
    if (f.blocking) {
      return true;
    }
  }
  return false;
}

Json CodeRoute::to_json() const {
  Json j = {{"route", obs ? "obs" : "direct"}, {"bytes", bytes}};
  if (obs) {
    j["obs_bucket"] = obs->bucket;
    j["code_url"] = obs->url();
  }
  Json list = Json::array();
  for (const auto& f : findings) {
    list.push_back({{"blocking", f.blocking}, {"text", f.text}});
  }
  j["limits"] = list;
  return j;
}

std::string obs_bucket_for(const manifest::Manifest& m, const manifest::Function& fn,
                           const ObsSettings& s) {
  if (!s.bucket_flag.empty()) {
    return s.bucket_flag;
  }
  if (auto it = m.obs_buckets.find(fn.name); it != m.obs_buckets.end()) {
    return it->second;
  }
  return m.obs_bucket;
}

Expected<CodeRoute> route_code(const Context& ctx, const manifest::Manifest& m,
                               const manifest::Function& fn, const ObsSettings& s,
                               const std::string& region, std::uint64_t bytes,
                               const std::string& digest,
                               const std::vector<builder::DependencyBuild>& dependencies) {
  CodeRoute r;
  r.bytes = bytes;
  const std::string bucket = obs_bucket_for(m, fn, s);
  if (!bucket.empty()) {
    FSTAGE_TRY(deploy::check_bucket_name(bucket));
  }
  const std::string size = human_size(bytes);
  const std::string direct = human_size(deploy::k_direct_upload_limit);
  if (bytes > deploy::k_obs_code_limit) {
    r.findings.push_back({true, "the zip is " + size + ", over the " +
                                    human_size(deploy::k_obs_code_limit) +
                                    " the platform takes even through OBS: make the package "
                                    "smaller (move libraries into dependencies:)"});
  } else if (!bucket.empty() && (bytes > deploy::k_direct_upload_limit ||
                                 request_body_bytes(bytes) > k_signed_body_limit)) {
    const std::string endpoint = FSTAGE_TRY(obs_endpoint(ctx, s, region));
    r.obs = deploy::ObsLocation{
        endpoint, bucket,
        "fstage/" + m.package + "/" + fn.name + "/" + digest.substr(0, 32) + ".zip"};
    r.findings.push_back({false, "the zip is " + size + ": it goes through OBS (" + r.obs->url() +
                                     "), uploaded only when that object is not already there"});
  } else if (bytes > deploy::k_direct_upload_limit) {
    r.findings.push_back(
        {true, "the zip is " + size + ", over the " + direct +
                   " the API takes in a request (FSS.1071): pass --obs-bucket BUCKET (or set "
                   "obs_bucket: in fstage.yaml) to upload it through OBS"});
  } else if (request_body_bytes(bytes) > k_signed_body_limit) {
    r.findings.push_back(
        {false, "the zip is " + size + ": as base64 in an AK/SK-signed request it is over the " +
                    human_size(k_signed_body_limit) +
                    " such a request may carry; --obs-bucket BUCKET sends it through OBS"});
  }
  for (const auto& d : dependencies) {
    const std::string dsize = human_size(d.bytes);
    if (d.bytes > deploy::k_obs_code_limit) {
      r.findings.push_back({true, "dependency " + d.name + " is " + dsize + ", over the " +
                                      human_size(deploy::k_obs_code_limit) +
                                      " the platform takes even through OBS: make it smaller"});
    } else if (d.bytes > deploy::k_dependency_zip_limit && !bucket.empty()) {
      r.findings.push_back({false, "dependency " + d.name + " is " + dsize +
                                       ": it goes through OBS bucket " + bucket});
    } else if (d.bytes > deploy::k_dependency_zip_limit) {
      r.findings.push_back(
          {true, "dependency " + d.name + " is " + dsize + ", over the " +
                     human_size(deploy::k_dependency_zip_limit) +
                     " the dependency API takes in a request: pass --obs-bucket BUCKET (or set "
                     "obs_bucket: in fstage.yaml) to upload it through OBS"});
    }
  }
  return r;
}

std::optional<deploy::ObsLocation> dependency_location(
    const Context& ctx, const manifest::Manifest& m, const manifest::Function& fn,
    const ObsSettings& s, const std::string& region, const builder::DependencyBuild& d) {
  const std::string bucket = obs_bucket_for(m, fn, s);
  if (bucket.empty() || d.bytes <= deploy::k_dependency_zip_limit) {
    return std::nullopt;
  }
  auto endpoint = obs_endpoint(ctx, s, region);
  if (!endpoint) {
    return std::nullopt;  // route_code reported it already
  }
  return deploy::ObsLocation{
      *endpoint, bucket,
      "fstage/" + m.package + "/dependencies/" + d.name + "/" + d.sha256.substr(0, 32) + ".zip"};
}

Error blocked_error(const std::string& function, const CodeRoute& r) {
  std::vector<std::string> lines;
  for (const auto& f : r.findings) {
    if (f.blocking) {
      lines.push_back(f.text);
    }
  }
  Error e(ErrorCode::limit, function + ": " + join(lines, "; "),
          "nothing of " + function +
              " was sent; 'fstage deploy --dry-run' lists every limit of every function");
  return e;
}

std::string render_findings(const CodeRoute& r) {
  std::string out;
  for (const auto& f : r.findings) {
    out += std::string(f.blocking ? "  ! " : "  = ") + f.text + "\n";
  }
  return out;
}

}  // namespace fstage::cli
