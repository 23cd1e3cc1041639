// SPDX-License-Identifier: Apache-2.0
// The runtime's build step, run in a staging copy that mirrors the project (build_tree.cpp
// makes it): npm ci, go build, mvn package, javac (build_java.cpp), pip (build_pip.cpp) or the
// manifest's own `build:`. Each writes what it makes into `out`.
#include <chrono>
#include <cstdio>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

bool is_dir(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::map<std::string, std::string> base_env(const StepContext& in, const fs::path& src) {
  auto env = in.options->env;
  if (env.find("PATH") == env.end()) {
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  }
  env["FSTAGE_FUNCTION"] = in.function->name;
  env["FSTAGE_RUNTIME"] = std::string(in.function->runtime.name);
  env["FSTAGE_HANDLER"] = in.function->handler;
  env["FSTAGE_SOURCE_DIR"] = in.selection->code_root.string();
  env["FSTAGE_BUILD_DIR"] = src.string();
  return env;
}

Expected<void> check_status(int status, const BuildPlan& plan, const fs::path& log) {
  if (status == 0) {
    return {};
  }
  return fail(step_failed(to_string(plan.kind), plan.display, status, log));
}

// The single jar maven built in target/.
Expected<fs::path> maven_jar(const fs::path& src) {
  std::vector<fs::path> jars;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(src / "target", ec)) {
    std::string n = de.path().filename().string();
    if (n.ends_with(".jar") && !n.ends_with("-sources.jar") && !n.ends_with("-javadoc.jar") &&
        !n.ends_with("-tests.jar") && !n.starts_with("original-")) {
      jars.push_back(de.path());
    }
  }
  if (jars.size() != 1) {
    return fail(ErrorCode::invalid_input,
                "mvn package left " + std::to_string(jars.size()) + " jars in target/, expected 1",
                "configure one artifact (e.g. a shaded jar) or set `build:` in fstage.yaml");
  }
  return jars.front();
}

}  // namespace

// Go's module and build caches in fstage's cache directory; modules the developer's own Go
// has downloaded are found through its module cache, used as a read-only proxy, unless a
// GOPROXY is set.
void go_env(const StepContext& in, std::map<std::string, std::string>& env) {
  env["GOOS"] = "linux";
  env["GOARCH"] = "amd64";
  env["CGO_ENABLED"] = "0";
  env["GOFLAGS"] = (env.count("GOFLAGS") ? env["GOFLAGS"] + " " : "") + "-mod=mod";
  env["GOTOOLCHAIN"] = "local";
  std::string user_cache = env.count("GOMODCACHE") ? env["GOMODCACHE"]
                           : env.count("GOPATH")   ? split(env["GOPATH"], ':')[0] + "/pkg/mod"
                           : env.count("HOME")     ? env["HOME"] + "/go/pkg/mod"
                                                   : "";
  const fs::path cache = in.options->cache_dir.empty()
                             ? in.selection->project_root / ".fstage" / "cache"
                             : in.options->cache_dir;
  env["GOMODCACHE"] = (cache / "go" / "mod").string();
  env["GOCACHE"] = (cache / "go" / "build").string();
  if (!env.count("GOPROXY")) {
    std::string proxy = "off";
    if (!user_cache.empty() && is_dir(fs::path(user_cache) / "cache" / "download") &&
        fs::path(user_cache) != fs::path(env["GOMODCACHE"])) {
      proxy = "file://" + user_cache + "/cache/download,off";
    }
    env["GOPROXY"] = proxy;
  }
}

Expected<void> npm_install(const StepContext& in, const fs::path& cwd, const fs::path& out,
                           const fs::path& log) {
  std::error_code ec;
  const bool locked =
      fs::exists(cwd / "package-lock.json", ec) || fs::exists(cwd / "npm-shrinkwrap.json", ec);
  // --install-links: a `file:` dependency is installed as the files it holds, not as a link
  // that would dangle in the zip.
  std::vector<std::string> argv = {
      "npm",       locked ? "ci" : "install", "--omit=dev", "--install-links", "--no-audit",
      "--no-fund", "--loglevel=error"};
  if (!locked) {
    argv.emplace_back("--no-package-lock");
  }
  int status = FSTAGE_TRY(run_process(argv, cwd, base_env(in, cwd), log, in.options->on_output));
  if (status != 0) {
    return fail(step_failed("npm", join(argv, " "), status, log));
  }
  if (fs::exists(cwd / "node_modules", ec)) {  // none when nothing is to be installed
    fs::rename(cwd / "node_modules", out / "node_modules", ec);
    if (ec) {
      return fail(Error::from_errno("rename", (cwd / "node_modules").string(), ec.value()));
    }
  }
  return {};
}

Expected<void> run_step(const BuildPlan& plan, const StepContext& in, const fs::path& src,
                        const fs::path& out, const fs::path& log) {
  const auto& fn = *in.function;
  auto env = base_env(in, src);
  const auto& echo = in.options->on_output;
  int status = 0;
  switch (plan.kind) {
    case BuildKind::pip:
      return pip_install(in, src, "requirements.txt", out, log);
    case BuildKind::npm:
      return npm_install(in, src, out, log);
    case BuildKind::go: {
      go_env(in, env);
      status = FSTAGE_TRY(run_process(
          {"go", "build", "-trimpath", "-buildvcs=false", "-o", (out / fn.handler).string(), "."},
          src, env, log, echo));
      break;
    }
    case BuildKind::maven: {
      status = FSTAGE_TRY(
          run_process({"mvn", "-q", "-o", "-B", "package", "-DskipTests"}, src, env, log, echo));
      FSTAGE_TRY(check_status(status, plan, log));
      auto jar = FSTAGE_TRY(maven_jar(src));
      std::error_code ec;
      fs::copy_file(jar, out / (fn.name + ".jar"), ec);
      if (ec) {
        return fail(Error::from_errno("copy", jar.string(), ec.value()));
      }
      return {};
    }
    case BuildKind::javac:
      return build_javac(in, src, out, log);
    case BuildKind::custom:
      env["FSTAGE_OUT"] = out.string();
      status = FSTAGE_TRY(run_process({"/bin/sh", "-c", fn.build}, src, env, log, echo));
      break;
    case BuildKind::none:
      break;
  }
  return check_status(status, plan, log);
}

}  // namespace fstage::builder::detail
