// SPDX-License-Identifier: Apache-2.0
// P1–P5: identity and privilege inside the sandbox (SANDBOX.md §5).
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using iso::probe;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("P1 the function runs as snuser and cannot change its groups", "[priv]") {
  NEED("userns");
  auto r = probe({"ids"});
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "uid=1000 gid=1000 euid=1000"));
  CHECK(has(r.out, "setgroups=deny"));
  auto g = probe({"syscall", "setgroups"});
  CHECK(has(g.out, "setgroups=EPERM"));
}

TEST_CASE("P1 without a user namespace root runs the function as nobody", "[priv]") {
  NEED("nouserns");
  auto r = probe({"ids"});
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "uid=65534 gid=65534 euid=65534 groups=0"));
}

TEST_CASE("P2 no effective capabilities", "[priv]") {
  NEED();
  auto r = probe({"caps"});
  INFO(r.error << r.out << r.err);
  CHECK(r.out == "0000000000000000\n");
  auto bnd = probe({"status", "NoNewPrivs"});
  CHECK(bnd.out == "1\n");
}

TEST_CASE("P3 nested namespaces and mounts are refused", "[priv]") {
  NEED("ns", "seccomp");
  auto r = probe({"syscall", "unshare-user"});
  CHECK(has(r.out, "unshare-user=EPERM"));
  r = probe({"syscall", "clone-newuser"});
  CHECK(has(r.out, "clone-newuser=EPERM"));
  r = probe({"syscall", "mount"});
  CHECK(has(r.out, "mount=EPERM"));
  r = probe({"syscall", "pivot_root"});
  CHECK(has(r.out, "pivot_root=EPERM"));
  r = probe({"syscall", "setns"});
  CHECK(has(r.out, "setns=EPERM"));
}

TEST_CASE("P4 a new session, and TIOCSTI is refused", "[priv]") {
  NEED("seccomp");
  auto r = probe({"pid"});
  INFO(r.out);
  // pid == sid: the main process leads its own session, with no controlling terminal.
  auto pid = r.out.substr(r.out.find("pid=") + 4);
  auto sid = r.out.substr(r.out.find("sid=") + 4);
  CHECK(std::stoi(pid) == std::stoi(sid));
  r = probe({"syscall", "tiocsti"});
  CHECK(has(r.out, "tiocsti=EPERM"));
}

TEST_CASE("P5 denied syscalls fail with an errno and threads still work", "[priv]") {
  NEED("seccomp");
  for (const char* call : {"keyctl", "bpf", "io_uring_setup"}) {
    auto r = probe({"syscall", call});
    INFO(call << ": " << r.out << r.err);
    CHECK(has(r.out, std::string(call) + "=EPERM"));
    CHECK(r.exit.exit_code == 0);
  }
  auto c3 = probe({"syscall", "clone3"});
  CHECK(has(c3.out, "clone3=ENOSYS"));  // so glibc falls back to clone
  auto t = probe({"threads", "8"});
  CHECK(t.out == "threads=8\n");
  // ptrace stays allowed: a debug sandbox; the pid namespace confines it.
  auto p = probe({"syscall", "ptrace"});
  CHECK_FALSE(has(p.out, "ptrace=EPERM"));
}

TEST_CASE("P5 Python threads start under the filter", "[priv]") {
  NEED("seccomp", "python");
  auto r = iso::run({"/usr/bin/python3", "-c",
                     "import threading\n"
                     "t=[threading.Thread(target=lambda: None) for _ in range(4)]\n"
                     "[x.start() for x in t]; [x.join() for x in t]; print('py-threads-ok')"});
  INFO(r.error << r.out << r.err);
  CHECK(r.out == "py-threads-ok\n");
}
