// SPDX-License-Identifier: Apache-2.0
// `functions.<name>.dependencies`: the platform's dependency packages (依赖包) of a function.
//
//   dependencies:
//     - vendor/common                                  # a directory, or a .zip
//     - { name: pydeps, requirements: deps/requirements.txt }
//     - { name: nodedeps, package: deps/package.json }
//     - { name: shared, path: libs/shared.zip }
//
// Paths are relative to the project root, as `code:` is. A name defaults to the path's last
// component without its extension.
#include <algorithm>
#include <filesystem>
#include <set>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::manifest {

std::string_view to_string(Dependency::Kind kind) {
  switch (kind) {
    case Dependency::Kind::directory:
      return "directory";
    case Dependency::Kind::zip:
      return "zip";
    case Dependency::Kind::requirements:
      return "requirements";
    case Dependency::Kind::npm:
      return "npm";
  }
  return "directory";
}

}  // namespace fstage::manifest

namespace fstage::manifest::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_keys[] = {"name", "path", "requirements", "package"};
constexpr std::string_view k_expected =
    "a path (a directory or a .zip), or a map with `name` and one of `path`, `requirements` "
    "(a requirements.txt) or `package` (a package.json)";

// The platform's dependency names (tests/fakecloud/DEPENDENCIES.md): a letter first, then
// letters, digits, '_', '-' and '.', a letter or digit last, at most 96 characters.
bool is_valid_dependency_name(std::string_view s) {
  if (s.empty() || s.size() > 96 || !std::isalpha(static_cast<unsigned char>(s.front())) ||
      !std::isalnum(static_cast<unsigned char>(s.back()))) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '_' || ch == '-' || ch == '.';
  });
}

std::string default_name(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  if (stem == "requirements" || stem == "package") {
    stem = fs::path(path).parent_path().filename().string();
  }
  for (char& ch : stem) {
    auto u = static_cast<unsigned char>(ch);
    if (!std::isalnum(u) && ch != '_' && ch != '-' && ch != '.') {
      ch = '-';
    }
  }
  return stem;
}

// A relative path inside the project, normalised; reports what is wrong otherwise.
std::optional<std::string> project_path(Checker& c, const YamlNode& n, const std::string& path) {
  auto text = c.text(n, path, "a path relative to fstage.yaml");
  if (!text) {
    return std::nullopt;
  }
  fs::path p(*text);
  fs::path norm = p.lexically_normal();
  if (text->empty() || p.is_absolute() || (!norm.empty() && *norm.begin() == "..")) {
    c.error(n, path + ": " + quote(*text) + " is not a path inside the project",
            "a path relative to fstage.yaml, without a leading '..'");
    return std::nullopt;
  }
  std::string s = norm.generic_string();
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

std::optional<Dependency> check_one(Checker& c, const YamlNode& n, const std::string& path) {
  Dependency d;
  d.where = c.where(n);
  const YamlNode* at = &n;
  std::optional<std::string> file;
  if (n.is_scalar()) {
    file = project_path(c, n, path);
    if (!file) {
      return std::nullopt;
    }
    d.kind = file->ends_with(".zip") ? Dependency::Kind::zip : Dependency::Kind::directory;
  } else if (n.is_map()) {
    c.check_keys(n, k_keys, path);
    int given = 0;
    for (auto [key, kind] : {std::pair{"path", Dependency::Kind::directory},
                             std::pair{"requirements", Dependency::Kind::requirements},
                             std::pair{"package", Dependency::Kind::npm}}) {
      if (const YamlNode* v = c.field(n, key, path, false)) {
        ++given;
        at = v;
        file = project_path(c, *v, path + "." + key);
        d.kind = kind;
      }
    }
    if (given != 1) {
      c.error(n,
              path + (given == 0 ? ": none of path, requirements, package is given"
                                 : ": more than one of path, requirements, package is given"),
              "exactly one of them");
      return std::nullopt;
    }
    if (!file) {
      return std::nullopt;
    }
    if (d.kind == Dependency::Kind::directory && file->ends_with(".zip")) {
      d.kind = Dependency::Kind::zip;
    }
    if (const YamlNode* v = c.field(n, "name", path, false)) {
      auto name = c.text(*v, path + ".name", "a dependency name");
      if (!name) {
        return std::nullopt;
      }
      d.name = *name;
      if (!is_valid_dependency_name(d.name)) {
        c.error(*v, path + ".name: " + quote(d.name) + " is not a valid dependency name",
                "a letter, then letters, digits, '_', '-' or '.', ending in a letter or digit (at "
                "most 96)");
        return std::nullopt;
      }
    }
  } else {
    c.error(n, path + ": " + describe(n), std::string(k_expected));
    return std::nullopt;
  }
  d.path = *file;
  if (d.name.empty()) {
    d.name = default_name(d.path);
    if (!is_valid_dependency_name(d.name)) {
      c.error(*at, path + ": cannot name a dependency after " + quote(d.path),
              "a `name:` (a letter, then letters, digits, '_', '-' or '.')");
      return std::nullopt;
    }
  }
  if (c.root()) {
    const bool want_dir = d.kind == Dependency::Kind::directory;
    fs::path abs = *c.root() / d.path;
    if (!c.exists(abs) || c.is_directory(abs) != want_dir) {
      c.error(*at,
              path + ": " + quote(d.path) + (c.exists(abs) ? " is not a " : " does not exist") +
                  (c.exists(abs) ? (want_dir ? "directory" : "file") : ""),
              want_dir ? "an existing directory relative to fstage.yaml"
                       : "an existing file relative to fstage.yaml");
      return std::nullopt;
    }
  }
  return d;
}

}  // namespace

void check_dependencies(Checker& c, const YamlNode& n, const std::string& path, Function& f) {
  if (n.is_null()) {
    return;
  }
  if (!c.expect_list(n, path, "a list of dependency packages")) {
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = *n.items[i];
    std::string item_path = path + "[" + std::to_string(i) + "]";
    auto d = check_one(c, item, item_path);
    if (!d) {
      continue;
    }
    if (!names.insert(d->name).second) {
      c.error(item, item_path + ": a second dependency named " + quote(d->name),
              "unique names (set `name:` on one of them)");
      continue;
    }
    f.dependencies.push_back(std::move(*d));
  }
  if (n.items.size() > k_max_dependencies) {
    c.error(
        n, path + ": " + std::to_string(n.items.size()) + " dependency packages",
        "at most " + std::to_string(k_max_dependencies) + " per function (the platform's limit)");
  }
}

}  // namespace fstage::manifest::detail
