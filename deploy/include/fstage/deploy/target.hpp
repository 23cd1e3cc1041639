// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which API to talk to: region, FunctionGraph endpoint, IAM endpoint, project id.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/deploy/credentials.hpp>

namespace fstage::deploy {

struct Target {
  std::string region;
  std::string endpoint;      // "https://functiongraph.<region>.myhuaweicloud.com", no trailing '/'
  std::string iam_endpoint;  // for GET /v3/projects?name=<region>
  std::string project_id;    // "" until resolved
  std::string package = "default";
  // Where each endpoint came from, for the hint when it cannot be reached: "--endpoint",
  // "FSTAGE_ENDPOINT", "profile 'ci' (/path)", "the region cn-north-4"...
  std::string endpoint_origin;
  std::string iam_endpoint_origin;
};

// The hint for an endpoint of `t` that cannot be reached: where it came from and how to set it.
std::string endpoint_hint(const Target& t, bool iam);

// What the user asked for; empty strings mean "not given". Precedence per field:
// flag > environment (FSTAGE_REGION, FSTAGE_ENDPOINT, FSTAGE_IAM_ENDPOINT) > manifest (region)
// > profile.
struct TargetRequest {
  std::string region_flag;
  std::string endpoint_flag;
  std::string iam_endpoint_flag;
  std::string manifest_region;
  std::string package = "default";
};

// The regions FunctionGraph is offered in (the official SDKs' region table).
std::span<const std::string_view> known_regions();

// https://functiongraph.<region>.<domain> for a known region. Errors: usage (unknown region,
// with a did-you-mean and a hint to pass --endpoint for other clouds).
Expected<std::string> region_endpoint(std::string_view region);

struct UrlParts {
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0 = the scheme's default
  std::string path;    // "" or "/prefix"
};

// Parses an endpoint URL "scheme://host[:port][/path]". Errors: usage.
Expected<UrlParts> parse_endpoint(std::string_view url);

// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// https anywhere; plain http only for loopback hosts (the local test server), so credentials
// and code never cross a network unencrypted. Errors: usage.
Expected<UrlParts> check_endpoint(std::string_view url);

// Resolves the target from the request, environment and profile (credentials). The project id
// comes from the credentials (env HUAWEICLOUD_SDK_PROJECT_ID or profile) or stays empty.
// Errors: usage (no region, unknown region, bad endpoint).
Expected<Target> resolve_target(const TargetRequest& req, const Env& env, const Credentials& c);

// The project-id cache (<config dir>/projects.json, mode 0600), keyed by IAM endpoint, region
// and a hash of the access key. Lookups never fail: a broken cache is a miss.
std::optional<std::string> cached_project_id(const std::filesystem::path& config_dir,
                                             const Target& t, const Credentials& c);
void cache_project_id(const std::filesystem::path& config_dir, const Target& t,
                      const Credentials& c, const std::string& project_id);

}  // namespace fstage::deploy
