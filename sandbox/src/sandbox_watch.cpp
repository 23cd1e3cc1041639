// SPDX-License-Identifier: Apache-2.0
// Watching a running sandbox: control messages, reaping, the RSS watchdog, killing the whole
// tree, and peak memory.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <fstage/sandbox/sandbox.hpp>

#include "procfs.hpp"
#include "reaper.hpp"
#include "sandbox_impl.hpp"
#include "sync.hpp"
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

namespace fstage::sandbox {

using namespace detail;
using std::chrono::milliseconds;

namespace detail {
std::string describe_setup_error(const ChildPlan& plan, const SyncMsg& m);
}  // namespace detail

namespace {

// SIGKILL to a pid namespace's init takes every process in the namespace with it. The kernel
// kills the others only after init has torn down its own memory, though, so the main process
// (the big one) is killed first, through its pidfd: the two exits then run side by side
// instead of one after the other.
void kill_namespace(int main_pidfd, pid_t init) {
  if (main_pidfd >= 0) {
    ::syscall(SYS_pidfd_send_signal, main_pidfd, SIGKILL, nullptr, 0);
  }
  ::kill(init, SIGKILL);
}

}  // namespace

milliseconds Sandbox::service_interval() const {
  return m_impl->watchdog ? milliseconds(20) : milliseconds(250);
}

void Sandbox::handle_message() {
  for (;;) {
    SyncMsg m;
    int attached = -1;
    int got = recv_msg(m_sync_fd, m, nullptr, &attached);
    if (got == -EAGAIN) {
      return;
    }
    if (got <= 0) {
      reap(true);
      return;
    }
    switch (m.kind) {
      case MsgKind::connected:
        m_impl->connect_reply = std::make_pair(m.err, attached);
        attached = -1;
        break;
      case MsgKind::setup_error:
        m_exit.setup_error = describe_setup_error(m_impl->plan, m);
        break;
      case MsgKind::exec_error:
        m_exit.exec_errno = m.err;
        break;
      case MsgKind::exited:
        if (WIFEXITED(m.value)) {
          m_exit.exited = true;
          m_exit.exit_code = WEXITSTATUS(m.value);
        } else if (WIFSIGNALED(m.value)) {
          m_exit.term_signal = WTERMSIG(m.value);
        }
        m_impl->main_maxrss = static_cast<std::uint64_t>(m.index) * 1024;
        reap(true);
        return;
      default:
        break;
    }
    if (attached >= 0) {
      ::close(attached);
    }
  }
}

void Sandbox::reap(bool block) {
  if (m_init_pid <= 0 || m_exit.ended) {
    return;
  }
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(m_init_pid, &st, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) {
    return;
  }
  m_exit.ended = true;
  m_impl->init_memory.release();
  m_impl->close_main_pidfd();
  if (!m_exit.exited && m_exit.term_signal == 0) {
    // init itself was killed (by us, or it died): main went with it.
    m_exit.term_signal = SIGKILL;
  }
  if (m_impl->cgroup && m_impl->cgroup->oom_killed()) {
    m_exit.oom = true;
  }
  if (m_impl->cgroup) {
    m_impl->sampled_peak = std::max(m_impl->sampled_peak, m_impl->cgroup->peak_bytes());
  }
  // Tear down the cgroup now: the tree is gone (pid namespace) or being killed (degraded).
  if (!m_impl->pidns) {
    kill_descendants(m_init_pid);
  }
  m_impl->cgroup.reset();
}

bool Sandbox::check_ended() {
  if (!m_exit.ended) {
    handle_message();
  }
  return m_exit.ended;
}

bool Sandbox::service() {
  if (check_ended()) {
    return true;
  }
  sample_memory();
  return m_exit.ended;
}

void Sandbox::sample_memory() {
  Impl& im = *m_impl;
  if (im.cgroup) {
    im.sampled_peak = std::max(im.sampled_peak, im.cgroup->current_bytes());
    return;
  }
  // The main process every tick (one small read); the whole tree every fifth.
  if (im.ticks++ % 5 == 0 || im.tree.empty()) {
    im.tree = descendants(m_init_pid);
  }
  std::uint64_t sum = 0;
  for (pid_t p : im.tree) {
    sum += rss_bytes(p);
  }
  im.sampled_peak = std::max(im.sampled_peak, sum);
  if (im.watchdog && sum > im.memory_limit) {
    m_exit.oom = true;
    kill(KillReason::memory);
  }
}

void Sandbox::kill(KillReason reason) {
  if (m_init_pid <= 0 || m_exit.ended) {
    return;
  }
  if (m_exit.killed == KillReason::none) {
    m_exit.killed = reason;
  }
  if (m_impl->pidns) {
    // init is reported dead only once every process in its namespace is gone: after the
    // wait, the cgroup is empty and comes down at once (reap), with no sweep of cgroup.procs
    // to sleep through.
    kill_namespace(m_impl->main_pidfd, m_init_pid);
    reap(true);
    return;
  }
  if (m_main_pid > 0) {
    ::kill(-m_main_pid, SIGKILL);
  }
  kill_descendants(m_init_pid);
  if (m_impl->cgroup) {
    m_impl->cgroup->kill_all();
  }
  ::kill(m_init_pid, SIGKILL);
  reap(true);
}

void Sandbox::abandon() {
  if (m_init_pid <= 0 || m_exit.ended) {
    return;
  }
  int init_pidfd = m_impl->pidns ? static_cast<int>(::syscall(SYS_pidfd_open, m_init_pid, 0)) : -1;
  if (init_pidfd < 0) {
    kill(KillReason::requested);
    return;
  }
  if (m_exit.killed == KillReason::none) {
    m_exit.killed = KillReason::requested;
  }
  // Dying is work too (unmapping the function's memory, tearing down its mounts and
  // namespaces: about a millisecond here), and nobody waits for it. At idle priority it no
  // longer preempts this process on its way out; on a busy CPU it runs once we have exited.
  // So only init is killed, made SCHED_IDLE first: its exit kills the rest of the namespace
  // (and a main process killed directly would die at normal priority). init is our unreaped
  // child, so its pid names no other process; main's pid could, once init has reaped it.
  sched_param none{};
  if (::sched_setscheduler(m_init_pid, SCHED_IDLE, &none) == 0) {
    ::kill(m_init_pid, SIGKILL);
  } else {
    kill_namespace(m_impl->main_pidfd, m_init_pid);
  }
  // The reaper takes the cgroup over. When it cannot start, wait and clean up here after all.
  const bool handed_over = !m_impl->cgroup || start_reaper(init_pidfd, m_impl->cgroup->dirs());
  ::close(init_pidfd);
  if (!handed_over) {
    reap(true);
    return;
  }
  if (m_impl->cgroup) {
    m_impl->cgroup->release();
  }
  m_impl->cgroup.reset();
  m_impl->init_memory.forget();
  m_impl->close_main_pidfd();
  m_exit.ended = true;
  if (!m_exit.exited && m_exit.term_signal == 0) {
    m_exit.term_signal = SIGKILL;
  }
}

Expected<int> Sandbox::connect_inside(int port) {
  if (m_exit.ended) {
    return fail(ErrorCode::sandbox, "the sandbox has ended");
  }
  auto refused = [port](int err) {
    Error e = Error::from_errno("connect", "127.0.0.1:" + std::to_string(port), err);
    e.code = ErrorCode::network;
    return fail(std::move(e));
  };
  if (!m_impl->plan.netns) {
    // Same network as ours: connect directly.
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      int e = errno;
      if (s >= 0) {
        ::close(s);
      }
      return refused(e);
    }
    return s;
  }
  SyncMsg m;
  m.kind = MsgKind::connect;
  m.value = port;
  m_impl->connect_reply.reset();
  if (int e = send_msg(m_sync_fd, m); e != 0) {
    return fail(Error::from_errno("send", "connect request", e));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!m_impl->connect_reply) {
    if (m_exit.ended) {
      return fail(ErrorCode::sandbox, "the sandbox ended while connecting inside it");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorCode::sandbox, "the sandbox's init did not answer a connect request");
    }
    pollfd p{m_sync_fd, POLLIN, 0};
    ::poll(&p, 1, 100);
    handle_message();
  }
  auto [err, fd] = *m_impl->connect_reply;
  m_impl->connect_reply.reset();
  if (fd < 0) {
    return refused(err);
  }
  return fd;
}

std::uint64_t Sandbox::peak_memory_bytes() {
  Impl& im = *m_impl;
  std::uint64_t peak = im.sampled_peak;
  if (im.cgroup) {
    peak = std::max(peak, im.cgroup->peak_bytes());
  }
  // The cgroup charges only pages this sandbox touched first: shared libraries already in
  // the page cache are missing from it. The main process's own peak RSS counts them, which
  // is what the platform's "memory used" looks like, so report the larger of the two.
  if (!m_exit.ended && m_main_pid > 0) {
    im.open_main_files(m_main_pid);
    peak = std::max(peak, status_field_bytes(im.main_status.read(), "VmHWM"));
  }
  return std::max(peak, im.main_maxrss);
}

void Sandbox::reset_peak_memory() {
  Impl& im = *m_impl;
  im.sampled_peak = 0;
  if (im.cgroup) {
    im.cgroup->reset_peak();
  }
  if (m_main_pid > 0) {
    im.open_main_files(m_main_pid);
    im.main_clear_refs.write("5");  // 5: reset the peak RSS (VmHWM)
  }
}

std::string_view Sandbox::memory_source() const {
  return m_impl->memory_source;
}

}  // namespace fstage::sandbox
