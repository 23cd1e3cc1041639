// SPDX-License-Identifier: Apache-2.0
// The sandbox's init: the process clone() creates. In a pid namespace it is pid 1, which
// gives three things for free: it reaps every orphan (daemonised grandchildren included), and
// when it exits the kernel SIGKILLs everything left in the namespace, and the supervisor can
// end the whole tree with one SIGKILL to it. Without a pid namespace (degraded tier) it
// becomes a child subreaper and kills the leftovers itself.
//
// Async-signal-safe only: init runs in the memory of a possibly multi-threaded parent, shared
// (start_init.cpp) or a copy (plan.hpp).
#include <cerrno>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "plan.hpp"
#include "sync.hpp"
#include "syscalls.hpp"
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

namespace fstage::sandbox::detail {

namespace {

[[noreturn]] void setup_failed(const ChildPlan& plan, Stage stage, int err, int index = 0) {
  SyncMsg m;
  m.kind = MsgKind::setup_error;
  m.stage = static_cast<std::int32_t>(stage);
  m.err = err;
  m.index = index;
  send_msg(plan.sync_fd, m);
  ::_exit(125);
}

// Parses the ppid out of /proc/<pid>/stat ("pid (comm) S ppid ..."); comm may hold spaces
// and parentheses, so scan from the last ')'.
pid_t read_ppid(int dirfd, const char* name) {
  char path[64];
  std::size_t n = 0;
  for (const char* s = name; *s != '\0' && n < 50; ++s) {
    path[n++] = *s;
  }
  const char suffix[] = "/stat";
  for (char c : suffix) {
    path[n++] = c;
  }
  int fd = ::openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  char buf[512];
  ssize_t len = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (len <= 0) {
    return -1;
  }
  buf[len] = '\0';
  char* close_paren = nullptr;
  for (char* p = buf; *p != '\0'; ++p) {
    if (*p == ')') {
      close_paren = p;
    }
  }
  if (close_paren == nullptr || close_paren[1] == '\0' || close_paren[2] == '\0') {
    return -1;
  }
  const char* p = close_paren + 4;  // ") S " then the ppid
  pid_t ppid = 0;
  while (*p >= '0' && *p <= '9') {
    ppid = ppid * 10 + (*p - '0');
    ++p;
  }
  return ppid;
}

// Degraded tier only: SIGKILL every process whose parent is us (orphans were reparented to
// us because we are a subreaper), until none are left.
void kill_children_and_reap() {
  for (int round = 0; round < 100; ++round) {
    int dirfd = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool any = false;
    if (dirfd >= 0) {
      alignas(8) char buf[8192];
      for (;;) {
        long n = ::syscall(SYS_getdents64, dirfd, buf, sizeof(buf));
        if (n <= 0) {
          break;
        }
        for (long off = 0; off < n;) {
          auto* d = reinterpret_cast<dirent64*>(buf + off);
          off += d->d_reclen;
          if (d->d_name[0] < '1' || d->d_name[0] > '9') {
            continue;
          }
          pid_t pid = 0;
          for (const char* s = d->d_name; *s >= '0' && *s <= '9'; ++s) {
            pid = pid * 10 + (*s - '0');
          }
          if (read_ppid(dirfd, d->d_name) == ::getpid()) {
            ::kill(pid, SIGKILL);
            any = true;
          }
        }
      }
      ::close(dirfd);
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!any) {
      return;
    }
  }
}

// The runtime API must listen inside the sandbox's network namespace (only its loopback is
// reachable from there), but be served by the supervisor outside it. A socket keeps the
// namespace it was created in, so create it here and hand it up over the control socket
// (nsjail passes its seccomp-notify fd the same way).
int pass_api_listener(const ChildPlan& plan) {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    return errno;
  }
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(plan.api_port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int e = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(s, 16) != 0) {
    e = errno;
  } else {
    SyncMsg m;
    m.kind = MsgKind::listener;
    m.value = plan.api_port;
    e = send_msg_with_fd(plan.sync_fd, m, s);
  }
  ::close(s);
  return e;
}

}  // namespace

void init_main(const ChildPlan& plan) {
  ::close(plan.parent_sync_fd);
  // Die with the supervisor. PDEATHSIG is tied to the parent *thread*; see sandbox.hpp.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  // Every signal stays blocked: init may share the supervisor's memory (start_init.cpp), where
  // none of the supervisor's handlers may run. SIGCHLD comes through a signalfd in the wait
  // loop, blocked before main exists so that no exit slips past (main unblocks everything
  // before its exec); SIGKILL, which ends init, cannot be blocked. (start_init blocks them
  // across the clone already.)
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);

  // Into the cgroup (v1) by ourselves, while the parent writes the id maps: writing "0" to
  // `tasks` moves just this thread without the lock whose writer waits out an RCU grace
  // period (Cgroup::self_join_files). Before main exists, and before the cgroup namespace.
  for (int i = 0; i < ChildPlan::k_max_cgroup_joins; ++i) {
    const int fd = plan.cgroup_join_fds[i];
    if (fd >= 0) {
      ssize_t n;
      do {
        n = ::write(fd, "0", 1);
      } while (n < 0 && errno == EINTR);
      if (n != 1) {
        setup_failed(plan, Stage::join_cgroup, n < 0 ? errno : EIO, i);
      }
      ::close(fd);
    }
  }

  // Wait for the parent: it writes our uid/gid maps (and a v2 cgroup joins us) first. A
  // closed socket means the parent died before that: leave quietly. The go carries the rest
  // of what main needs: whether RLIMIT_NPROC is redundant, and the seccomp program's size
  // (the program itself is the next message).
  SyncMsg go;
  if (recv_msg(plan.sync_fd, go, nullptr) != 1 || go.kind != MsgKind::go) {
    ::_exit(125);
  }
  // On init's own stack: inits of concurrent sandboxes may share one address space.
  sock_filter filter[BPF_MAXINSNS];
  LateSetup late;
  // The root is built with umask 0, so files and directories get their planned modes in one
  // call (no chmod after); main gets the supervisor's umask back before it execs.
  late.umask = ::umask(0);
  if (go.index < 0 || go.index > BPF_MAXINSNS) {
    setup_failed(plan, Stage::wait_limits, EPROTO);
  }
  late.drop_nproc = go.value == 1;
  if (go.index > 0) {
    const auto want =
        static_cast<ssize_t>(static_cast<std::size_t>(go.index) * sizeof(sock_filter));
    ssize_t got;
    do {
      got = ::recv(plan.sync_fd, filter, sizeof(filter), 0);
    } while (got < 0 && errno == EINTR);
    if (got != want) {
      setup_failed(plan, Stage::wait_limits, got < 0 ? errno : EPROTO);
    }
    late.filter = filter;
    late.filter_len = static_cast<unsigned short>(go.index);
  }
  if (plan.mountns) {
    Stage stage = Stage::mount_op;
    int index = 0;
    if (int e = apply_mounts(plan, &stage, &index); e != 0) {
      setup_failed(plan, stage, e, index);
    }
  }
  if (plan.utsns && ::sethostname(plan.hostname.data(), plan.hostname.size()) != 0) {
    setup_failed(plan, Stage::hostname, errno);
  }
  if (plan.netns) {
    if (int e = bring_up_loopback(); e != 0) {
      setup_failed(plan, Stage::loopback, e);
    }
  }
  if (plan.api_port > 0) {
    if (int e = pass_api_listener(plan); e != 0) {
      setup_failed(plan, Stage::api_listener, e);
    }
  }
  // The cgroup namespace is entered only now, after the parent moved us into our cgroup, so
  // that its root is the sandbox's own cgroup and /proc/self/cgroup reveals no host paths.
  if (plan.cgroupns && ::unshare(CLONE_NEWCGROUP) != 0) {
    setup_failed(plan, Stage::cgroupns, errno);
  }
  if (plan.subreaper) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  }

  // vfork: main borrows our memory (the supervisor's, or our copy of it) until its execve
  // instead of copying page tables (a fork costs about a millisecond here; page table work is
  // what a VM makes slow). We wait meanwhile, which is all we would do anyway. exec_main
  // only reads the plan and writes its own stack frames, as a vfork child must.
  pid_t main_pid = ::vfork();
  if (main_pid < 0) {
    setup_failed(plan, Stage::fork_main, errno);
  }
  if (main_pid == 0) {
    exec_main(plan, late);
  }
  // The main process owns the output pipes and the runtime channel now; drop our copies so
  // the supervisor sees end-of-file when the function's tree is gone.
  for (int fd : {plan.stdout_fd, plan.stderr_fd != plan.stdout_fd ? plan.stderr_fd : -1,
                 plan.runtime_fd, plan.stdin_fd}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  int status = 0;
  long maxrss_kb = 0;
  wait_for_main(plan, main_pid, &status, &maxrss_kb);
  if (plan.subreaper) {
    ::kill(-main_pid, SIGKILL);
    kill_children_and_reap();
  }
  SyncMsg done;
  done.kind = MsgKind::exited;
  done.value = status;
  done.index = static_cast<std::int32_t>(maxrss_kb);
  send_msg(plan.sync_fd, done);
  ::_exit(0);
}

}  // namespace fstage::sandbox::detail
