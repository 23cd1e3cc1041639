// SPDX-License-Identifier: Apache-2.0
#include "harness.hpp"

#include <cstdlib>
#include <iostream>
#include <set>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/strings.hpp>
#include <fstage/sandbox/interpreters.hpp>

namespace iso {

namespace {

int g_ran = 0;
int g_skipped = 0;
std::string g_last_test;

std::map<std::string, std::string> host_env() {
  std::map<std::string, std::string> env;
  if (const char* p = std::getenv("PATH")) {
    env["PATH"] = p;
  }
  return env;
}

bool required(const std::string& need) {
  const char* r = std::getenv("FSTAGE_TEST_REQUIRE");
  if (r == nullptr || *r == '\0') {
    return false;
  }
  std::string v = r;
  if (v == "1" || v == "all" || v == "yes") {
    return true;
  }
  for (const auto& item : fstage::split(v, ',')) {
    if (fstage::trim(item) == need) {
      return true;
    }
  }
  return false;
}

}  // namespace

const sb::Capabilities& caps() {
  const char* d = std::getenv("FSTAGE_SANDBOX_DISABLE");
  return sb::probe(sb::ProbeOptions::from_env_value(d != nullptr ? d : ""));
}

std::string missing(const std::string& need) {
  const auto& c = caps();
  if (need == "ns") {
    return c.namespaces ? "" : "no namespaces on this host (degraded tier)";
  }
  if (need == "userns") {
    return c.userns ? "" : "user namespaces are unusable here";
  }
  if (need == "nouserns") {
    return !c.userns && c.namespaces ? "" : "only for root without a user namespace";
  }
  if (need == "degraded") {
    return !c.namespaces ? ""
                         : "only for the degraded tier (set FSTAGE_SANDBOX_DISABLE=namespaces)";
  }
  if (need == "cgroup") {
    return c.cgroup.mode != sb::CgroupMode::none ? "" : "no usable cgroup: " + c.cgroup.reason;
  }
  if (need == "cgroupv1") {
    return c.cgroup.mode == sb::CgroupMode::v1 ? "" : "cgroup v1 is not writable here";
  }
  if (need == "cgroupv2") {
    return c.cgroup.mode == sb::CgroupMode::v2
               ? ""
               : "no delegated cgroup v2 here (" + c.cgroup.reason + ")";
  }
  if (need == "watchdog") {
    return c.cgroup.mode == sb::CgroupMode::none ? "" : "a cgroup is in use, not the watchdog";
  }
  if (need == "root") {
    return ::geteuid() == 0 ? "" : "needs root";
  }
  if (need == "rootless") {
    return ::geteuid() != 0 ? "" : "needs an unprivileged user";
  }
  if (need == "go") {
    return std::string(FSTAGE_GO_FIXTURE).empty() ? "no Go toolchain: the Go fixture was not built"
                                                  : "";
  }
  if (need == "curl") {
    return ::access("/usr/bin/curl", X_OK) == 0 ? "" : "no /usr/bin/curl for the shell bootstrap";
  }
  if (need == "seccomp") {
    return c.seccomp ? "" : "seccomp unavailable";
  }
  using fstage::manifest::Language;
  Language lang = need == "python" ? Language::python
                  : need == "node" ? Language::nodejs
                  : need == "java" ? Language::java
                                   : Language::other;
  if (lang != Language::other) {
    auto in = fstage::sandbox::find_interpreter(lang, host_env());
    return in ? "" : need + " not installed: " + in.error().message;
  }
  return "unknown need '" + need + "'";
}

bool skip_unless(std::initializer_list<const char*> needs) {
  std::string name = Catch::getResultCapture().getCurrentTestName();
  for (const char* n : needs) {
    std::string why = missing(n);
    if (why.empty()) {
      continue;
    }
    if (required(n)) {
      FAIL("required by FSTAGE_TEST_REQUIRE but unavailable: [" << n << "] " << why);
    }
    std::cout << "skipped: " << name << ": [" << n << "] " << why << "\n";
    ++g_skipped;
    return true;
  }
  if (name != g_last_test) {
    ++g_ran;
    g_last_test = name;
  }
  return false;
}

int ran_count() {
  return g_ran;
}
int skipped_count() {
  return g_skipped;
}

std::string host_path_of_probe() {
  return FSTAGE_PROBE;
}

Run run(std::vector<std::string> argv, Options o) {
  sb::SandboxConfig cfg;
  cfg.argv = std::move(argv);
  cfg.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"};
  cfg.env.insert(cfg.env.end(), o.env.begin(), o.env.end());
  fs::path probe_dir = fs::path(FSTAGE_PROBE).parent_path();
  cfg.code_dir = o.code_dir.empty() ? probe_dir : o.code_dir;
  cfg.binds = o.binds;
  cfg.binds.push_back({probe_dir, "/opt/probe", false});
  cfg.masks = o.masks;
  cfg.limits = o.limits;
  cfg.network_host = o.network_host;
  cfg.runtime_fd = o.runtime_fd;
  Run r;
  auto start = std::chrono::steady_clock::now();
  auto box = sb::Sandbox::spawn(cfg, caps());
  if (!box) {
    r.error = box.error().message;
    return r;
  }
  r.isolation = (*box)->isolation();
  auto outcome = (*box)->run_to_end(o.timeout);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.exit = outcome.exit;
  r.out = outcome.out;
  r.err = outcome.err;
  r.peak = outcome.peak_memory;
  return r;
}

Run probe(std::vector<std::string> args, Options o) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.emplace_back(k_probe);
  for (auto& a : args) {
    argv.push_back(std::move(a));
  }
  return run(std::move(argv), std::move(o));
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "fstage-iso-XXXXXX").string();
  char* p = ::mkdtemp(tmpl.data());
  path = p != nullptr ? fs::path(p) : fs::path();
  std::error_code ec;
  fs::permissions(path, fs::perms(0755), ec);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace iso
