// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where the AK/SK (or a token) comes from, and keeping it out of every byte fstage prints.
//
// Sources, first match wins:
//   1. an explicit profile (--profile NAME) from the credentials file;
//   2. the environment, as the official SDKs read it: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK,
//      HUAWEICLOUD_SDK_SECURITY_TOKEN (temporary credentials), HUAWEICLOUD_SDK_PROJECT_ID;
//      or FSTAGE_AUTH_TOKEN for IAM token auth (X-Auth-Token) instead of signing;
//   3. the profile named by FSTAGE_PROFILE, else "default", from the credentials file.
// With keys from the environment, that profile (when it exists) still gives the target
// defaults: region, endpoint, iam_endpoint, ca_bundle.
// The credentials file is <config dir>/credentials, an INI file written by `fstage configure`
// with mode 0600; fstage refuses to read it when group or others can read or write it.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>

namespace fstage::deploy {

using Env = std::map<std::string, std::string>;

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string security_token;  // temporary AK/SK: sent (and signed) as X-Security-Token
  std::string auth_token;      // IAM token auth: X-Auth-Token, no signing
  std::string project_id;      // "" = look it up through IAM
  std::string profile;         // the profile used ("" for the environment)
  std::string source;          // for messages: "environment", "profile 'ci' (/path)"
  // Profile defaults for the target (flags, env and manifest take precedence). Read from the
  // profile even when the keys come from the environment (FSTAGE_PROFILE, else "default").
  std::string defaults_source;  // "profile 'ci' (/path)" when a profile gave them
  std::string region;
  std::string endpoint;
  std::string iam_endpoint;
  std::string ca_bundle;

  bool token_auth() const { return !auth_token.empty() && access_key.empty(); }
};

// One [name] section of the credentials file. Keys: access_key, secret_key, security_token,
// auth_token, project_id, region, endpoint, iam_endpoint, ca_bundle.
struct Profile {
  std::string name;
  std::map<std::string, std::string> values;
};

// <XDG_CONFIG_HOME or HOME/.config>/fstage, read from `env` (not the process environment).
std::filesystem::path config_dir_from(const Env& env);

// Reads every profile. Errors: not_found (no file), auth (mode lets others read or write it,
// or another user owns it), invalid_input (syntax, with the line number), io.
Expected<std::vector<Profile>> read_profiles(const std::filesystem::path& file);

// Adds or replaces profile `p` and writes the file atomically with mode 0600 (creating the
// directory with 0700). Errors: auth (existing file unsafe), invalid_input, io.
Expected<void> write_profile(const std::filesystem::path& file, const Profile& p);

// Resolves credentials as described above. `profile` is the --profile flag ("" when absent).
// Errors: auth (nothing configured, half-configured, unsafe file), not_found (no such profile).
Expected<Credentials> load_credentials(const Env& env, const std::filesystem::path& config_dir,
                                       const std::string& profile);

// "****" plus the last four characters, for `fstage configure list` (never the whole value).
std::string mask_secret(std::string_view secret);

// Replaces every known secret in text with "****", and masks "Access=..." / "Signature=..." /
// token header values wherever they appear. Applied to every log line and every error fstage
// prints once credentials are loaded.
class Redactor {
 public:
  void add(std::string_view secret);
  void add(const Credentials& c);
  std::string operator()(std::string_view text) const;
  // Redacts the message, details, context and hint of `e` in place.
  void apply(Error& e) const;

 private:
  std::vector<std::string> m_secrets;
};

}  // namespace fstage::deploy
