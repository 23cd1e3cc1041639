// SPDX-License-Identifier: Apache-2.0
// The credentials file: an INI file of [profile] sections, mode 0600.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <set>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/credentials.hpp>

#include <sys/stat.h>

namespace fstage::deploy {

namespace {

const std::set<std::string, std::less<>> k_keys = {"access_key", "secret_key",   "security_token",
                                                   "auth_token", "project_id",   "region",
                                                   "endpoint",   "iam_endpoint", "ca_bundle"};

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

// The file must be ours and private: a credentials file others can read leaks the SK, one
// others can write lets them point fstage at their own endpoint.
Expected<void> check_private(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return fail(ErrorCode::not_found, file.string() + ": no credentials file",
                  "run 'fstage configure' to create it");
    }
    return fail(Error::from_errno("stat", file.string(), errno));
  }
  const unsigned mode = st.st_mode & 07777;
  if ((mode & 077) != 0) {
    return fail(
        ErrorCode::auth,
        "credentials file " + file.string() + " is accessible by others (mode " + octal(mode) + ")",
        "run 'chmod 600 " + file.string() +
            "' (fstage refuses credentials others can "
            "read or change)");
  }
  if (st.st_uid != ::geteuid()) {
    return fail(ErrorCode::auth, "credentials file " + file.string() + " belongs to another user",
                "create your own with 'fstage configure'");
  }
  return {};
}

Expected<std::vector<Profile>> parse_profiles(std::string_view text, const std::string& origin) {
  std::vector<Profile> out;
  int line_no = 0;
  for (const std::string& raw : split(text, '\n')) {
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    const std::string where = origin + ":" + std::to_string(line_no);
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return fail(ErrorCode::invalid_input, where + ": expected [profile-name]");
      }
      out.push_back(Profile{std::string(trim(line.substr(1, line.size() - 2))), {}});
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail(ErrorCode::invalid_input, where + ": expected key = value");
    }
    if (out.empty()) {
      return fail(ErrorCode::invalid_input, where + ": key outside a [profile] section");
    }
    std::string key(trim(line.substr(0, eq)));
    // Values are never quoted in messages: they may be secrets.
    if (!k_keys.contains(key)) {
      std::vector<std::string> keys(k_keys.begin(), k_keys.end());
      return fail(ErrorCode::invalid_input,
                  where + ": unknown key " + quote(key) + did_you_mean(key, keys));
    }
    out.back().values[key] = std::string(trim(line.substr(eq + 1)));
  }
  return out;
}

std::string render_profiles(const std::vector<Profile>& profiles) {
  std::string out =
      "# fstage credentials, written by 'fstage configure'. Keep this file mode 0600.\n";
  for (const Profile& p : profiles) {
    out += "\n[" + p.name + "]\n";
    for (const auto& [k, v] : p.values) {
      if (!v.empty()) {
        out += k + " = " + v + "\n";
      }
    }
  }
  return out;
}

}  // namespace

std::filesystem::path config_dir_from(const Env& env) {
  auto xdg = env.find("XDG_CONFIG_HOME");
  if (xdg != env.end() && !xdg->second.empty() && xdg->second.front() == '/') {
    return fs::path(xdg->second) / "fstage";
  }
  auto home = env.find("HOME");
  return fs::path(home != env.end() && !home->second.empty() ? home->second : "/") / ".config" /
         "fstage";
}

Expected<std::vector<Profile>> read_profiles(const fs::path& file) {
  FSTAGE_TRY(check_private(file));
  std::string text = FSTAGE_TRY(read_file(file));
  return parse_profiles(text, file.string());
}

Expected<void> write_profile(const fs::path& file, const Profile& p) {
  if (p.name.empty() || p.name.find_first_of("[]\n\r") != std::string::npos) {
    return fail(ErrorCode::usage, "invalid profile name " + quote(p.name));
  }
  for (const auto& [k, v] : p.values) {
    if (!k_keys.contains(k) || v.find_first_of("\n\r") != std::string::npos) {
      return fail(ErrorCode::invalid_input, "invalid value for " + k);
    }
  }
  std::vector<Profile> profiles;
  auto existing = read_profiles(file);
  if (existing) {
    profiles = std::move(*existing);
  } else if (existing.error().code != ErrorCode::not_found) {
    return fail(std::move(existing).error());
  }
  auto it = std::find_if(profiles.begin(), profiles.end(),
                         [&](const Profile& q) { return q.name == p.name; });
  if (it == profiles.end()) {
    profiles.push_back(p);
  } else {
    for (const auto& [k, v] : p.values) {
      it->values[k] = v;
    }
  }
  std::error_code ec;
  const bool created = fs::create_directories(file.parent_path(), ec);
  if (ec) {
    return fail(Error::from_error_code("mkdir", file.parent_path().string(), ec));
  }
  if (created) {
    ::chmod(file.parent_path().c_str(), 0700);
  }
  return write_file_atomic(file, render_profiles(profiles), 0600);
}

}  // namespace fstage::deploy
