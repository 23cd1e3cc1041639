// SPDX-License-Identifier: Apache-2.0
// Python dependencies: `pip install -r requirements.txt --target`, for the function's Python.
//
// pip runs on the host's interpreter for the function's version when there is one
// (FSTAGE_PYTHON, /usr/bin/pythonX.Y), else on python3 with pip told the target
// (--python-version, --implementation cp, manylinux/linux x86_64 platforms, binary wheels
// only; local directories are still built, as pip allows). Whatever pip chose, an extension
// module built for another Python is an error: it would not load on the platform.
#include <algorithm>
#include <regex>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"

namespace fstage::builder::detail {

namespace {

struct Python {
  std::string path;
  std::string version;  // "3.11"
};

Expected<Python> build_python(const StepContext& in, const std::map<std::string, std::string>& env,
                              const fs::path& log) {
  const auto& fn = *in.function;
  std::vector<std::string> candidates;
  if (auto it = env.find("FSTAGE_PYTHON"); it != env.end() && !it->second.empty()) {
    candidates.push_back(it->second);
  }
  if (!fn.runtime.version.empty()) {
    candidates.push_back("/usr/bin/python" + std::string(fn.runtime.version));
  }
  // The system interpreter, not a version manager's shim.
  candidates.push_back("/usr/bin/python3");
  auto path = env.find("PATH");
  candidates.push_back(find_program("python3", path == env.end() ? "" : path->second));
  for (const auto& c : candidates) {
    if (c.empty() || ::access(c.c_str(), X_OK) != 0) {
      continue;
    }
    const fs::path out = log.parent_path() / "python-version";
    std::remove(out.c_str());
    int status = FSTAGE_TRY(
        run_process({c, "-c", "import sys;print('%d.%d' % sys.version_info[:2])"}, "/", env, out));
    auto text = read_file(out);
    if (status == 0 && text) {
      return Python{c, std::string(trim(*text))};
    }
  }
  return fail(ErrorCode::not_found, "no Python interpreter to run pip with",
              "install python3 and python3-pip, or point FSTAGE_PYTHON at an interpreter");
}

// The Python an extension module's file name targets ("3.11" for
// x.cpython-311-x86_64-linux-gnu.so), "" for abi3 and untagged modules.
std::string module_python(const std::string& name) {
  static const std::regex tag(R"(\.cpython-(\d)(\d+)[a-z]*-[^.]*\.so$)");
  std::smatch m;
  if (std::regex_search(name, m, tag)) {
    return m[1].str() + "." + m[2].str();
  }
  return {};
}

Expected<void> check_extensions(const fs::path& out, const manifest::Function& fn) {
  const std::string want(fn.runtime.version);
  auto files = FSTAGE_TRY(walk_all(out));
  for (const auto& e : files) {
    std::string got = module_python(e.name);
    if (!got.empty() && got != want) {
      std::string package = e.name.substr(0, e.name.find('/'));
      return fail(ErrorCode::invalid_input,
                  "pip installed " + quote(e.name) + ", an extension module for Python " + got +
                      "; " + quote(fn.name) + " runs on " + std::string(fn.runtime.name) +
                      " and could not load it",
                  "provide a wheel of " + quote(package) + " built for Python " + want + " (cp" +
                      want.substr(0, 1) + want.substr(2) +
                      ", manylinux x86_64), or run fstage where python" + want +
                      " is installed (FSTAGE_PYTHON)");
    }
  }
  return {};
}

// Whether `option` appears in the requirements file or any file it includes (-r, -c).
bool mentions(const fs::path& requirements, std::string_view option, int depth = 0) {
  auto text = read_file(requirements);
  if (!text || depth > 16) {
    return false;
  }
  if (text->find(option) != std::string::npos) {
    return true;
  }
  for (const auto& raw : split(*text, '\n')) {
    std::string_view line = trim(raw);
    for (std::string_view flag :
         {"-r ", "-c ", "--requirement ", "--constraint ", "--requirement=", "--constraint="}) {
      if (line.starts_with(flag)) {
        fs::path inc(std::string(trim(line.substr(flag.size()))));
        if (mentions(inc.is_absolute() ? inc : requirements.parent_path() / inc, option,
                     depth + 1)) {
          return true;
        }
      }
    }
  }
  return false;
}

// pip records where a local package came from (PEP 610's direct_url.json: the absolute path
// of the staging copy). Nothing at run time reads it, and it would make the zip depend on
// where the project lies: it goes, with its line in RECORD.
Expected<void> drop_direct_urls(const fs::path& out) {
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(out, ec)) {
    const fs::path info = de.path();
    if (!info.filename().string().ends_with(".dist-info") ||
        !fs::exists(info / "direct_url.json", ec)) {
      continue;
    }
    fs::remove(info / "direct_url.json", ec);
    auto record = read_file(info / "RECORD");
    if (!record) {
      continue;
    }
    std::string kept;
    for (const auto& line : split(*record, '\n')) {
      if (!line.empty() && line.find("/direct_url.json,") == std::string::npos) {
        kept += std::string(line) + "\n";
      }
    }
    FSTAGE_TRY(write_file_atomic(info / "RECORD", kept));
  }
  return {};
}

}  // namespace

Expected<void> pip_install(const StepContext& in, const fs::path& cwd,
                           const std::string& requirements, const fs::path& out,
                           const fs::path& log) {
  const auto& fn = *in.function;
  auto env = in.options->env;
  if (env.find("PATH") == env.end()) {
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  }
  env["PYTHONDONTWRITEBYTECODE"] = "1";
  env["PIP_NO_INPUT"] = "1";
  auto py = FSTAGE_TRY(build_python(in, env, log));
  std::vector<std::string> argv = {
      py.path,      "-m",       "pip",        "install",      "-r",
      requirements, "--target", out.string(), "--no-compile", "--disable-pip-version-check"};
  const std::string want(fn.runtime.version);
  if (!want.empty() && py.version != want) {
    for (const char* a :
         {"--implementation", "cp", "--platform", "manylinux2014_x86_64", "--platform",
          "manylinux_2_17_x86_64", "--platform", "linux_x86_64", "--only-binary=:all:"}) {
      argv.emplace_back(a);
    }
    argv.push_back("--python-version");
    argv.push_back(want);
  }
  // Offline (--no-index), pip cannot fetch the build backend of a local package into an
  // isolated environment: build it with the interpreter's own setuptools.
  if (mentions(cwd / requirements, "--no-index")) {
    argv.emplace_back("--no-build-isolation");
  }
  int status = FSTAGE_TRY(run_process(argv, cwd, env, log, in.options->on_output));
  if (status != 0) {
    Error e = step_failed("pip", join(argv, " "), status, log);
    if (mentions(log, "install build dependencies did not run successfully")) {
      e.hint +=
          "; offline, add --no-index (and --find-links DIR) to requirements.txt so that "
          "local packages are built with the installed setuptools";
    }
    return fail(std::move(e));
  }
  FSTAGE_TRY(drop_direct_urls(out));
  return check_extensions(out, fn);
}

}  // namespace fstage::builder::detail
