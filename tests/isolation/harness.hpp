// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the isolation tests: capability-gated skips and running fstage-probe in
// a sandbox.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <fstage/sandbox/sandbox.hpp>

namespace iso {

namespace fs = std::filesystem;
namespace sb = fstage::sandbox;

const sb::Capabilities& caps();

// Why `need` cannot run here, or "" when it can. Needs: "ns", "userns", "nouserns",
// "cgroup", "cgroupv1", "cgroupv2", "root", "rootless", "seccomp", "python", "node", "java".
std::string missing(const std::string& need);

// True (and the test should return) when a need is missing: prints "skipped: <test>: why",
// or fails the test when FSTAGE_TEST_REQUIRE asks for it.
bool skip_unless(std::initializer_list<const char*> needs);
#define NEED(...)                        \
  if (iso::skip_unless({__VA_ARGS__})) { \
    return;                              \
  }

int ran_count();
int skipped_count();

struct Run {
  sb::ExitInfo exit;
  std::string out;
  std::string err;
  std::uint64_t peak = 0;
  sb::Isolation isolation;
  double seconds = 0;
  std::string error;  // spawn failed: the error message
};

struct Options {
  sb::Limits limits;
  bool network_host = false;
  std::chrono::milliseconds timeout{15000};
  std::vector<sb::Bind> binds;
  std::vector<std::string> masks;
  fs::path code_dir;  // default: the probe's own directory
  int runtime_fd = -1;
  std::vector<std::string> env;
};

// The probe inside the sandbox: its directory is bound at /opt/probe.
inline constexpr const char* k_probe = "/opt/probe/fstage-probe";

// Runs argv (argv[0] an inside path) in a fresh sandbox to its end.
Run run(std::vector<std::string> argv, Options o = {});
// run() with k_probe prepended.
Run probe(std::vector<std::string> args, Options o = {});

// A temporary directory (removed at scope exit) readable by the sandbox user.
struct TempDir {
  TempDir();
  ~TempDir();
  fs::path path;
};

std::string host_path_of_probe();

}  // namespace iso
