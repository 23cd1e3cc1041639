// SPDX-License-Identifier: Apache-2.0
// Per-language launch plans: which interpreter, which shim, which environment.
#include "launch.hpp"

#include <algorithm>

#include <fstage/base/assets.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/interpreters.hpp>

#include <sys/stat.h>

namespace fstage::sandbox::detail {

namespace fs = std::filesystem;
using manifest::Language;

// The Java shim jar, embedded by sandbox/CMakeLists.txt (java_shim_data.cpp).
extern const unsigned char k_java_shim_jar[];
extern const std::size_t k_java_shim_jar_size;

namespace {

const std::string k_root(k_runtime_root);

Expected<SandboxFile> shim_file(std::string_view asset, std::string inside, unsigned mode) {
  const Asset* a = find_asset(asset);
  if (a == nullptr) {
    return fail(ErrorCode::internal,
                "runtime shim " + std::string(asset) + " is missing from this fstage binary");
  }
  return SandboxFile{std::move(inside), a->data, mode};
}

// An interpreter outside /usr (a pyenv or SDKMAN install) needs its installation bound in:
// the directory above its bin/.
void bind_interpreter(const Interpreter& in, LaunchPlan& plan) {
  if (in.path.string().starts_with("/usr/")) {
    return;
  }
  fs::path prefix = in.path.parent_path().parent_path();
  plan.binds.push_back({prefix, "", false});
}

Expected<Interpreter> interpreter(const FunctionSpec& spec, const RunnerOptions& o,
                                  LaunchPlan& plan) {
  auto in = find_interpreter_for(spec.runtime, o.host_env);
  if (!in) {
    return fail(std::move(in).error());
  }
  if (!version_matches(spec.runtime, in->version)) {
    plan.version_note = std::string(manifest::to_string(spec.runtime.language)) + " " +
                        in->version + ", not " + std::string(spec.runtime.name);
    if (o.warn_version_mismatch) {
      plan.warnings.push_back(
          std::string(spec.runtime.name) + " requested, but the host's " +
          std::string(manifest::to_string(spec.runtime.language)) + " is " + in->version + " (" +
          in->path.string() + "); point FSTAGE_" +
          (spec.runtime.language == Language::python   ? "PYTHON"
           : spec.runtime.language == Language::nodejs ? "NODE"
                                                       : "JAVA") +
          " at another interpreter to match, or set FSTAGE_NO_VERSION_WARNING=1 to accept it");
    }
  }
  bind_interpreter(*in, plan);
  return in;
}

// HTTP functions' bootstraps name the platform's interpreter paths
// (/opt/function/runtime/python3.9/rtsp/python/bin/python3, .../nodejs18.15/rtsp/nodejs/bin/
// node): link every such path to the host's interpreter so those bootstraps run unchanged.
void add_platform_interpreter_paths(const RunnerOptions& o, LaunchPlan& plan) {
  for (const auto& rt : manifest::all_runtimes()) {
    if (rt.language != Language::python && rt.language != Language::nodejs) {
      continue;
    }
    auto in = find_interpreter(rt.language, o.host_env);
    if (!in) {
      continue;
    }
    bind_interpreter(*in, plan);
    bool py = rt.language == Language::python;
    std::string dir = "/opt/function/runtime/" + std::string(py ? "python" : "nodejs") +
                      std::string(rt.version) + "/rtsp/" + (py ? "python" : "nodejs") + "/bin/";
    plan.links.emplace_back(dir + (py ? "python3" : "node"), in->path.string());
    if (py) {
      plan.links.emplace_back(dir + "python", in->path.string());
    }
  }
}

}  // namespace

std::vector<std::string> python_site_dirs(const fs::path& python, const std::string& version) {
  std::size_t dot = version.find('.');
  std::size_t end = dot == std::string::npos ? dot : version.find('.', dot + 1);
  const std::string lib = "python" + version.substr(0, end);   // "python3.11"
  const fs::path prefix = python.parent_path().parent_path();  // /usr/bin/python3.11 -> /usr
  std::vector<std::string> dirs;
  auto add = [&dirs](const fs::path& p) {
    std::string s = p.lexically_normal().string();
    if (std::find(dirs.begin(), dirs.end(), s) == dirs.end()) {
      dirs.push_back(std::move(s));
    }
  };
  for (const fs::path& base : {prefix, prefix / "local", fs::path("/usr/local")}) {
    add(base / "lib" / lib / "site-packages");
    add(base / "lib" / lib / "dist-packages");
  }
  add(prefix / "lib/python3/dist-packages");
  return dirs;
}

int cpu_millicores_for(int memory_mb) {
  return memory_mb / 128 * 100 + 200;
}

std::vector<std::string> runtime_environment(const FunctionSpec& spec,
                                             std::vector<std::string>& warnings) {
  Json user = Json::object();
  for (const auto& [k, v] : spec.env) {
    user[k] = v;
  }
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", "/home/snuser"},
      {"LANG", "C.UTF-8"},
  };
  // User variables come next so they can override the defaults above...
  for (const auto& [k, v] : spec.env) {
    if (manifest::is_reserved_env_key(k)) {
      warnings.push_back("environment variable " + k +
                         " is reserved by the platform; the user value is ignored");
      continue;
    }
    bool replaced = false;
    for (auto& e : env) {
      if (e.first == k) {
        e.second = v;
        replaced = true;
      }
    }
    if (!replaced) {
      env.emplace_back(k, v);
    }
  }
  // ...and the reserved RUNTIME_* ones last, which nothing overrides.
  std::vector<std::pair<std::string, std::string>> reserved = {
      {"RUNTIME_PROJECT_ID", spec.project_id},
      {"RUNTIME_FUNC_NAME", spec.name},
      {"RUNTIME_FUNC_VERSION", spec.version},
      {"RUNTIME_PACKAGE", spec.package},
      {"RUNTIME_HANDLER", spec.handler},
      {"RUNTIME_TIMEOUT", std::to_string(spec.timeout_s)},
      {"RUNTIME_USERDATA", user.dump()},
      {"RUNTIME_CPU", std::to_string(cpu_millicores_for(spec.memory_mb))},
      {"RUNTIME_MEMORY", std::to_string(spec.memory_mb)},
      {"RUNTIME_MAX_RESP_BODY_SIZE", std::to_string(k_max_response_bytes)},
      {"RUNTIME_ROOT", std::string(k_runtime_root)},
      {"RUNTIME_CODE_ROOT", std::string(k_code_root)},
      {"RUNTIME_LOG_DIR", std::string(k_log_dir)},
  };
  if (!spec.initializer.empty()) {
    reserved.emplace_back("RUNTIME_INITIALIZER_HANDLER", spec.initializer);
    reserved.emplace_back("RUNTIME_INITIALIZER_TIMEOUT", std::to_string(spec.initializer_timeout));
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : env) {
    out.push_back(k + "=" + v);
  }
  for (const auto& [k, v] : reserved) {
    out.push_back(k + "=" + v);
  }
  return out;
}

// Custom and HTTP functions start by running the code's `bootstrap`. The platform executes
// it and refuses one that is missing or not executable: "如果引导文件未找到或不是可执行文件，
// 函数在调用后将返回错误" (if the bootstrap is not found or is not executable, the function
// returns an error when invoked; HW-ZH 用户指南/自定义运行时.md, PLATFORM.md §1.6). So does
// fstage, before it starts anything, naming the fix (`fstage validate` reports the source's;
// this catches a build's output and an --artifact zip).
namespace {

Expected<void> check_bootstrap(const FunctionSpec& spec) {
  const auto path = spec.code_dir / "bootstrap";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return {};  // a missing one fails to start: the instance's sandbox error says so
  }
  if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) {
    return fail(ErrorCode::invalid_input,
                "`bootstrap` of " + quote(spec.name) +
                    " is not executable: the platform refuses to start it (it executes the "
                    "file; it does not hand it to a shell)",
                "chmod +x bootstrap   # zips keep the mode: the platform needs the execute bit");
  }
  return {};
}

}  // namespace

Expected<LaunchPlan> plan_launch(const FunctionSpec& spec, const RunnerOptions& options) {
  LaunchPlan plan;
  plan.env = runtime_environment(spec, plan.warnings);
  switch (spec.runtime.language) {
    case Language::python: {
      auto in = FSTAGE_TRY(interpreter(spec, options, plan));
      const std::string script = k_root + "/python/bootstrap.py";
      SandboxFile shim =
          FSTAGE_TRY(shim_file("sandbox/runtimes/python/bootstrap.py", script, 0644));
      // -B: the code directory is read-only, so do not even try to write __pycache__.
      plan.argv = {in.path.string(), "-B", script};
      // The shim compiled once for this interpreter, when it can be: Python runs a .pyc given
      // as the script directly. Tracebacks still name bootstrap.py.
      if (auto pyc = compiled_python(in, shim.data, script, options.host_env)) {
        plan.files.push_back(SandboxFile{script + "c", *pyc, 0644});
        plan.owned.push_back(std::move(pyc));
        plan.argv.back() = script + "c";
      }
      plan.files.push_back(std::move(shim));
      // The platform's Python has the standard library and the function's package, not the
      // packages of the developer's machine: hide those, so that a dependency missing from
      // the package fails here as it would there. (It also spares every cold start the
      // host's .pth hooks.)
      plan.masks = python_site_dirs(in.path, in.version);
      return plan;
    }
    case Language::nodejs: {
      auto in = FSTAGE_TRY(interpreter(spec, options, plan));
      plan.files.push_back(FSTAGE_TRY(shim_file("sandbox/runtimes/nodejs/bootstrap.js",
                                                k_root + "/nodejs/bootstrap.js", 0644)));
      // Keep V8's heap inside the memory limit so a leak ends as a JavaScript heap error
      // rather than a kill.
      int heap = std::max(16, spec.memory_mb * 3 / 4);
      plan.argv = {in.path.string(), "--max-old-space-size=" + std::to_string(heap),
                   k_root + "/nodejs/bootstrap.js"};
      return plan;
    }
    case Language::http: {
      // The bootstrap holds the start command of the user's web server.
      FSTAGE_TRY(check_bootstrap(spec));
      plan.argv = {std::string(k_code_root) + "/bootstrap"};
      plan.protocol = Protocol::http_function;
      add_platform_interpreter_paths(options, plan);
      return plan;
    }
    case Language::java: {
      auto in = FSTAGE_TRY(interpreter(spec, options, plan));
      const std::string dir = k_root + "/java/";
      plan.files.push_back(SandboxFile{
          dir + "fstage-java-shim.jar",
          std::string_view(reinterpret_cast<const char*>(k_java_shim_jar), k_java_shim_jar_size),
          0644});
      plan.files.push_back(FSTAGE_TRY(
          shim_file("sdk/java/fstage-runtime-api.jar", dir + "fstage-runtime-api.jar", 0644)));
      // Heap below the memory limit so an overflow is an OutOfMemoryError, not a kill; the
      // serial collector starts fastest and needs no extra threads.
      int heap = std::max(16, spec.memory_mb * 3 / 4);
      plan.argv = {in.path.string(),
                   "-Xmx" + std::to_string(heap) + "m",
                   "-XX:+UseSerialGC",
                   "-Xshare:auto",
                   "-cp",
                   dir + "fstage-java-shim.jar:" + dir + "fstage-runtime-api.jar",
                   "fstage.runtime.Bootstrap"};
      plan.protocol = Protocol::runtime_api;
      plan.env.push_back("RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(k_runtime_api_port));
      return plan;
    }
    case Language::go: {
      // Go1.x: the handler names the executable, which serves net/rpc on RUNTIME_API_ADDR.
      plan.argv = {std::string(k_code_root) + "/" + spec.handler};
      plan.protocol = Protocol::go_rpc;
      plan.env.push_back("RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(k_runtime_api_port));
      // Let Go's collector work toward the limit instead of being killed at it.
      plan.env.push_back("GOMEMLIMIT=" + std::to_string(std::max(16, spec.memory_mb * 3 / 4)) +
                         "MiB");
      return plan;
    }
    case Language::custom: {
      // The user's executable bootstrap does its own init and loops on the runtime API.
      FSTAGE_TRY(check_bootstrap(spec));
      plan.argv = {std::string(k_code_root) + "/bootstrap"};
      plan.protocol = Protocol::runtime_api;
      plan.env.push_back("RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(k_runtime_api_port));
      return plan;
    }
    default:
      return fail(
          ErrorCode::invalid_input,
          "fstage cannot run " + std::string(spec.runtime.name) + " functions locally yet",
          "Python, Node.js, Java, Go, Custom (bootstrap) and HTTP functions run locally today");
  }
}

}  // namespace fstage::sandbox::detail
