// SPDX-License-Identifier: Apache-2.0
// The main process's last steps before execve, in the order nsjail's containProc uses:
// session, identity, descriptors, limits, no_new_privs, and seccomp last of all ("should be
// the last one in the sequence": every later syscall would be filtered too).
// Async-signal-safe only (plan.hpp).
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include "plan.hpp"
#include "sync.hpp"
#include "syscalls.hpp"
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>

namespace fstage::sandbox::detail {

namespace {

[[noreturn]] void fail_at(int sync_fd, Stage stage, int err) {
  SyncMsg m;
  m.kind = stage == Stage::exec ? MsgKind::exec_error : MsgKind::setup_error;
  m.stage = static_cast<std::int32_t>(stage);
  m.err = err;
  send_msg(sync_fd, m);
  // 126/127 as a shell would say: found but not runnable / not found.
  ::_exit(stage != Stage::exec ? 125 : (err == ENOENT ? 127 : 126));
}

// Signal dispositions set to SIG_IGN survive execve (SIGPIPE is ignored by the supervisor,
// SIGHUP under nohup), and the mask is inherited: reset both so the function starts like a
// fresh process. Handled signals go back to SIG_DFL too, before the mask is cleared: this
// process still runs in the supervisor's memory (start_init.cpp), where a supervisor's
// handler must not run. Only the signals the parent did not leave at SIG_DFL (its SigIgn and
// SigCgt lines) need a call each, not all 64.
void reset_signals(const ChildPlan& plan) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig) {
    if ((plan.handled_signals & (std::uint64_t{1} << (sig - 1))) != 0 && sig != SIGKILL &&
        sig != SIGSTOP) {
      ::sigaction(sig, &dfl, nullptr);  // fails harmlessly for glibc's reserved RT signals
    }
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Moves `fd` to a number >= 100 so the dup2()s into 0..3 cannot clobber a source.
int lift(int fd) {
  return fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 100);
}

}  // namespace

void exec_main(const ChildPlan& plan, const LateSetup& late) {
  int sync_fd = lift(plan.sync_fd);
  if (sync_fd < 0) {
    ::_exit(125);
  }
  // A new session: no controlling terminal, so TIOCSTI has no target (CVE-2017-5226), and a
  // process group of our own for the degraded tier's kill(-pgid).
  if (::setsid() < 0) {
    fail_at(sync_fd, Stage::setsid, errno);
  }
  reset_signals(plan);
  ::umask(late.umask);
  if (!plan.pidns) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  }

  int in = plan.stdin_fd >= 0 ? lift(plan.stdin_fd) : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = lift(plan.stdout_fd);
  int err = lift(plan.stderr_fd);
  int rt = lift(plan.runtime_fd);
  if (in < 0 || ::dup2(in, 0) < 0 || (out >= 0 && ::dup2(out, 1) < 0) ||
      (err >= 0 && ::dup2(err, 2) < 0) || (rt >= 0 && ::dup2(rt, 3) < 0)) {
    fail_at(sync_fd, Stage::fds, errno);
  }
  // Every other descriptor is closed at exec: the function sees 0, 1, 2 and the runtime
  // channel only (minijail test_minijail_no_fd_leaks). CLOSE_RANGE_CLOEXEC (5.11) rather than
  // closing now, so the control socket can still report an exec failure.
  unsigned first = rt >= 0 ? 4 : 3;
  if (::close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    fail_at(sync_fd, Stage::fds, errno);
  }

  if (plan.set_ids) {
    // Without a user namespace (root only) drop the supplementary groups too; inside one,
    // setgroups is denied and the group list is already just the mapped gid.
    if (plan.set_groups && raw_setgroups_none() != 0) {
      fail_at(sync_fd, Stage::set_ids, errno);
    }
    if (raw_setresgid(plan.gid) != 0 || raw_setresuid(plan.uid) != 0) {
      fail_at(sync_fd, Stage::set_ids, errno);
    }
  }
  if (int e = apply_rlimits(plan, late.drop_nproc); e != 0) {
    fail_at(sync_fd, Stage::rlimits, e);
  }
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) {
    fail_at(sync_fd, Stage::chdir, errno);
  }
  // no_new_privs: setuid binaries and file capabilities no longer elevate; also what lets an
  // unprivileged process install a seccomp filter.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail_at(sync_fd, Stage::no_new_privs, errno);
  }
  // Tell the supervisor our host pid (credentials) and hand it a pidfd: a handle that
  // cannot come to name another process once we are reaped, so it can SIGKILL us at the end
  // without racing pid reuse (Linux 5.3; without it the supervisor kills init alone).
  SyncMsg started;
  started.kind = MsgKind::started;
  int self = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0));
  send_msg_with_creds(sync_fd, started, self);
  if (self >= 0) {
    ::close(self);
  }
  if (int e = install_seccomp(late); e != 0) {
    fail_at(sync_fd, Stage::seccomp, e);
  }
  ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  int exec_errno = errno;
  // A script without a #! line (a bootstrap holding just a command) is run by /bin/sh, as
  // execvp and the shells do.
  if (exec_errno == ENOEXEC && !plan.sh_argv.empty()) {
    ::execve(plan.sh_argv[0], plan.sh_argv.data(), plan.envp.data());
  }
  fail_at(sync_fd, Stage::exec, exec_errno);
}

}  // namespace fstage::sandbox::detail
