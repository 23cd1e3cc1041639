// SPDX-License-Identifier: Apache-2.0
// The detached reaper behind Sandbox::abandon: a child that outlives the supervisor, waits
// for a killed sandbox's init to be gone, and removes its cgroup (and any leaf beside it that
// a supervisor killed with SIGKILL left behind).
//
// It is cloned with CLONE_VM, so starting it copies no page tables and write-protects none of
// the supervisor's memory, and the supervisor's own exit then frees nothing (the reaper holds
// the address space a few milliseconds longer). The price is discipline: the reaper shares
// memory with a process that goes on to run its destructors and exit, so it reads only the
// Job on its own mapping, and calls nothing but thin system-call wrappers (no allocation, no
// stdio, no locks).
#include "reaper.hpp"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <new>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <climits>

#include <sys/mman.h>
#include <sys/syscall.h>

namespace fstage::sandbox::detail {

namespace {

constexpr int k_max_dirs = 8;
constexpr std::size_t k_stack_bytes = 64 * 1024;

struct Job {
  int pidfd = -1;
  int count = 0;
  char dirs[k_max_dirs][PATH_MAX];  // not cleared: fresh pages read as zero already
};

// The whole mapping: the job, then the reaper's stack above it (it grows down toward the job).
constexpr std::size_t k_mapping_bytes = sizeof(Job) + k_stack_bytes;

void pause_ms(long ms) {
  timespec t{0, ms * 1'000'000L};
  while (::nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

// What getdents64 fills in (glibc's struct dirent64; readdir would allocate).
struct Dirent {
  std::uint64_t d_ino;
  std::int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// "fstage-<pid>-<n>" (k_cgroup_leaf_prefix): <pid>, else 0.
long leaf_owner(const char* name) {
  constexpr std::size_t k_len = sizeof(k_cgroup_leaf_prefix) - 1;
  if (std::strncmp(name, k_cgroup_leaf_prefix, k_len) != 0) {
    return 0;
  }
  const char* p = name + k_len;
  long pid = 0;
  for (; *p >= '0' && *p <= '9' && pid < 1L << 30; ++p) {
    pid = pid * 10 + (*p - '0');
  }
  if (*p != '-' || p[1] < '0' || p[1] > '9') {
    return 0;
  }
  return pid;
}

// Removes the leaves next to `dir` whose fstage process is gone and that are empty: what a
// supervisor killed with SIGKILL (or a reaper that never ran) left behind. A leaf in use, or
// one whose pid now names another process, stays.
void sweep_beside(const char* dir) {
  char parent[PATH_MAX];
  std::size_t len = std::strlen(dir);
  while (len > 0 && dir[len - 1] != '/') {
    --len;
  }
  if (len == 0 || len >= sizeof(parent)) {
    return;
  }
  std::memcpy(parent, dir, len);
  parent[len] = '\0';
  int fd = ::open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  alignas(8) char buf[4096];
  long n;
  while ((n = ::syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
    for (long off = 0; off < n;) {
      const auto* e = reinterpret_cast<const Dirent*>(buf + off);
      off += e->d_reclen;
      long pid = leaf_owner(e->d_name);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        ::unlinkat(fd, e->d_name, AT_REMOVEDIR);
      }
    }
  }
  ::close(fd);
}

int reap(void* arg) {
  const Job& job = *static_cast<const Job*>(arg);
  // Ctrl-C or a hangup aimed at the caller's process group must not stop the cleanup halfway.
  sigset_t all;
  sigfillset(&all);
  ::syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, nullptr, sizeof(long));
  ::setsid();
  // Hold none of the caller's descriptors: its stdout may be a pipe someone reads to the end.
  if (::syscall(SYS_close_range, 0U, static_cast<unsigned>(job.pidfd - 1), 0U) != 0 ||
      ::syscall(SYS_close_range, static_cast<unsigned>(job.pidfd + 1), ~0U, 0U) != 0) {
    for (int fd = 0; fd < 1024; ++fd) {
      if (fd != job.pidfd) {
        ::close(fd);
      }
    }
  }
  // A pidfd polls readable once the process has exited; init of a pid namespace exits only
  // after every other process in it is gone, so the cgroup is then empty.
  pollfd p{job.pidfd, POLLIN, 0};
  while (::poll(&p, 1, 60'000) < 0 && errno == EINTR) {
  }
  for (int i = 0; i < job.count; ++i) {
    // The last exits leave the cgroup a moment after init's: EBUSY until then.
    for (int tries = 0; tries < 400 && ::rmdir(job.dirs[i]) != 0 && errno == EBUSY; ++tries) {
      pause_ms(5);
    }
  }
  for (int i = 0; i < job.count; ++i) {
    sweep_beside(job.dirs[i]);
  }
  return 0;
}

}  // namespace

bool start_reaper(int pidfd, const std::vector<std::filesystem::path>& dirs) {
  if (dirs.size() > static_cast<std::size_t>(k_max_dirs)) {
    return false;
  }
  for (const auto& d : dirs) {
    if (d.native().size() >= PATH_MAX) {
      return false;
    }
  }
  void* mem = ::mmap(nullptr, k_mapping_bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) {
    return false;
  }
  // Never unmapped: the reaper runs on it after we are gone, and the address space goes with
  // the reaper.
  Job* job = new (mem) Job;
  job->pidfd = pidfd;
  for (const auto& d : dirs) {
    std::memcpy(job->dirs[job->count++], d.c_str(), d.native().size() + 1);
  }
  char* stack_top = static_cast<char*>(mem) + k_mapping_bytes;
  pid_t pid = ::clone(reap, stack_top, CLONE_VM | SIGCHLD, job);
  if (pid < 0) {
    ::munmap(mem, k_mapping_bytes);
    return false;
  }
  // Nobody waits for the clean-up either: it runs when the CPU has nothing else to do.
  sched_param none{};
  ::sched_setscheduler(pid, SCHED_IDLE, &none);
  return true;
}

}  // namespace fstage::sandbox::detail
