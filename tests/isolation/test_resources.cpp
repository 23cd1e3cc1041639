// SPDX-License-Identifier: Apache-2.0
// R1–R6: limits (SANDBOX.md §5). Small limits keep every case to a second or two.
#include <csignal>

#include <catch2/catch.hpp>

#include "harness.hpp"

using iso::probe;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("R1 a fork bomb hits the process limit and the supervisor survives", "[limits]") {
  NEED("ns");
  iso::Options o;
  o.limits.pids = 48;
  auto r = probe({"forkbomb"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "forkbomb=EAGAIN"));
  auto forked = std::stol(r.out.substr(r.out.find("forked=") + 7));
  CHECK(forked < 48);
  CHECK(r.exit.exited);
}

TEST_CASE("R2 a memory hog is stopped and reported as OOM", "[limits]") {
  NEED("ns");
  iso::Options o;
  o.limits.memory_mb = 64;
  auto r = probe({"memhog", "400"}, o);
  INFO(r.error << r.out << r.err << " signal " << r.exit.term_signal);
  CHECK(r.exit.oom);
  CHECK_FALSE(has(r.out, "memhog=done"));
  CHECK(r.peak > (32u << 20));
}

TEST_CASE("R2 memory of several processes is counted together", "[limits]") {
  NEED("ns");
  iso::Options o;
  o.limits.memory_mb = 96;
  auto r = probe({"memhog", "40", "3"}, o);  // 3 × 40 MB > 96 MB, each alone fits
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.oom);
}

TEST_CASE("R2 memory use under the limit is measured, not assumed", "[limits]") {
  NEED();
  iso::Options o;
  o.limits.memory_mb = 256;
  auto r = probe({"memhog", "40"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "memhog=done"));
  CHECK_FALSE(r.exit.oom);
  CHECK(r.peak >= (40u << 20));
  CHECK(r.peak < (200u << 20));
}

TEST_CASE("R3 a busy loop is killed at the timeout", "[limits]") {
  NEED();
  iso::Options o;
  o.timeout = std::chrono::milliseconds(700);
  auto r = probe({"spin"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.killed == fstage::sandbox::KillReason::timeout);
  CHECK(r.exit.term_signal == SIGKILL);
  CHECK(r.seconds < 5);
}

TEST_CASE("R3 RLIMIT_CPU stops CPU use beyond the budget", "[limits]") {
  NEED();
  iso::Options o;
  o.limits.cpu_seconds = 1;
  auto r = probe({"spin"}, o);
  INFO(r.error << r.out << r.err);
  CHECK((r.exit.term_signal == SIGXCPU || r.exit.term_signal == SIGKILL));
  CHECK(r.exit.killed == fstage::sandbox::KillReason::none);
}

TEST_CASE("R4 rlimits are visible in /proc/self/limits", "[limits]") {
  NEED();
  auto r = probe({"cat", "/proc/self/limits"});
  INFO(r.out);
  CHECK(has(r.out, "Max open files            1024                 1024"));
  CHECK(has(r.out, "Max core file size        0                    0"));
  CHECK(has(r.out, "Max address space         unlimited            unlimited"));
}

TEST_CASE("R5 overrunning /dev/shm raises SIGBUS", "[limits]") {
  NEED("ns");
  iso::Options o;
  o.limits.shm_mb = 8;
  auto r = probe({"shm", "32"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.term_signal == SIGBUS);
}

TEST_CASE("R6 the JVM starts under a memory limit (no RLIMIT_AS)", "[limits]") {
  NEED("java");
  iso::Options o;
  o.limits.memory_mb = 256;
  auto r = iso::run({"/usr/bin/java", "-Xshare:auto", "-version"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.exited);
  CHECK(r.exit.exit_code == 0);
  CHECK(has(r.err, "version"));
}

TEST_CASE("R6 Node.js starts under a memory limit (no RLIMIT_AS)", "[limits]") {
  NEED("node");
  iso::Options o;
  o.limits.memory_mb = 128;
  auto r = iso::run({"/usr/bin/node", "-e", "console.log(new Array(1e6).fill(1).length)"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.out == "1000000\n");
}

TEST_CASE("R2 a cgroup v2 leaf enforces memory.max and reports OOM from memory.events",
          "[limits]") {
  NEED("ns", "cgroupv2");
  iso::Options o;
  o.limits.memory_mb = 64;
  auto r = probe({"memhog", "400"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.oom);
  bool v2 = false;
  for (const auto& e : r.isolation.enforced) {
    v2 = v2 || has(e, "memory 64 MB (cgroup v2)");
  }
  CHECK(v2);
}

TEST_CASE("R2 a cgroup v1 leaf enforces the limit and reports OOM from memory.oom_control",
          "[limits]") {
  NEED("ns", "cgroupv1");
  iso::Options o;
  o.limits.memory_mb = 64;
  auto r = probe({"memhog", "400"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.oom);
  CHECK(r.exit.term_signal == SIGKILL);  // the kernel's OOM killer, not our watchdog
  bool v1 = false;
  for (const auto& e : r.isolation.enforced) {
    v1 = v1 || has(e, "memory 64 MB (cgroup v1)");
  }
  CHECK(v1);
}

TEST_CASE("R2 without a cgroup the RSS watchdog stops a memory hog", "[limits]") {
  NEED("watchdog");
  iso::Options o;
  o.limits.memory_mb = 64;
  auto r = probe({"memhog", "400"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(r.exit.oom);
  CHECK(r.exit.killed == fstage::sandbox::KillReason::memory);
}
