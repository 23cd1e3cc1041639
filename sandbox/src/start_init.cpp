// SPDX-License-Identifier: Apache-2.0
// Starting the sandbox's init without copying the supervisor: clone(CLONE_VM) on a stack of
// its own, from a thread made for the purpose, whose thread-local storage init then uses.
//
// A fork-style clone copies the page tables of every anonymous mapping and write-protects
// them, and then the child faults in, one page at a time, the code and read-only data it runs
// (fork copies no page-table entries of file mappings): init and the exec child took about 22
// faults on their way to the function's execve here, at 15-40 us each on this VM. Sharing the
// address space costs none of that: `fstage invoke`'s cold start went from +8.1 to +5.4 ms over
// the bare interpreter (paired, pinned; README, Performance, has this mechanism's figures).
//
// What sharing asks for:
// - A stack of init's own (below), and the plan left untouched until init is reaped
//   (Sandbox::Impl owns both).
// - Thread-local storage that no running thread uses. A CLONE_VM child runs on the TLS of the
//   thread that cloned it (it inherits the thread pointer): every failed system call in init
//   sets errno *there*, at any moment, for the sandbox's whole life (in `fstage serve`, a
//   worker thread doing I/O). So init is cloned by a *parking thread* (clone_parked): a
//   pthread made for this one sandbox, with every signal blocked, whose TLS glibc itself laid
//   out. After the clone it publishes init's pid and wakes the caller (a futex wake, which
//   cannot fail), then blocks in waitid(WNOWAIT) until init has exited, and only then returns.
//   In between it runs no code that touches its TLS: both calls go through syscall(), which
//   writes errno only on failure, and neither fails while init lives (init is our child; no
//   signal reaches the thread). That is the situation of posix_spawn's child, which borrows
//   its parent's TLS while the kernel holds the parent (CLONE_VFORK), except that here the
//   owner sleeps in a wait of its own: a parent held by CLONE_VFORK sleeps uninterruptibly,
//   and a sandbox lives for minutes. The exec child that init vforks borrows the same TLS
//   until its execve, while init waits for it, as any vfork child does.
// - No private interfaces: nothing here knows the layout of glibc's thread control block or
//   the size of its static TLS; the thread pointer is inherited by clone, which works the same
//   on every architecture and libc.
// - Only with a pid namespace: init's exit then waits until every other process in it is gone,
//   so once init has exited nothing runs on its stack or on the parked thread's TLS (the exec
//   child borrows both until its execve), and the thread may return (glibc then reuses its
//   stack and TLS for a later thread) and the stack be unmapped. Without one, a killed init
//   could leave the exec child running on memory about to be reused.
// - init's parent thread (for PR_SET_PDEATHSIG) is the parked one, which lives exactly as long
//   as init; the whole supervisor's death still takes init with it.
// - No signal handler of the supervisor's may run in init: every signal is blocked in the
//   parking thread (so across the clone), init keeps them blocked (SIGCHLD comes through a
//   signalfd, SIGKILL cannot be blocked), and the exec child resets every handled signal to
//   its default before it unblocks.
// - Only code that is safe after a clone in init and the exec child, as before (plan.hpp).
//
// Without a pid namespace, when no thread can be made, or with FSTAGE_SANDBOX_FORK_INIT=1,
// init is cloned the old way: a fork-style clone from the calling thread.
#include "start_init.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "syscalls.hpp"
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

namespace fstage::sandbox::detail {

namespace {

constexpr std::size_t k_page = 4096;
// init's deepest path is apply_mounts (a few PathBufs) and the seccomp program it receives
// (32 KB at most); the exec child runs on the same stack below init's frames.
constexpr std::size_t k_stack_bytes = 256 << 10;

int init_entry(void* plan) {
  init_main(*static_cast<const ChildPlan*>(plan));
}

// The parking thread. Every signal is blocked (inherited from clone_parked).
void* park(void* arg) {
  auto& c = *static_cast<ParkedClone*>(arg);
  const pid_t pid =
      ::clone(c.fn, c.stack_top, static_cast<int>(c.flags | CLONE_VM | SIGCHLD), c.arg);
  // errno is read only when the clone failed, so while no child shares it.
  const int result = pid > 0 ? pid : -(errno != 0 ? errno : EAGAIN);
  // From here until the child has exited, it may be running on this thread's TLS: touch none.
  c.result.store(result, std::memory_order_release);
  // A wake returns how many it woke; it fails only on a bad address, and `c` stays mapped
  // until the child has been reaped.
  ::syscall(SYS_futex, &c.result, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  if (pid > 0) {
    // Returns once the child is a zombie (left for whoever reaps it: WNOWAIT), or with ECHILD
    // once it has been reaped: in both cases it runs no more. It cannot fail before: the child
    // is this process's, and no signal can interrupt us.
    siginfo_t info;
    ::syscall(SYS_waitid, P_PID, pid, &info, WEXITED | WNOWAIT, nullptr);
  }
  return nullptr;
}

pid_t fork_init(unsigned long ns_flags, const ChildPlan& plan) {
  pid_t pid = raw_clone(ns_flags);
  if (pid == 0) {
    init_main(plan);
  }
  return pid;
}

}  // namespace

pid_t clone_parked(ParkedClone& c) {
  c.result.store(0, std::memory_order_relaxed);
  pthread_attr_t attr;
  if (int rc = ::pthread_attr_init(&attr); rc != 0) {
    errno = rc;
    return -1;
  }
  ::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  ::pthread_attr_setstacksize(&attr, k_parking_stack_bytes);
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t thread;
  int rc = ::pthread_create(&thread, &attr, park, &c);
  if (rc == EINVAL) {
    // The stack cannot hold this process's static TLS: the default size then.
    ::pthread_attr_destroy(&attr);
    ::pthread_attr_init(&attr);
    ::pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = ::pthread_create(&thread, &attr, park, &c);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::pthread_attr_destroy(&attr);
  if (rc != 0) {
    errno = rc;
    return -1;
  }
  int result;
  while ((result = c.result.load(std::memory_order_acquire)) == 0) {
    ::syscall(SYS_futex, &c.result, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
  }
  if (result < 0) {
    errno = -result;
    return -1;
  }
  return result;
}

InitMemory::~InitMemory() {
  release();
}

void InitMemory::forget() {
  base = nullptr;
  size = 0;
}

void InitMemory::release() {
  if (base != nullptr) {
    ::munmap(base, size);
    base = nullptr;
    size = 0;
  }
}

pid_t start_init(unsigned long ns_flags, const ChildPlan& plan, InitMemory& memory) {
  if ((ns_flags & CLONE_NEWPID) == 0 || std::getenv("FSTAGE_SANDBOX_FORK_INIT") != nullptr) {
    return fork_init(ns_flags, plan);
  }
  // [guard page][stack, growing down][ParkedClone]
  const std::size_t size = k_page + k_stack_bytes + k_page;
  void* base =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) {
    return -1;
  }
  ::mprotect(base, k_page, PROT_NONE);
  char* stack_top = static_cast<char*>(base) + k_page + k_stack_bytes;
  auto* c = new (stack_top) ParkedClone;
  c->fn = init_entry;
  c->arg = const_cast<ChildPlan*>(&plan);
  c->stack_top = stack_top;
  c->flags = ns_flags;
  const pid_t pid = clone_parked(*c);
  if (pid < 0) {
    const int clone_errno = errno;
    const bool no_thread = c->result.load(std::memory_order_relaxed) == 0;
    ::munmap(base, size);
    if (no_thread) {
      return fork_init(ns_flags, plan);
    }
    errno = clone_errno;
    return -1;
  }
  memory.base = base;
  memory.size = size;
  return pid;
}

}  // namespace fstage::sandbox::detail
