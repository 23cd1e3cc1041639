// SPDX-License-Identifier: Apache-2.0
// The local paths a build step's own files name, so that they become inputs of the build and
// resolve in its staging copy as they do in the project:
//   pip: requirements lines that are paths (./vendor/lib, ../wheels/x.whl, file:...), -e PATH,
//        -f/--find-links DIR, and the files -r/-c include (recursively, relative to the file);
//   npm: `file:`/`link:` specs in package.json and the lockfile's linked packages;
//   go:  `replace ... => ./dir` (and `../dir`) in go.mod.
#include <set>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"

namespace fstage::builder::detail {

namespace {

bool looks_like_path(std::string_view s) {
  return s.starts_with("./") || s.starts_with("../") || s.starts_with("/") || s == "." ||
         s == ".." || s.starts_with("file:") || s.ends_with(".whl") || s.ends_with(".tar.gz") ||
         s.ends_with(".zip");
}

// "file:///abs", "file:../x", "file:x" → the path part.
std::string strip_file_scheme(std::string_view s) {
  if (s.starts_with("file://")) {
    return std::string(s.substr(7));
  }
  if (s.starts_with("file:")) {
    return std::string(s.substr(5));
  }
  return std::string(s);
}

struct Collector {
  std::vector<LocalRef>& out;
  std::set<std::string> seen_files;

  void add(const fs::path& base, std::string_view written, std::string origin) {
    std::string p = strip_file_scheme(written);
    // "name @ file:///x" keeps the part after '@'; extras and markers are cut off.
    if (auto semi = p.find(';'); semi != std::string::npos) {
      p = std::string(trim(p.substr(0, semi)));
    }
    if (auto br = p.find('['); br != std::string::npos) {
      p = p.substr(0, br);
    }
    if (p.empty()) {
      return;
    }
    fs::path abs = fs::path(p).is_absolute() ? fs::path(p) : base / p;
    out.push_back(LocalRef{std::string(written), abs.lexically_normal(), std::move(origin)});
  }

  // One requirements file (and those it includes).
  Expected<void> requirements(const fs::path& file, const std::string& display) {
    if (!seen_files.insert(file.lexically_normal().string()).second) {
      return {};
    }
    auto text = read_file(file);
    if (!text) {
      return {};  // a missing file: pip says so, with its own words
    }
    const fs::path base = file.parent_path();
    int line_no = 0;
    for (const auto& raw : split(*text, '\n')) {
      ++line_no;
      std::string line(trim(raw));
      if (auto hash = line.find(" #"); hash != std::string::npos) {
        line = std::string(trim(line.substr(0, hash)));
      }
      if (line.empty() || line.front() == '#') {
        continue;
      }
      const std::string where = display + ":" + std::to_string(line_no);
      auto words = split(line, ' ');
      std::vector<std::string> w;
      for (const auto& x : words) {
        if (!trim(x).empty()) {
          w.emplace_back(trim(x));
        }
      }
      auto option_value = [&](std::string_view flag, std::string_view longflag,
                              std::string& value) {
        for (auto f : {flag, longflag}) {
          if (f.empty()) {
            continue;
          }
          if (w[0] == f && w.size() > 1) {
            value = w[1];
            return true;
          }
          if (f.starts_with("--") && w[0].starts_with(std::string(f) + "=")) {
            value = w[0].substr(f.size() + 1);
            return true;
          }
        }
        return false;
      };
      std::string value;
      if (option_value("-r", "--requirement", value) || option_value("-c", "--constraint", value)) {
        fs::path inc = fs::path(value).is_absolute() ? fs::path(value) : base / value;
        add(base, value, where);
        FSTAGE_TRY(requirements(inc, (fs::path(display).parent_path() / value).string()));
      } else if (option_value("-f", "--find-links", value) ||
                 option_value("-e", "--editable", value)) {
        if (looks_like_path(value) || value.find("://") == std::string::npos) {
          add(base, value, where);
        }
      } else if (w[0].starts_with("-")) {
        continue;  // --no-index, --index-url, --only-binary, ...
      } else if (auto at = line.find(" @ "); at != std::string::npos) {
        std::string url(trim(line.substr(at + 3)));
        if (url.starts_with("file:")) {
          add(base, url, where);
        }
      } else if (looks_like_path(w[0]) && w[0].find("://") == std::string::npos) {
        add(base, w[0], where);
      }
    }
    return {};
  }

  void npm_specs(const Json& deps, const fs::path& base, const std::string& origin) {
    if (!deps.is_object()) {
      return;
    }
    for (const auto& [name, spec] : deps.items()) {
      if (!spec.is_string()) {
        continue;
      }
      auto s = spec.get<std::string>();
      if (s.starts_with("file:") || s.starts_with("link:")) {
        add(base, s.substr(5), origin + " " + name);
      }
    }
  }

  void npm(const fs::path& code_root) {
    if (auto text = read_file(code_root / "package.json")) {
      Json pkg = Json::parse(*text, nullptr, false);
      for (const char* section : {"dependencies", "optionalDependencies", "devDependencies"}) {
        if (pkg.is_object() && pkg.contains(section)) {
          npm_specs(pkg[section], code_root, std::string("package.json ") + section);
        }
      }
    }
    for (const char* lock : {"package-lock.json", "npm-shrinkwrap.json"}) {
      auto text = read_file(code_root / lock);
      if (!text) {
        continue;
      }
      Json j = Json::parse(*text, nullptr, false);
      if (!j.is_object() || !j.contains("packages") || !j["packages"].is_object()) {
        continue;
      }
      for (const auto& [key, entry] : j["packages"].items()) {
        // Linked packages appear under their own path, relative to the lockfile.
        if (!key.empty() && !key.starts_with("node_modules/") &&
            key.find("/node_modules/") == std::string::npos) {
          add(code_root, key, std::string(lock) + " " + key);
        }
      }
    }
  }

  void go_mod(const fs::path& code_root) {
    auto text = read_file(code_root / "go.mod");
    if (!text) {
      return;
    }
    bool block = false;
    int line_no = 0;
    for (const auto& raw : split(*text, '\n')) {
      ++line_no;
      std::string line(trim(raw));
      if (auto c = line.find("//"); c != std::string::npos) {
        line = std::string(trim(line.substr(0, c)));
      }
      if (line == "replace (") {
        block = true;
        continue;
      }
      if (block && line == ")") {
        block = false;
        continue;
      }
      if (!block && !line.starts_with("replace ")) {
        continue;
      }
      auto arrow = line.find("=>");
      if (arrow == std::string::npos) {
        continue;
      }
      auto target = split(std::string(trim(line.substr(arrow + 2))), ' ');
      if (!target.empty() && looks_like_path(target[0])) {
        add(code_root, target[0], "go.mod:" + std::to_string(line_no));
      }
    }
  }
};

}  // namespace

Expected<std::vector<LocalRef>> local_refs(const BuildPlan& plan, const fs::path& code_root) {
  return local_refs(plan.kind, code_root, "requirements.txt");
}

Expected<std::vector<LocalRef>> local_refs(BuildKind kind, const fs::path& dir,
                                           const std::string& requirements) {
  const fs::path& code_root = dir;
  std::vector<LocalRef> out;
  Collector c{out, {}};
  switch (kind) {
    case BuildKind::pip:
      FSTAGE_TRY(c.requirements(dir / requirements, requirements));
      break;
    case BuildKind::npm:
      c.npm(code_root);
      break;
    case BuildKind::go:
      c.go_mod(code_root);
      break;
    default:
      break;
  }
  return out;
}

}  // namespace fstage::builder::detail
