// SPDX-License-Identifier: Apache-2.0
// Which build step a function needs, decided from its runtime and the files at its code root.
#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

bool is_file(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// requirements.txt with at least one requirement (not only blank lines and comments).
bool has_requirements(const fs::path& file) {
  auto text = read_file(file);
  if (!text) {
    return true;  // let pip report what is wrong with it
  }
  for (const auto& line : split(*text, '\n')) {
    auto t = trim(line);
    if (!t.empty() && t.front() != '#') {
      return true;
    }
  }
  return false;
}

bool has_go_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(dir, ec)) {
    if (de.path().extension() == ".go") {
      return true;
    }
  }
  return false;
}

// Without a lockfile there is nothing to install from: node_modules/ is taken as it is, and
// every runtime dependency package.json declares must be in it, or the zip could not load it.
Expected<void> check_installed(const fs::path& code_root) {
  auto text = read_file(code_root / "package.json");
  if (!text) {
    return {};
  }
  Json pkg = Json::parse(*text, nullptr, false);
  if (!pkg.is_object() || !pkg.contains("dependencies") || !pkg["dependencies"].is_object()) {
    return {};
  }
  for (const auto& [name, spec] : pkg["dependencies"].items()) {
    if (!is_file(code_root / "node_modules" / name / "package.json")) {
      return fail(ErrorCode::not_found,
                  "package.json depends on " + quote(name) +
                      ", which is not in node_modules/ and there is no package-lock.json to "
                      "install it from",
                  "run `npm install` in " + code_root.string() +
                      " (it writes package-lock.json; fstage then runs npm ci --omit=dev)");
    }
  }
  return {};
}

IgnoreRule build_rule(const char* pattern, const std::string& why) {
  auto r = parse_ignore_line(pattern, "build step (" + why + ")", 0, "");
  return *r;
}

}  // namespace

std::string_view to_string(BuildKind k) {
  switch (k) {
    case BuildKind::none:
      return "none";
    case BuildKind::pip:
      return "pip";
    case BuildKind::npm:
      return "npm";
    case BuildKind::go:
      return "go";
    case BuildKind::javac:
      return "javac";
    case BuildKind::maven:
      return "maven";
    case BuildKind::custom:
      return "custom";
  }
  return "none";
}

Expected<BuildPlan> plan_build(const manifest::Function& fn, const fs::path& code_root) {
  using manifest::Language;
  BuildPlan p;
  if (!fn.build.empty()) {
    p.kind = BuildKind::custom;
    p.display = fn.build;
    p.filter_output = true;
    p.note =
        "the zip holds what `build:` leaves in $FSTAGE_OUT (else the whole staging copy), "
        "filtered by .fstageignore";
    return p;
  }
  switch (fn.runtime.language) {
    case Language::python:
      if (is_file(code_root / "requirements.txt") &&
          has_requirements(code_root / "requirements.txt")) {
        p.kind = BuildKind::pip;
        p.display = "python3 -m pip install -r requirements.txt --target <staging>";
        p.keep_sources = true;
        p.input_files = {"requirements.txt", "constraints.txt"};
        p.note = "plus the packages pip installs from requirements.txt";
      }
      break;
    case Language::nodejs:
      if (is_file(code_root / "package-lock.json") || is_file(code_root / "npm-shrinkwrap.json")) {
        p.kind = BuildKind::npm;
        p.display = "npm ci --omit=dev";
        p.keep_sources = true;
        p.input_files = {"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"};
        p.extra_rules.push_back(build_rule("/node_modules/", "npm ci installs it"));
        p.note = "plus node_modules/ as installed by npm ci --omit=dev";
      } else {
        FSTAGE_TRY(check_installed(code_root));
      }
      break;
    case Language::go: {
      if (fn.handler.empty() || fn.handler.find('/') != std::string::npos ||
          !is_safe_relative(fn.handler)) {
        return fail(ErrorCode::invalid_input,
                    "Go handler " + quote(fn.handler) + " is not a file name",
                    "for Go the handler names the executable in the zip, e.g. `handler: handler`");
      }
      // A prebuilt executable and no Go sources: it is the package as it is.
      if (!is_file(code_root / "go.mod") && !has_go_files(code_root) &&
          is_file(code_root / fn.handler)) {
        p.note = "the prebuilt executable " + quote(fn.handler) + " as it is";
        break;
      }
      p.kind = BuildKind::go;
      p.display =
          "go build -trimpath -o " + fn.handler + " . (GOOS=linux GOARCH=amd64 CGO_ENABLED=0)";
      p.note = "the zip holds only the executable " + quote(fn.handler);
      break;
    }
    case Language::java:
      if (is_file(code_root / "pom.xml")) {
        p.kind = BuildKind::maven;
        p.display = "mvn -q -o -B package -DskipTests";
      } else {
        p.kind = BuildKind::javac;
        p.display = "javac -g --release " + std::string(fn.runtime.version) +
                    " src/main/java/**/*.java, jar";
      }
      p.extra_rules.push_back(build_rule("/target/", "build output"));
      p.note = "the zip holds " + fn.name +
               ".jar (plus lib/*.jar, never the platform's fstage-runtime-api.jar)";
      break;
    default:
      break;
  }
  return p;
}

}  // namespace fstage::builder::detail
