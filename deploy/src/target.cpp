// SPDX-License-Identifier: Apache-2.0
#include <array>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/target.hpp>

namespace fstage::deploy {

namespace {

constexpr std::array<std::string_view, 22> k_regions = {
    "cn-north-4",       "cn-north-1",     "cn-east-2",      "cn-east-3",   "cn-south-1",
    "ap-southeast-2",   "ap-southeast-1", "ap-southeast-3", "af-south-1",  "cn-southwest-2",
    "sa-brazil-1",      "la-south-2",     "na-mexico-1",    "la-north-2",  "ap-southeast-4",
    "eu-west-101",      "tr-west-1",      "cn-north-9",     "cn-north-11", "me-east-1",
    "my-kualalumpur-1", "cn-south-4"};

std::string env_or(const Env& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

std::string first_of(std::initializer_list<std::string> values) {
  for (const auto& v : values) {
    if (!v.empty()) {
      return v;
    }
  }
  return {};
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

// eu-west-101 lives under its own domain (the SDK region tables say so).
std::string_view domain_of(std::string_view region) {
  return region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
}

}  // namespace

std::span<const std::string_view> known_regions() {
  return k_regions;
}

Expected<std::string> region_endpoint(std::string_view region) {
  for (std::string_view r : k_regions) {
    if (r == region) {
      return "https://functiongraph." + std::string(region) + "." + std::string(domain_of(region));
    }
  }
  std::vector<std::string> names(k_regions.begin(), k_regions.end());
  return fail(ErrorCode::usage, "unknown region " + quote(region) + did_you_mean(region, names),
              "known regions: " + join(names, ", ") +
                  "; for another cloud running the same API pass --endpoint URL");
}

Expected<UrlParts> parse_endpoint(std::string_view url) {
  UrlParts u;
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return fail(ErrorCode::usage, "endpoint " + quote(url) + " is not a URL",
                "use https://host[:port]");
  }
  u.scheme = to_lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.path = slash == std::string_view::npos ? "" : strip_slash(std::string(rest.substr(slash)));
  if (authority.find('@') != std::string_view::npos) {
    return fail(ErrorCode::usage, "endpoint must not carry user information");
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return fail(ErrorCode::usage, "endpoint " + quote(url) + " has a bad IPv6 address");
    }
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) {
        return fail(ErrorCode::usage, "endpoint " + quote(url) + " has an empty port");
      }
    }
  }
  if (u.host.empty()) {
    return fail(ErrorCode::usage, "endpoint " + quote(url) + " has no host");
  }
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) {
        return fail(ErrorCode::usage, "endpoint " + quote(url) + " has a bad port");
      }
      p = p * 10 + (c - '0');
    }
    if (p == 0 || p > 65535) {
      return fail(ErrorCode::usage, "endpoint " + quote(url) + " has a bad port");
    }
    u.port = p;
  }
  return u;
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Expected<UrlParts> check_endpoint(std::string_view url) {
  UrlParts u = FSTAGE_TRY(parse_endpoint(url));
  if (u.scheme == "https") {
    return u;
  }
  if (u.scheme == "http") {
    if (is_loopback_host(u.host)) {
      return u;
    }
    return fail(ErrorCode::usage,
                "refusing plain http to " + u.host +
                    ": credentials and code would cross the "
                    "network unencrypted",
                "use https://; plain http is only allowed for loopback endpoints (127.0.0.1, "
                "localhost) such as a local test server");
  }
  return fail(ErrorCode::usage, "endpoint scheme " + quote(u.scheme) + " is not supported",
              "use https://host[:port]");
}

Expected<Target> resolve_target(const TargetRequest& req, const Env& env, const Credentials& c) {
  Target t;
  t.package = req.package.empty() ? "default" : req.package;
  t.region =
      first_of({req.region_flag, env_or(env, "FSTAGE_REGION"), req.manifest_region, c.region});
  const std::string profile = c.defaults_source.empty() ? "the profile" : c.defaults_source;
  const auto origin = [&](const std::string& flag_value, const char* flag, const char* var) {
    return !flag_value.empty() ? std::string(flag)
           : !env_or(env, var).empty()
               ? std::string(var) + " (environment)"
               : profile + ", key " +
                     (std::string_view(flag) == "--endpoint" ? "endpoint" : "iam_endpoint");
  };
  t.endpoint =
      strip_slash(first_of({req.endpoint_flag, env_or(env, "FSTAGE_ENDPOINT"), c.endpoint}));
  if (t.region.empty()) {
    return fail(ErrorCode::usage, "no region given",
                "pass --region, set FSTAGE_REGION, or set region in fstage.yaml");
  }
  if (t.endpoint.empty()) {
    t.endpoint = FSTAGE_TRY(region_endpoint(t.region));
    t.endpoint_origin = "the default of region " + t.region;
  } else {
    t.endpoint_origin = origin(req.endpoint_flag, "--endpoint", "FSTAGE_ENDPOINT");
  }
  FSTAGE_TRY(check_endpoint(t.endpoint));
  t.iam_endpoint = strip_slash(
      first_of({req.iam_endpoint_flag, env_or(env, "FSTAGE_IAM_ENDPOINT"), c.iam_endpoint}));
  if (t.iam_endpoint.empty()) {
    // A custom FunctionGraph endpoint (another cloud, a test server) serves IAM too unless told
    // otherwise; Huawei's public regions use the global IAM endpoint.
    const bool custom = !req.endpoint_flag.empty() || !env_or(env, "FSTAGE_ENDPOINT").empty() ||
                        !c.endpoint.empty();
    t.iam_endpoint = custom ? t.endpoint
                     : domain_of(t.region) == "myhuaweicloud.com"
                         ? std::string("https://iam.myhuaweicloud.com")
                         : "https://iam." + t.region + "." + std::string(domain_of(t.region));
    t.iam_endpoint_origin =
        custom ? "the FunctionGraph endpoint (taken from " + t.endpoint_origin + ")"
               : "the default of region " + t.region;
  } else {
    t.iam_endpoint_origin = origin(req.iam_endpoint_flag, "--iam-endpoint", "FSTAGE_IAM_ENDPOINT");
  }
  FSTAGE_TRY(check_endpoint(t.iam_endpoint));
  t.project_id = c.project_id;
  return t;
}

std::string endpoint_hint(const Target& t, bool iam) {
  if (iam) {
    return "the IAM endpoint " + t.iam_endpoint + " was taken from " + t.iam_endpoint_origin +
           "; set another with --iam-endpoint, FSTAGE_IAM_ENDPOINT or iam_endpoint in the "
           "profile (fstage configure), or skip the lookup by setting the project id "
           "(HUAWEICLOUD_SDK_PROJECT_ID or project_id in the profile)";
  }
  return "the endpoint " + t.endpoint + " was taken from " + t.endpoint_origin +
         "; set another with --endpoint, FSTAGE_ENDPOINT or endpoint in the profile (fstage "
         "configure)";
}

namespace {

std::string cache_key(const Target& t, const Credentials& c) {
  const std::string who = c.access_key.empty() ? c.auth_token : c.access_key;
  return t.iam_endpoint + " " + t.region + " " + sha256_hex(who).substr(0, 16);
}

}  // namespace

std::optional<std::string> cached_project_id(const fs::path& config_dir, const Target& t,
                                             const Credentials& c) {
  auto text = read_file(config_dir / "projects.json");
  if (!text) {
    return std::nullopt;
  }
  auto j = parse_json(*text, "projects.json");
  if (!j || !j->is_object()) {
    return std::nullopt;
  }
  auto it = j->find(cache_key(t, c));
  if (it == j->end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

void cache_project_id(const fs::path& config_dir, const Target& t, const Credentials& c,
                      const std::string& project_id) {
  Json j = Json::object();
  if (auto text = read_file(config_dir / "projects.json")) {
    if (auto parsed = parse_json(*text, "projects.json"); parsed && parsed->is_object()) {
      j = std::move(*parsed);
    }
  }
  j[cache_key(t, c)] = project_id;
  std::error_code ec;
  fs::create_directories(config_dir, ec);
  (void)write_file_atomic(config_dir / "projects.json", j.dump(2) + "\n", 0600);
}

}  // namespace fstage::deploy
