// SPDX-License-Identifier: Apache-2.0
// Launch plans for debug sessions: each runtime started under its own standard debugger, which
// listens on 127.0.0.1:PORT and holds the function until a client attaches.
#include <algorithm>
#include <cstdlib>

#include <fstage/base/strings.hpp>

#include "debug_session.hpp"

namespace fstage::sandbox::detail {

namespace fs = std::filesystem;
using manifest::Language;

namespace {

const std::string k_debug_root = std::string(k_runtime_root) + "/debug";

// The host's debugpy: in one of the interpreter's site directories, which a normal run masks
// (plan.masks, python_site_dirs). Only the package itself is bound in, not its neighbours.
Expected<fs::path> find_debugpy(const LaunchPlan& plan) {
  std::error_code ec;
  // Debian's python3-debugpy last: pure Python, it serves other 3.x interpreters too.
  std::vector<std::string> dirs = plan.masks;
  dirs.emplace_back("/usr/lib/python3/dist-packages");
  for (const auto& dir : dirs) {
    fs::path p = fs::path(dir) / "debugpy";
    if (fs::exists(p / "__init__.py", ec)) {
      return p;
    }
  }
  return fail(
      ErrorCode::not_found,
      "debugpy is not installed for " + plan.argv.front() + " (looked in " + join(dirs, ", ") + ")",
      "apt-get install python3-debugpy, or pip install debugpy for that interpreter");
}

// `dlv` on the host's PATH.
Expected<fs::path> find_dlv(const RunnerOptions& options) {
  auto it = options.host_env.find("PATH");
  std::string path = it == options.host_env.end() ? "/usr/bin:/bin" : it->second;
  for (const auto& dir : split(path, ':')) {
    fs::path p = fs::path(dir.empty() ? "." : dir) / "dlv";
    std::error_code ec;
    if (!dir.empty() && fs::is_regular_file(p, ec)) {
      return fs::canonical(p, ec);
    }
  }
  return fail(ErrorCode::not_found, "Delve (dlv) is not on PATH",
              "apt-get install delve, or go install github.com/go-delve/delve/cmd/dlv@latest");
}

}  // namespace

Expected<void> apply_debug(LaunchPlan& plan, const FunctionSpec& spec,
                           const RunnerOptions& options) {
  const int port = options.debug.port;
  const DebuggerInfo* info = debugger_for(spec.runtime.language);
  if (info == nullptr) {
    return fail(ErrorCode::invalid_input,
                "fstage has no debugger for " + std::string(spec.runtime.name) + " functions",
                "Python, Node.js, Java and Go functions can be debugged; a custom or HTTP "
                "function's bootstrap can start a debugger itself");
  }
  if (port == k_runtime_api_port || port == k_http_function_port) {
    return fail(ErrorCode::usage,
                "debug port " + std::to_string(port) + " is used inside the sandbox itself",
                "choose another port, e.g. " + std::to_string(info->default_port));
  }
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  switch (spec.runtime.language) {
    case Language::python: {
      fs::path debugpy = FSTAGE_TRY(find_debugpy(plan));
      const std::string dir = k_debug_root + "/python";
      plan.binds.push_back({debugpy, dir + "/debugpy", false});
      // Debian's package unvendors pydevd's `bytecode` (python3-bytecode): beside debugpy.
      std::error_code ec;
      if (fs::is_directory(debugpy.parent_path() / "bytecode", ec)) {
        plan.binds.push_back({debugpy.parent_path() / "bytecode", dir + "/bytecode", false});
      }
      // Debian's package links its vendored pydevd to modules beside it in dist-packages
      // (debugpy/_vendored/pydevd/X -> ../../../X): bind those at the same place.
      for (const auto& e : fs::directory_iterator(debugpy / "_vendored" / "pydevd", ec)) {
        if (e.is_symlink(ec) &&
            fs::read_symlink(e.path(), ec) == fs::path("../../..") / e.path().filename()) {
          plan.binds.push_back({debugpy.parent_path() / e.path().filename(),
                                dir + "/" + e.path().filename().string(), false});
        }
      }
      plan.env.push_back("PYTHONPATH=" + dir);
      // The shim's source, not its compiled form: debugpy steps through the file it ran.
      std::string script = std::string(k_runtime_root) + "/python/bootstrap.py";
      std::erase_if(plan.files, [&](const SandboxFile& f) { return f.inside == script + "c"; });
      plan.argv = {plan.argv.front(),   "-B",  "-m", "debugpy", "--listen", listen,
                   "--wait-for-client", script};
      return {};
    }
    case Language::nodejs:
      // Stops on the shim's first line; the client sets its breakpoints and resumes.
      plan.argv.insert(plan.argv.begin() + 1, "--inspect-brk=" + listen);
      return {};
    case Language::java:
      plan.argv.insert(plan.argv.begin() + 1,
                       "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=" + listen);
      return {};
    case Language::go: {
      if (options.debug.go_binary.empty()) {
        return fail(ErrorCode::internal, "a Go debug session needs the handler's debug build");
      }
      fs::path dlv = FSTAGE_TRY(find_dlv(options));
      if (!dlv.string().starts_with("/usr/")) {
        plan.binds.push_back({dlv, dlv.string(), false});
      }
      const std::string binary = k_debug_root + "/go/" + fs::path(spec.handler).filename().string();
      plan.binds.push_back({options.debug.go_binary, binary, false});
      // Delve writes its configuration under $XDG_CONFIG_HOME; the sandbox's home is read-only.
      plan.env.push_back("XDG_CONFIG_HOME=/tmp");
      // --only-same-user=false: the connection comes from the sandbox's init, which the
      // forwarder uses, and nothing else can reach the port.
      plan.argv = {dlv.string(),
                   "exec",
                   "--headless",
                   "--listen=" + listen,
                   "--api-version=2",
                   "--accept-multiclient",
                   "--only-same-user=false",
                   "--wd=" + std::string(k_code_root),
                   binary};
      return {};
    }
    default:
      return {};
  }
}

}  // namespace fstage::sandbox::detail
