// SPDX-License-Identifier: Apache-2.0
// L1–L6: the sandbox's life and death (SANDBOX.md §5); L7: abandoning one at exit.
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>

#include "harness.hpp"
#include <sys/socket.h>
#include <sys/wait.h>

using iso::probe;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Processes whose command line contains `marker`.
int count_with_marker(const std::string& marker) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name[0] < '1' || name[0] > '9') {
      continue;
    }
    auto cmd = fstage::read_file(e.path() / "cmdline");
    if (cmd && cmd->find(marker) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

// Cgroup leaves, in every hierarchy we use, whose name starts with `prefix`.
int cgroups_named(const std::string& prefix) {
  const auto& c = iso::caps().cgroup;
  std::vector<std::filesystem::path> parents;
  for (const auto& [controller, dir] : c.v1_dirs) {
    parents.push_back(dir);
  }
  if (!c.v2_dir.empty()) {
    parents.push_back(c.v2_dir);
  }
  int n = 0;
  for (const auto& dir : parents) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      n += e.path().filename().string().rfind(prefix, 0) == 0 ? 1 : 0;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("L1 killing the supervisor kills the sandbox", "[lifecycle]") {
  NEED("ns");
  std::string marker = "fstage-l1-" + std::to_string(::getpid());
  int pfd[2];
  REQUIRE(::pipe(pfd) == 0);
  pid_t supervisor = ::fork();
  if (supervisor == 0) {
    fstage::sandbox::SandboxConfig cfg;
    cfg.argv = {iso::k_probe, "sleep", "60", marker};
    cfg.binds.push_back(
        {std::filesystem::path(iso::host_path_of_probe()).parent_path(), "/opt/probe", false});
    auto box = fstage::sandbox::Sandbox::spawn(cfg, iso::caps());
    std::string msg = box ? "y" : "n" + box.error().message;
    (void)::write(pfd[1], msg.data(), msg.size());
    ::close(pfd[1]);
    if (box) {
      ::pause();
    }
    ::_exit(0);
  }
  ::close(pfd[1]);
  char buf[512] = {};
  ssize_t n = ::read(pfd[0], buf, sizeof(buf) - 1);
  ::close(pfd[0]);
  std::string reply(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (reply != "y") {
    ::kill(supervisor, SIGKILL);
    ::waitpid(supervisor, nullptr, 0);
  }
  REQUIRE(reply == "y");
  // spawn() returns just before execve: give the probe a moment to appear.
  for (int i = 0; i < 100 && count_with_marker(marker) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(count_with_marker(marker) == 1);
  ::kill(supervisor, SIGKILL);
  ::waitpid(supervisor, nullptr, 0);
  int left = 1;
  for (int i = 0; i < 100 && left > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = count_with_marker(marker);
  }
  CHECK(left == 0);
}

TEST_CASE("L2 no descriptors leak into the sandbox", "[lifecycle]") {
  NEED();
  int leak = ::open("/dev/null", O_RDONLY);  // deliberately inheritable
  auto r = probe({"fds"});
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  iso::Options o;
  o.runtime_fd = sv[1];
  auto with_channel = probe({"fds"}, o);
  ::close(leak);
  ::close(sv[0]);
  ::close(sv[1]);
  // The probe's own listing adds the fd it opened on /proc/self/fd.
  CHECK((r.out == "0 1 2 3\n" || r.out == "0 1 2 3\n"));
  CHECK(with_channel.out == "0 1 2 3 4\n");
}

TEST_CASE("L3 signal mask and ignored signals are reset", "[lifecycle]") {
  NEED();
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  ::sigprocmask(SIG_BLOCK, &block, &old);
  auto prev = ::signal(SIGUSR1, SIG_IGN);
  auto blk = probe({"status", "SigBlk"});
  auto ign = probe({"status", "SigIgn"});
  ::signal(SIGUSR1, prev);
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  CHECK(blk.out == "0000000000000000\n");
  CHECK(ign.out == "0000000000000000\n");
}

TEST_CASE("L4 a missing or non-executable program is an exec error", "[lifecycle]") {
  NEED();
  auto missing = iso::run({"/opt/function/code/does-not-exist"});
  CHECK(missing.exit.exec_errno == ENOENT);
  CHECK(missing.exit.exit_code == 127);
  iso::TempDir code;
  auto file = code.path / "bootstrap";
  REQUIRE(fstage::write_file_atomic(file, "#!/bin/sh\necho hi\n", 0644));
  iso::Options o;
  o.code_dir = code.path;
  auto noexec = iso::run({"/opt/function/code/bootstrap"}, o);
  CHECK(noexec.exit.exec_errno == EACCES);
  CHECK(noexec.exit.exit_code == 126);
}

TEST_CASE("L5 setup errors name the step and the cause", "[lifecycle]") {
  NEED("ns");
  iso::Options o;
  o.binds.push_back({"/etc/hostname", "/etc/hostname/x", false});
  auto r = probe({"echo", "unreachable"}, o);
  CAPTURE(r.error);
  CHECK(has(r.error, "sandbox: mount /etc/hostname/x"));
  CHECK(has(r.error, "Not a directory"));
  o.binds.clear();
  o.code_dir = "/nonexistent/code";
  auto nf = probe({"echo", "x"}, o);
  CHECK(has(nf.error, "/nonexistent/code does not exist"));
}

TEST_CASE("L6 daemonised grandchildren are cleaned up", "[lifecycle]") {
  NEED();
  std::string marker = "fstage-l6-" + std::to_string(::getpid());
  auto r = probe({"daemon", marker});
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "daemon=started"));
  CHECK(r.exit.exited);
  CHECK(count_with_marker(marker) == 0);
  // No cgroup is left behind either.
  const auto& c = iso::caps();
  for (const auto& [controller, dir] : c.cgroup.v1_dirs) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      CHECK_FALSE(has(e.path().filename(), "fstage-" + std::to_string(::getpid()) + "-"));
    }
  }
}

TEST_CASE("L7 an abandoned sandbox dies and its cgroup goes, after its supervisor exits",
          "[lifecycle]") {
  NEED("ns");
  // A supervisor process spawns a sandbox, abandons it (Sandbox::abandon: SIGKILL now, the
  // rest to a detached reaper) and exits at once, as `fstage invoke` does. Its stdout is a
  // pipe we read to the end: the reaper must not hold it open.
  std::string marker = "fstage-l7-" + std::to_string(::getpid());
  // A leaf that a supervisor killed with SIGKILL left behind: the reaper sweeps it too.
  pid_t gone = ::fork();
  if (gone == 0) {
    ::_exit(0);
  }
  ::waitpid(gone, nullptr, 0);
  const std::string stale = "fstage-" + std::to_string(gone) + "-1";
  const auto& cg = iso::caps().cgroup;
  if (cg.mode == fstage::sandbox::CgroupMode::v1) {
    // Where sandboxes get leaves (cgroup.cpp): the reaper sweeps beside those.
    for (const auto& [controller, dir] : cg.v1_dirs) {
      if (controller == "memory" || controller == "pids") {
        std::filesystem::create_directory(dir / stale);
      }
    }
  } else if (cg.mode == fstage::sandbox::CgroupMode::v2) {
    std::filesystem::create_directory(cg.v2_dir / stale);
  }
  const int stale_made = cgroups_named(stale);
  int report[2];
  int out[2];
  REQUIRE(::pipe(report) == 0);
  REQUIRE(::pipe(out) == 0);
  pid_t supervisor = ::fork();
  if (supervisor == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    ::close(report[0]);
    fstage::sandbox::SandboxConfig cfg;
    cfg.argv = {iso::k_probe, "sleep", "60", marker};
    cfg.binds.push_back(
        {std::filesystem::path(iso::host_path_of_probe()).parent_path(), "/opt/probe", false});
    auto box = fstage::sandbox::Sandbox::spawn(cfg, iso::caps());
    if (!box) {
      std::string msg = "n" + box.error().message;
      (void)::write(report[1], msg.data(), msg.size());
      ::_exit(1);
    }
    for (int i = 0; i < 200 && count_with_marker(marker) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string msg = "y" + std::to_string(count_with_marker(marker)) + " " +
                      std::to_string(cgroups_named("fstage-" + std::to_string(::getpid()) + "-"));
    (*box)->abandon();
    bool ended = (*box)->ended();
    msg += ended ? " ended" : " running";
    // Its dying is left to idle time: init (a zombie child of ours by now, or still exiting)
    // was made SCHED_IDLE before the kill.
    msg += ::sched_getscheduler((*box)->init_pid()) == SCHED_IDLE ? " idle" : " normal";
    (void)::write(report[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(report[1]);
  ::close(out[1]);
  char buf[512] = {};
  ssize_t n = ::read(report[0], buf, sizeof(buf) - 1);
  ::close(report[0]);
  std::string reply(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  int status = 0;
  ::waitpid(supervisor, &status, 0);
  INFO("supervisor: " << reply);
  int running = 0;
  int leaves_before = 0;
  char state[16] = {};
  char policy[16] = {};
  REQUIRE(std::sscanf(reply.c_str(), "y%d %d %15s %15s", &running, &leaves_before, state, policy) ==
          4);
  CHECK(running == 1);
  CHECK(std::string(policy) == "idle");
  if (iso::caps().cgroup.mode != fstage::sandbox::CgroupMode::none) {
    CHECK(leaves_before > 0);  // so that "none left" below means something
  }
  CHECK(std::string(state) == "ended");
  // The supervisor's stdout reaches end of file once it has exited: nothing else holds it.
  pollfd p{out[0], POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);
  CHECK(::read(out[0], buf, sizeof(buf)) == 0);
  ::close(out[0]);
  // The sandbox's processes and cgroup leaf are gone shortly after.
  const std::string prefix = "fstage-" + std::to_string(supervisor) + "-";
  int left = 1;
  int leaves = 1;
  int stale_left = stale_made;
  for (int i = 0; i < 250 && (left > 0 || leaves > 0 || stale_left > 0); ++i) {
    left = count_with_marker(marker);
    leaves = cgroups_named(prefix);
    stale_left = cgroups_named(stale);
    if (left > 0 || leaves > 0 || stale_left > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  CHECK(left == 0);
  CHECK(leaves == 0);
  CHECK(stale_left == 0);
}

TEST_CASE("L8 init shares the supervisor's memory but not the spawning thread's errno",
          "[lifecycle]") {
  NEED("ns");
  // init runs in this process's address space (start_init.cpp), on the thread-local storage
  // of a thread parked for it. Its failed system calls (the reaping loop ends on ECHILD once
  // the probe has exited) must land there: were it this thread's, errno would change under
  // our feet. (tests/unit/test_sandbox_start_init.cpp checks the parked thread itself.)
  fstage::sandbox::SandboxConfig cfg;
  cfg.argv = {iso::k_probe, "exit", "0"};
  cfg.binds.push_back(
      {std::filesystem::path(iso::host_path_of_probe()).parent_path(), "/opt/probe", false});
  auto box = fstage::sandbox::Sandbox::spawn(cfg, iso::caps());
  REQUIRE(box);
  errno = 777;
  // A sleep that succeeds leaves errno alone; meanwhile the probe exits and init reaps it.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const int seen = errno;
  CHECK(seen == 777);
  (*box)->kill(fstage::sandbox::KillReason::requested);
}
