// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <unistd.h>
#include <vector>

#include <fstage/base/strings.hpp>
#include <fstage/sandbox/interpreters.hpp>

#include <sys/wait.h>

namespace fstage::sandbox {

namespace fs = std::filesystem;
using manifest::Language;

namespace {

struct Spec {
  Language lang;
  const char* env_var;
  const char* package;  // Debian package that provides it
  std::vector<std::string> names;
  std::vector<std::string> version_args;
};

const Spec* spec_for(Language lang) {
  static const Spec k_specs[] = {
      {Language::python, "FSTAGE_PYTHON", "python3", {"python3"}, {"--version"}},
      {Language::nodejs, "FSTAGE_NODE", "nodejs", {"node", "nodejs"}, {"--version"}},
      {Language::java, "FSTAGE_JAVA", "default-jdk-headless", {"java"}, {"-version"}},
      {Language::go, "FSTAGE_GO", "golang-go", {"go"}, {"version"}},
  };
  for (const auto& s : k_specs) {
    if (s.lang == lang) {
      return &s;
    }
  }
  return nullptr;
}

bool is_shim(const fs::path& p) {
  std::string s = p.string();
  return s.find("/.pyenv/shims/") != std::string::npos ||
         s.find("/.asdf/shims/") != std::string::npos ||
         s.find("/.rbenv/shims/") != std::string::npos;
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Runs `exe args...` and returns its combined output (at most 4 KiB). Used once per
// interpreter per process.
std::string capture(const fs::path& exe, const std::vector<std::string>& args) {
  std::string cmd = "'" + exe.string() + "'";
  for (const auto& a : args) {
    cmd += " " + a;
  }
  cmd += " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    return out;
  }
  std::array<char, 512> buf{};
  while (out.size() < 4096 && std::fgets(buf.data(), buf.size(), p)) {
    out += buf.data();
  }
  ::pclose(p);
  return out;
}

// Extracts the first dotted version number: "Python 3.11.2" → "3.11.2", "v20.1.0" →
// "20.1.0", 'openjdk version "17.0.15"' → "17.0.15", "go version go1.19.8" → "1.19.8".
std::string parse_version(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) &&
        (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == 'v' ||
         text[i - 1] == 'o')) {
      std::size_t j = i;
      while (j < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) {
        ++j;
      }
      std::string v = text.substr(i, j - i);
      if (v.find('.') != std::string::npos) {
        return v;
      }
    }
  }
  return {};
}

std::optional<fs::path> search(const Spec& spec, const std::map<std::string, std::string>& env) {
  std::vector<fs::path> candidates;
  for (const auto& n : spec.names) {
    candidates.push_back(fs::path("/usr/bin") / n);
    candidates.push_back(fs::path("/usr/local/bin") / n);
  }
  auto path_it = env.find("PATH");
  if (path_it != env.end()) {
    for (const auto& dir : split(path_it->second, ':')) {
      for (const auto& n : spec.names) {
        if (!dir.empty()) {
          candidates.push_back(fs::path(dir) / n);
        }
      }
    }
  }
  for (const auto& c : candidates) {
    if (is_shim(c) || !is_executable_file(c)) {
      continue;
    }
    std::error_code ec;
    fs::path real = fs::canonical(c, ec);
    if (!ec && !is_shim(real)) {
      return real;
    }
  }
  return std::nullopt;
}

}  // namespace

Expected<Interpreter> find_interpreter(Language lang,
                                       const std::map<std::string, std::string>& env) {
  const Spec* spec = spec_for(lang);
  if (spec == nullptr) {
    return fail(ErrorCode::not_found,
                "no interpreter is needed for " + std::string(manifest::to_string(lang)));
  }
  static std::mutex mu;
  static std::map<std::pair<Language, std::string>, Interpreter> cache;
  auto override_it = env.find(spec->env_var);
  std::string key = override_it != env.end() ? override_it->second : std::string();
  std::lock_guard lock(mu);
  if (auto it = cache.find({lang, key}); it != cache.end()) {
    return it->second;
  }
  std::optional<fs::path> found;
  if (!key.empty()) {
    std::error_code ec;
    fs::path real = fs::canonical(key, ec);
    if (ec || !is_executable_file(real)) {
      return fail(ErrorCode::not_found,
                  std::string(spec->env_var) + "=" + key + " is not an executable file",
                  std::string("unset ") + spec->env_var + " or point it at an interpreter");
    }
    found = real;
  } else {
    found = search(*spec, env);
  }
  if (!found) {
    return fail(ErrorCode::not_found,
                "no " + std::string(manifest::to_string(lang)) + " interpreter found on this host",
                std::string("install it (apt-get install ") + spec->package + ") or set " +
                    spec->env_var + " to its path");
  }
  Interpreter in{*found, parse_version(capture(*found, spec->version_args))};
  cache.emplace(std::make_pair(lang, key), in);
  return in;
}

bool version_matches(const manifest::RuntimeInfo& runtime, const std::string& host_version) {
  std::string_view want = runtime.version;
  if (want.empty() || runtime.language == Language::go) {
    return true;  // Go1.x: any Go 1 toolchain builds for it
  }
  if (runtime.language == Language::nodejs) {
    want = want.substr(0, want.find('.'));  // Node.js18.15 asks for Node 18
  }
  return host_version == want ||
         (host_version.starts_with(want) && host_version.size() > want.size() &&
          host_version[want.size()] == '.');
}

}  // namespace fstage::sandbox
