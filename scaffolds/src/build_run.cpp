// SPDX-License-Identifier: Apache-2.0
// Running the build step in a staging directory, with a content-hash cache.
//
// Layout under <project>/.fstage/cache/<function>/:
//   key        SHA-256 of the build inputs (path, mode, content hash), the command and settings
//   out/       the build output of that key: what the zip gets besides (or instead of) sources
//   build.log  output of the last build command
// A build copies its inputs into staging-XXXXXX/src (the source tree is never written), runs
// there, and its output replaces out/ only when it succeeded.
#include <chrono>
#include <cstdio>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::scaffolds::detail {

namespace {

bool is_dir(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Expected<std::string> cache_key(const BuildPlan& plan, const BuildInput& in) {
  const auto& fn = *in.function;
  Sha256 sha;
  std::string head = "fstage-build-v1\n" + std::string(to_string(plan.kind)) + "\n" + plan.display +
                     "\n" + std::string(fn.runtime.name) + "\n" + fn.handler + "\n" + fn.name +
                     "\n" + std::to_string(in.options->epoch) + "\n" +
                     std::to_string(in.options->compression_level) + "\n";
  sha.update(head.data(), head.size());
  for (const auto& e : *in.inputs) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    if (e.directory) {
      continue;
    }
    std::string line =
        e.name + '\0' + std::to_string(e.mode) + '\0' + FSTAGE_TRY(sha256_entry(e)) + "\n";
    sha.update(line.data(), line.size());
  }
  return sha.hex();
}

std::map<std::string, std::string> base_env(const BuildInput& in) {
  auto env = in.options->env;
  if (env.find("PATH") == env.end()) {
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  }
  env["FSTAGE_FUNCTION"] = in.function->name;
  env["FSTAGE_RUNTIME"] = std::string(in.function->runtime.name);
  env["FSTAGE_HANDLER"] = in.function->handler;
  env["FSTAGE_SOURCE_DIR"] = in.code_root.string();
  return env;
}

std::string python_for(const manifest::Function& fn,
                       const std::map<std::string, std::string>& env) {
  // The system interpreter, not a version-manager shim: the one matching the runtime if the
  // host has it, else python3.
  std::string versioned = "/usr/bin/python" + std::string(fn.runtime.version);
  if (!fn.runtime.version.empty() && ::access(versioned.c_str(), X_OK) == 0) {
    return versioned;
  }
  if (::access("/usr/bin/python3", X_OK) == 0) {
    return "/usr/bin/python3";
  }
  auto it = env.find("PATH");
  std::string found = find_program("python3", it == env.end() ? "" : it->second);
  return found.empty() ? "python3" : found;
}

Expected<void> check_status(int status, const BuildPlan& plan, const fs::path& log) {
  if (status == 0) {
    return {};
  }
  Error e(ErrorCode::io,
          "build failed: `" + plan.display + "` exited with status " + std::to_string(status));
  e.details = tail_lines(log, 20);
  e.hint = "the full output is in " + log.string();
  return fail(std::move(e));
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

Expected<void> run_step(const BuildPlan& plan, const BuildInput& in, const fs::path& src,
                        const fs::path& out, const fs::path& log) {
  const auto& fn = *in.function;
  auto env = base_env(in);
  int status = 0;
  switch (plan.kind) {
    case BuildKind::pip:
      env["PYTHONDONTWRITEBYTECODE"] = "1";
      env["PIP_NO_INPUT"] = "1";
      status = FSTAGE_TRY(run_process(
          {python_for(fn, env), "-m", "pip", "install", "-r", "requirements.txt", "--target",
           out.string(), "--no-compile", "--disable-pip-version-check", "--quiet"},
          src, env, log));
      break;
    case BuildKind::npm: {
      for (const char* f : {"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"}) {
        std::error_code ec;
        fs::copy_file(src / f, out / f, ec);  // missing ones are fine
      }
      status = FSTAGE_TRY(
          run_process({"npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"},
                      out, env, log));
      for (const char* f : {"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"}) {
        std::error_code ec;
        fs::remove(out / f, ec);
      }
      break;
    }
    case BuildKind::go: {
      env["GOOS"] = "linux";
      env["GOARCH"] = "amd64";
      env["CGO_ENABLED"] = "0";
      env["GOFLAGS"] = (env.count("GOFLAGS") ? env["GOFLAGS"] + " " : "") + "-mod=mod";
      env.emplace("GOPROXY", "off");  // offline unless the user chose a proxy
      env["GOTOOLCHAIN"] = "local";
      if (!env.count("HOME") && !env.count("GOCACHE")) {
        env["GOCACHE"] = (in.project_root / ".fstage" / "cache" / "go-build").string();
      }
      status = FSTAGE_TRY(run_process(
          {"go", "build", "-trimpath", "-buildvcs=false", "-o", (out / fn.handler).string(), "."},
          src, env, log));
      break;
    }
    case BuildKind::maven: {
      status = FSTAGE_TRY(
          run_process({"mvn", "-q", "-o", "-B", "package", "-DskipTests"}, src, env, log));
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
      status = FSTAGE_TRY(run_process({"/bin/sh", "-c", fn.build}, src, env, log));
      break;
    case BuildKind::none:
      break;
  }
  return check_status(status, plan, log);
}

// Moves `result` to cache/out, replacing the previous output.
Expected<void> install_output(const fs::path& result, const fs::path& cache,
                              const fs::path& trash) {
  std::error_code ec;
  if (is_dir(cache / "out")) {
    fs::rename(cache / "out", trash, ec);
    if (ec) {
      return fail(Error::from_errno("rename", (cache / "out").string(), ec.value()));
    }
  }
  fs::rename(result, cache / "out", ec);
  if (ec) {
    return fail(Error::from_errno("rename", result.string(), ec.value()));
  }
  return {};
}

}  // namespace

Expected<fs::path> run_build(const BuildPlan& plan, const BuildInput& in, BuildReport& report) {
  report.kind = std::string(to_string(plan.kind));
  report.command = plan.display;
  if (plan.kind == BuildKind::none) {
    return fs::path();
  }
  const auto& opts = *in.options;
  const fs::path cache = in.project_root / ".fstage" / "cache" / in.function->name;
  auto key = FSTAGE_TRY(cache_key(plan, in));
  auto old_key = read_file(cache / "key");
  if (!opts.rebuild && old_key && trim(*old_key) == key && is_dir(cache / "out")) {
    report.cached = true;
    if (opts.on_status) {
      opts.on_status("build skipped: inputs unchanged since the last build (" +
                     std::string(to_string(plan.kind)) + ", cached in .fstage/cache/" +
                     in.function->name + ")");
    }
    return cache / "out";
  }
  if (opts.on_status) {
    opts.on_status("build: " + plan.display);
  }
  auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(cache, ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", cache.string(), ec.value()));
  }
  auto staging = FSTAGE_TRY(TempDir::create(cache, "staging-"));
  const fs::path src = staging.path() / "src";
  const fs::path out = staging.path() / "out";
  fs::create_directories(src, ec);
  fs::create_directories(out, ec);
  for (const auto& e : *in.inputs) {
    if (interrupted()) {
      return fail(interrupted_error());
    }
    if (!e.directory) {
      FSTAGE_TRY(copy_entry(e, src / e.name));
    }
  }
  const fs::path log = cache / "build.log";
  std::remove(log.c_str());
  FSTAGE_TRY(run_step(plan, in, src, out, log));
  if (interrupted()) {
    return fail(interrupted_error());
  }
  // A custom build that left $FSTAGE_OUT empty ships its whole staging copy.
  bool out_empty = fs::is_empty(out, ec);
  fs::path result = plan.kind == BuildKind::custom && out_empty ? src : out;
  std::remove((cache / "key").c_str());
  FSTAGE_TRY(install_output(result, cache, staging.path() / "previous"));
  FSTAGE_TRY(write_file_atomic(cache / "key", key + "\n"));
  report.ran = true;
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return cache / "out";
}

}  // namespace fstage::scaffolds::detail
