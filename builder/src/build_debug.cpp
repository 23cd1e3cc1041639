// SPDX-License-Identifier: Apache-2.0
// Builds for debug sessions, kept apart from the release build: a Go handler compiled without
// optimisation or inlining (-gcflags=all=-N -l), so that Delve sees every variable and line.
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/builder/build.hpp>

#include "package_internal.hpp"

namespace fstage::builder {

namespace d = detail;

Expected<fs::path> source_dir(const manifest::Manifest& m, const manifest::Function& fn) {
  return d::code_root_of(m, fn);
}

Expected<fs::path> build_go_debug(const manifest::Manifest& m, const manifest::Function& fn,
                                  const BuildOptions& opts) {
  d::Selection sel = FSTAGE_TRY(d::plan_selection(m, fn));
  if (sel.plan.kind != d::BuildKind::go) {
    return fail(ErrorCode::invalid_input,
                "function " + quote(fn.name) + " is not built with go build: no debug build",
                "a Go function's code directory holds its go.mod");
  }
  // .fstage/debug/<function>, beside (not in) .fstage/build, or fstage's cache when the
  // project cannot be written.
  fs::path dir = sel.project_root / ".fstage" / "debug" / fn.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    if (opts.cache_dir.empty()) {
      return fail(Error::from_errno("mkdir", dir.string(), ec ? ec.value() : errno));
    }
    dir = opts.cache_dir / "debug" /
          (fs::path(sel.project_root).filename().string() + "-" +
           std::to_string(std::hash<std::string>{}(sel.project_root.string()))) /
          fn.name;
    fs::create_directories(dir, ec);
  }
  ::chmod(dir.c_str(), 0755);  // the sandbox's user may differ
  d::StepContext in{&m, &fn, &sel, &opts};
  auto env = opts.env;
  if (env.find("PATH") == env.end()) {
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  }
  d::go_env(in, env);
  // Objects compiled with -N -l in a cache of their own: the release build's cache keeps only
  // what release builds make (Go keys its cache by flags too; this keeps them apart on disk).
  env["GOCACHE"] = env["GOCACHE"] + "-debug";
  const fs::path binary = dir / fs::path(fn.handler).filename();
  const fs::path log = dir / "build.log";
  std::remove(log.c_str());
  if (opts.on_status) {
    opts.on_status("debug build " + fn.name + ": go build -gcflags=all=-N -l");
  }
  const std::vector<std::string> argv = {
      "go", "build", "-gcflags=all=-N -l", "-buildvcs=false", "-o", binary.string(), "."};
  int status = FSTAGE_TRY(d::run_process(argv, sel.code_root, env, log, opts.on_output));
  if (status != 0) {
    return fail(d::step_failed("go", join(argv, " "), status, log));
  }
  ::chmod(binary.c_str(), 0755);
  return binary;
}

}  // namespace fstage::builder
