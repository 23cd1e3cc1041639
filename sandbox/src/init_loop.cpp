// SPDX-License-Identifier: Apache-2.0
// init's wait loop. Besides reaping, init is the supervisor's hand inside the network
// namespace: a socket belongs to the namespace it was created in, so when the function is
// the server (an HTTP function on 127.0.0.1:8000, a Go runtime on RUNTIME_API_ADDR), init
// connects on the supervisor's behalf and passes the connected socket up with SCM_RIGHTS.
// Async-signal-safe only (plan.hpp).
#include <cerrno>
#include <csignal>
#include <poll.h>
#include <unistd.h>

#include "plan.hpp"
#include "sync.hpp"
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace fstage::sandbox::detail {

namespace {

void serve_connect(const ChildPlan& plan, int port) {
  SyncMsg reply;
  reply.kind = MsgKind::connected;
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    reply.err = errno;
    send_msg(plan.sync_fd, reply);
    return;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Loopback connects complete (or are refused) at once, so a blocking connect is fine.
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    reply.err = errno;
    send_msg(plan.sync_fd, reply);
  } else {
    send_msg_with_fd(plan.sync_fd, reply, s);
  }
  ::close(s);
}

// Reaps every exited child; true once main is among them.
bool reap(pid_t main_pid, int* status, long* maxrss_kb) {
  for (;;) {
    int st = 0;
    rusage ru{};
    pid_t pid = ::wait4(-1, &st, __WALL | WNOHANG, &ru);
    if (pid <= 0) {
      return pid < 0 && errno == ECHILD;  // nothing left at all: main is gone too
    }
    if (pid == main_pid) {
      *status = st;
      *maxrss_kb = ru.ru_maxrss;  // main's peak RSS: exact even if too short to sample
      return true;
    }
  }
}

}  // namespace

void wait_for_main(const ChildPlan& plan, pid_t main_pid, int* status, long* maxrss_kb) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int sfd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  bool parent_gone = false;
  for (;;) {
    if (reap(main_pid, status, maxrss_kb)) {
      break;
    }
    pollfd fds[2] = {{sfd, POLLIN, 0}, {parent_gone ? -1 : plan.sync_fd, POLLIN, 0}};
    // Without a signalfd (it cannot fail short of EMFILE), fall back to polling reaps.
    int rc = ::poll(fds, 2, sfd < 0 ? 100 : -1);
    if (rc < 0 && errno != EINTR) {
      break;
    }
    if (sfd >= 0 && (fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info;
      while (::read(sfd, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      }
    }
    if ((fds[1].revents & (POLLIN | POLLHUP)) != 0) {
      SyncMsg m;
      int got = recv_msg(plan.sync_fd, m, nullptr);
      if (got <= 0) {
        parent_gone = true;  // PDEATHSIG is on its way; keep reaping until then
      } else if (m.kind == MsgKind::connect) {
        serve_connect(plan, m.value);
      }
    }
  }
  if (sfd >= 0) {
    ::close(sfd);
  }
}

}  // namespace fstage::sandbox::detail
