// SPDX-License-Identifier: Apache-2.0
// Running a sandbox to its end: the poll loop used by tests and one-shot commands.
#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <unistd.h>

#include <fstage/sandbox/sandbox.hpp>

#include "plan.hpp"

namespace fstage::sandbox {

namespace detail {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::wait_go:
      return "waiting for the supervisor";
    case Stage::make_slave:
      return "making / a slave mount";
    case Stage::mount_base:
      return "mounting the root tmpfs";
    case Stage::pivot_root:
      return "pivot_root";
    case Stage::mount_op:
      return "mount";
    case Stage::detach_oldroot:
      return "detaching the old root";
    case Stage::remount_root:
      return "remounting / read-only";
    case Stage::hostname:
      return "sethostname";
    case Stage::loopback:
      return "bringing up lo";
    case Stage::api_listener:
      return "creating the runtime API socket";
    case Stage::cgroupns:
      return "unshare(CLONE_NEWCGROUP)";
    case Stage::fork_main:
      return "starting the main process";
    case Stage::setsid:
      return "setsid";
    case Stage::set_ids:
      return "switching to the sandbox user";
    case Stage::fds:
      return "setting up file descriptors";
    case Stage::rlimits:
      return "setrlimit";
    case Stage::chdir:
      return "chdir";
    case Stage::no_new_privs:
      return "prctl(PR_SET_NO_NEW_PRIVS)";
    case Stage::seccomp:
      return "installing the seccomp filter";
    case Stage::exec:
      return "execve";
    case Stage::wait_limits:
      return "waiting for the cgroup and seccomp filter";
    case Stage::join_cgroup:
      return "joining the cgroup";
  }
  return "setup";
}

}  // namespace detail

bool drain_fd(int fd, std::string& into, std::size_t cap) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      std::size_t room = cap > into.size() ? cap - into.size() : 0;
      into.append(buf, std::min(room, static_cast<std::size_t>(n)));
      // A short read took all there was (a pipe or stream socket): no read just to hear
      // EAGAIN. What comes later is reported by the caller's next poll.
      if (static_cast<std::size_t>(n) < sizeof(buf)) {
        return true;
      }
      continue;
    }
    if (n == 0) {
      return false;
    }
    if (errno == EINTR) {
      continue;
    }
    return errno == EAGAIN;
  }
}

Sandbox::Outcome Sandbox::run_to_end(std::chrono::milliseconds timeout, std::size_t max_output) {
  using Clock = std::chrono::steady_clock;
  Outcome o;
  const auto deadline = Clock::now() + timeout;
  bool out_open = m_out_fd >= 0;
  bool err_open = m_err_fd >= 0;
  while (!service()) {
    auto now = Clock::now();
    if (now >= deadline) {
      kill(KillReason::timeout);
      break;
    }
    auto wait = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                         service_interval());
    pollfd fds[3] = {{m_sync_fd, POLLIN, 0},
                     {out_open ? m_out_fd : -1, POLLIN, 0},
                     {err_open ? m_err_fd : -1, POLLIN, 0}};
    ::poll(fds, 3, static_cast<int>(wait.count()) + 1);
    if (out_open && fds[1].revents != 0) {
      out_open = drain_fd(m_out_fd, o.out, max_output);
    }
    if (err_open && fds[2].revents != 0) {
      err_open = drain_fd(m_err_fd, o.err, max_output);
    }
  }
  // Everything in the sandbox is dead now, so the pipes reach end-of-file promptly.
  for (int i = 0; i < 100 && (out_open || err_open); ++i) {
    pollfd fds[2] = {{out_open ? m_out_fd : -1, POLLIN, 0}, {err_open ? m_err_fd : -1, POLLIN, 0}};
    ::poll(fds, 2, 20);
    if (out_open) {
      out_open = drain_fd(m_out_fd, o.out, max_output);
    }
    if (err_open) {
      err_open = drain_fd(m_err_fd, o.err, max_output);
    }
  }
  o.exit = m_exit;
  o.peak_memory = peak_memory_bytes();
  return o;
}

}  // namespace fstage::sandbox
