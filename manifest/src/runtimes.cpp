// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/runtimes.hpp>

namespace fstage::manifest {

std::string_view to_string(Language lang) {
  switch (lang) {
    case Language::python:
      return "python";
    case Language::nodejs:
      return "nodejs";
    case Language::java:
      return "java";
    case Language::go:
      return "go";
    case Language::custom:
      return "custom";
    case Language::http:
      return "http";
    case Language::other:
      return "other";
  }
  return "other";
}

namespace {

constexpr RuntimeInfo k_runtimes[] = {
    {"Python2.7", Language::python, "2.7", true},
    {"Python3.6", Language::python, "3.6", true},
    {"Python3.9", Language::python, "3.9", true},
    {"Python3.10", Language::python, "3.10", true},
    {"Python3.12", Language::python, "3.12", true},
    {"Node.js6.10", Language::nodejs, "6.10", true},
    {"Node.js8.10", Language::nodejs, "8.10", true},
    {"Node.js10.16", Language::nodejs, "10.16", true},
    {"Node.js12.13", Language::nodejs, "12.13", true},
    {"Node.js14.18", Language::nodejs, "14.18", true},
    {"Node.js16.17", Language::nodejs, "16.17", true},
    {"Node.js18.15", Language::nodejs, "18.15", true},
    {"Node.js20.15", Language::nodejs, "20.15", true},
    {"Java8", Language::java, "8", true},
    {"Java11", Language::java, "11", true},
    {"Java17", Language::java, "17", true},
    {"Java21", Language::java, "21", true},
    {"Go1.8", Language::go, "1.8", false},
    {"Go1.x", Language::go, "1.x", true},
    {"Custom", Language::custom, "", true},
    {"http", Language::http, "", true},
    {"C#(.NET Core 2.0)", Language::other, "2.0", false},
    {"C#(.NET Core 2.1)", Language::other, "2.1", false},
    {"C#(.NET Core 3.1)", Language::other, "3.1", false},
    {"C#(.NET Core 6.0)", Language::other, "6.0", false},
    {"PHP7.3", Language::other, "7.3", false},
    {"PHP8.3", Language::other, "8.3", false},
    {"Cangjie1.0", Language::other, "1.0", false},
    {"Custom Image", Language::other, "", false},
};

// Friendly aliases: a bare language picks the newest runtime of that language.
struct Alias {
  std::string_view alias;
  std::string_view name;
};
constexpr Alias k_aliases[] = {
    {"python", "Python3.10"}, {"python3", "Python3.10"},  {"python2", "Python2.7"},
    {"node", "Node.js20.15"}, {"nodejs", "Node.js20.15"}, {"java", "Java17"},
    {"go", "Go1.x"},          {"golang", "Go1.x"},        {"go1", "Go1.x"},
    {"custom", "Custom"},     {"bootstrap", "Custom"},    {"http", "http"},
};

// "python3.10" / "nodejs18" / "node18" / "java17" / "go1.x": the language word, then a
// version prefix that must match exactly one runtime's version.
std::optional<RuntimeInfo> resolve_versioned(std::string_view lower) {
  struct Prefix {
    std::string_view word;
    Language lang;
  };
  static constexpr Prefix k_prefixes[] = {
      {"python", Language::python}, {"nodejs", Language::nodejs}, {"node.js", Language::nodejs},
      {"node", Language::nodejs},   {"java", Language::java},     {"go", Language::go},
  };
  for (const auto& p : k_prefixes) {
    if (!lower.starts_with(p.word)) {
      continue;
    }
    std::string_view ver = lower.substr(p.word.size());
    if (ver.empty()) {
      return std::nullopt;
    }
    std::optional<RuntimeInfo> found;
    for (const auto& r : k_runtimes) {
      if (r.language != p.lang) {
        continue;
      }
      // "18" matches "18.15", "3.10" matches "3.10" but "3.1" does not match "3.10".
      std::string_view v = r.version;
      if (v == ver || (v.starts_with(ver) && v.size() > ver.size() && v[ver.size()] == '.')) {
        if (found) {
          return std::nullopt;  // ambiguous
        }
        found = r;
      }
    }
    return found;
  }
  return std::nullopt;
}

}  // namespace

std::span<const RuntimeInfo> all_runtimes() {
  return k_runtimes;
}

std::optional<RuntimeInfo> resolve_runtime(std::string_view name_or_alias) {
  for (const auto& r : k_runtimes) {
    if (r.name == name_or_alias) {
      return r;
    }
  }
  std::string lower = to_lower(name_or_alias);
  for (const auto& r : k_runtimes) {
    if (to_lower(r.name) == lower) {
      return r;
    }
  }
  for (const auto& a : k_aliases) {
    if (a.alias == lower) {
      return resolve_runtime(a.name);
    }
  }
  return resolve_versioned(lower);
}

std::vector<std::string> runtime_spellings() {
  std::vector<std::string> out;
  for (const auto& r : k_runtimes) {
    out.emplace_back(r.name);
  }
  for (const auto& a : k_aliases) {
    out.emplace_back(a.alias);
  }
  out.emplace_back("python3.9");
  out.emplace_back("python3.10");
  out.emplace_back("nodejs16");
  out.emplace_back("nodejs18");
  out.emplace_back("nodejs20");
  out.emplace_back("java8");
  out.emplace_back("java11");
  out.emplace_back("java17");
  return out;
}

}  // namespace fstage::manifest
