// SPDX-License-Identifier: Apache-2.0
// L1–L6: the sandbox's life and death (SANDBOX.md §5).
#include <csignal>
#include <fcntl.h>
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
