// SPDX-License-Identifier: Apache-2.0
// Credential resolution (environment, profiles) and the redactor every output path goes through.
#include <algorithm>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/credentials.hpp>

namespace fstage::deploy {

namespace {

std::string env_or(const Env& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

const char* k_setup_hint =
    "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or run 'fstage configure' to store a profile";

Expected<Credentials> from_profile(const fs::path& file, const std::string& name, bool explicit_) {
  auto profiles = read_profiles(file);
  if (!profiles) {
    if (profiles.error().code == ErrorCode::not_found && !explicit_) {
      return fail(ErrorCode::auth, "no credentials found", k_setup_hint);
    }
    return fail(std::move(profiles).error());
  }
  auto it = std::find_if(profiles->begin(), profiles->end(),
                         [&](const Profile& p) { return p.name == name; });
  if (it == profiles->end()) {
    std::vector<std::string> names;
    for (const Profile& p : *profiles) {
      names.push_back(p.name);
    }
    if (!explicit_) {
      return fail(ErrorCode::auth,
                  "no credentials found (no profile " + quote(name) + " in " + file.string() + ")",
                  k_setup_hint);
    }
    return fail(ErrorCode::not_found,
                "no profile " + quote(name) + " in " + file.string() + did_you_mean(name, names),
                "run 'fstage configure --profile " + name + "'");
  }
  auto get = [&](const char* key) {
    auto v = it->values.find(key);
    return v == it->values.end() ? std::string() : v->second;
  };
  Credentials c;
  c.access_key = get("access_key");
  c.secret_key = get("secret_key");
  c.security_token = get("security_token");
  c.auth_token = get("auth_token");
  c.project_id = get("project_id");
  c.region = get("region");
  c.endpoint = get("endpoint");
  c.iam_endpoint = get("iam_endpoint");
  c.ca_bundle = get("ca_bundle");
  c.profile = name;
  c.source = "profile " + quote(name) + " (" + file.string() + ")";
  c.defaults_source = c.source;
  if (c.access_key.empty() != c.secret_key.empty() ||
      (c.access_key.empty() && c.auth_token.empty())) {
    return fail(ErrorCode::auth, "profile " + quote(name) + " needs both access_key and secret_key",
                "run 'fstage configure --profile " + name + "'");
  }
  return c;
}

void mask_after(std::string& text, std::string_view marker, std::string_view stop_chars) {
  std::size_t pos = 0;
  while ((pos = text.find(marker, pos)) != std::string::npos) {
    const std::size_t start = pos + marker.size();
    std::size_t end = text.find_first_of(stop_chars, start);
    if (end == std::string::npos) {
      end = text.size();
    }
    text.replace(start, end - start, "****");
    pos = start + 4;
  }
}

// Keys from the environment, target defaults (region, endpoints, CA bundle) from the profile
// all the same: an endpoint configured once must not be dropped because CI exports the keys.
// The profile is optional here (FSTAGE_PROFILE, else "default"); one that cannot be read
// (absent, unsafe, broken) adds nothing, since the keys do not depend on it.
void take_profile_defaults(Credentials& c, const fs::path& file, const std::string& named) {
  const std::string name = named.empty() ? "default" : named;
  auto profiles = read_profiles(file);
  if (!profiles) {
    return;
  }
  for (const auto& p : *profiles) {
    if (p.name != name) {
      continue;
    }
    auto get = [&p](const char* key) {
      auto v = p.values.find(key);
      return v == p.values.end() ? std::string() : v->second;
    };
    c.region = get("region");
    c.endpoint = get("endpoint");
    c.iam_endpoint = get("iam_endpoint");
    c.ca_bundle = get("ca_bundle");
    c.defaults_source = "profile " + quote(name) + " (" + file.string() + ")";
  }
}

}  // namespace

Expected<Credentials> load_credentials(const Env& env, const fs::path& config_dir,
                                       const std::string& profile) {
  const fs::path file = config_dir / "credentials";
  if (!profile.empty()) {
    return from_profile(file, profile, true);
  }
  const std::string ak = env_or(env, "HUAWEICLOUD_SDK_AK");
  const std::string sk = env_or(env, "HUAWEICLOUD_SDK_SK");
  if (!ak.empty() || !sk.empty()) {
    if (ak.empty() || sk.empty()) {
      return fail(ErrorCode::auth,
                  std::string(ak.empty() ? "HUAWEICLOUD_SDK_SK" : "HUAWEICLOUD_SDK_AK") +
                      " is set but " + (ak.empty() ? "HUAWEICLOUD_SDK_AK" : "HUAWEICLOUD_SDK_SK") +
                      " is not",
                  "set both, or unset both to use a profile");
    }
    Credentials c;
    c.access_key = ak;
    c.secret_key = sk;
    c.security_token = env_or(env, "HUAWEICLOUD_SDK_SECURITY_TOKEN");
    c.project_id = env_or(env, "HUAWEICLOUD_SDK_PROJECT_ID");
    c.source = "environment (HUAWEICLOUD_SDK_AK)";
    take_profile_defaults(c, file, env_or(env, "FSTAGE_PROFILE"));
    return c;
  }
  if (const std::string token = env_or(env, "FSTAGE_AUTH_TOKEN"); !token.empty()) {
    Credentials c;
    c.auth_token = token;
    c.project_id = env_or(env, "HUAWEICLOUD_SDK_PROJECT_ID");
    c.source = "environment (FSTAGE_AUTH_TOKEN)";
    take_profile_defaults(c, file, env_or(env, "FSTAGE_PROFILE"));
    return c;
  }
  const std::string name = env_or(env, "FSTAGE_PROFILE");
  auto c = FSTAGE_TRY(from_profile(file, name.empty() ? "default" : name, !name.empty()));
  if (const std::string pid = env_or(env, "HUAWEICLOUD_SDK_PROJECT_ID"); !pid.empty()) {
    c.project_id = pid;
  }
  return c;
}

std::string mask_secret(std::string_view secret) {
  if (secret.size() < 12) {
    return "****";
  }
  return "****" + std::string(secret.substr(secret.size() - 4));
}

void Redactor::add(std::string_view secret) {
  // Very short values would mask ordinary words; real AKs, SKs and tokens are long.
  if (secret.size() >= 6 &&
      std::find(m_secrets.begin(), m_secrets.end(), secret) == m_secrets.end()) {
    m_secrets.emplace_back(secret);
    // Longest first, so a secret containing another is masked whole.
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
}

void Redactor::add(const Credentials& c) {
  add(c.access_key);
  add(c.secret_key);
  add(c.security_token);
  add(c.auth_token);
}

std::string Redactor::operator()(std::string_view text) const {
  std::string out(text);
  for (const std::string& s : m_secrets) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "****");
      pos += 4;
    }
  }
  mask_after(out, "Access=", ", \r\n\"");
  mask_after(out, "Signature=", ", \r\n\"");
  for (const char* h : {"X-Auth-Token: ", "X-Security-Token: ", "x-auth-token: ",
                        "x-security-token: ", "Authorization: ", "authorization: "}) {
    mask_after(out, h, "\r\n\"");
  }
  return out;
}

void Redactor::apply(Error& e) const {
  e.message = (*this)(e.message);
  e.hint = (*this)(e.hint);
  for (auto& d : e.details) {
    d = (*this)(d);
  }
  for (auto& c : e.context) {
    c = (*this)(c);
  }
}

}  // namespace fstage::deploy
