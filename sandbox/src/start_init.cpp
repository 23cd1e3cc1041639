// SPDX-License-Identifier: Apache-2.0
// Starting the sandbox's init without copying the supervisor: clone(CLONE_VM) with a stack
// and a thread-local-storage block of its own.
//
// A fork-style clone copies the page tables of every anonymous mapping and write-protects
// them, and then the child faults in, one page at a time, the code and read-only data it runs
// (fork copies no page-table entries of file mappings): init and the exec child took about 22
// faults on their way to the function's execve here, at 15-40 us each on this VM. Sharing the
// address space costs none of that: `fstage invoke`'s cold start went from +8.1 to +5.4 ms over
// the bare interpreter (paired, pinned).
//
// What sharing asks for:
// - A stack of init's own (below), and the plan left untouched until init is reaped
//   (Sandbox::Impl owns both).
// - Thread-local storage of its own. A CLONE_VM child otherwise runs on the calling thread's:
//   every failed system call in init would set *that thread's* errno, at any moment, for the
//   sandbox's whole life (in `fstage serve`, a worker thread doing I/O). The block is a copy of
//   the calling thread's static TLS and thread control block (so errno, the stack-protector
//   canary and glibc's per-thread flags are all where the code expects them), with its two
//   self-pointers set to the copy. glibc publishes the sizes this needs for libthread_db and
//   the sanitizers (_dl_get_tls_static_info, _thread_db_sizeof_pthread); without them, or
//   off x86-64 (whose TLS layout is the one written here), or without a pid namespace (see
//   start_init), init is started the old way.
// - No signal handler of the supervisor's may run in init: every signal is blocked across the
//   clone, init keeps them blocked (SIGCHLD comes through a signalfd, SIGKILL cannot be
//   blocked), and the exec child resets every handled signal to its default before it unblocks.
// - Only code that is safe after a clone in init and the exec child, as before (plan.hpp).
#include "start_init.hpp"

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <optional>
#include <pthread.h>
#include <sched.h>

#include "syscalls.hpp"
#include <sys/mman.h>

namespace fstage::sandbox::detail {

namespace {

constexpr std::size_t k_page = 4096;
// init's deepest path is apply_mounts (a few PathBufs) and the seccomp program it receives
// (32 KB at most); the exec child runs on the same stack below init's frames.
constexpr std::size_t k_stack_bytes = 256 << 10;

struct TlsLayout {
  std::size_t below = 0;  // static TLS blocks below the thread pointer
  std::size_t tcb = 0;    // glibc's struct pthread, at the thread pointer
  std::size_t align = 0;
};

std::optional<TlsLayout> find_tls_layout() {
#if defined(__x86_64__) && defined(__GLIBC__)
  using InfoFn = void (*)(std::size_t*, std::size_t*);
  auto* info = reinterpret_cast<InfoFn>(::dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info"));
  const auto* tcb =
      static_cast<const std::uint32_t*>(::dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread"));
  if (info == nullptr || tcb == nullptr) {
    return std::nullopt;
  }
  std::size_t size = 0;
  std::size_t align = 0;
  info(&size, &align);
  // Sanity: a power-of-two alignment, and sizes a real glibc has (the control block is about
  // 2.3 KB, the whole static area some KB).
  if (align == 0 || (align & (align - 1)) != 0 || align > k_page || *tcb < 64 || size <= *tcb ||
      size > (1u << 20)) {
    return std::nullopt;
  }
  return TlsLayout{size - *tcb, *tcb, align};
#else
  return std::nullopt;
#endif
}

const std::optional<TlsLayout>& tls_layout() {
  static const std::optional<TlsLayout> layout = find_tls_layout();
  return layout;
}

int init_entry(void* plan) {
  init_main(*static_cast<const ChildPlan*>(plan));
}

}  // namespace

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
  // Only with a pid namespace: init's exit then waits until every other process in it is
  // gone, so once init is reaped nothing runs on its stack (the exec child borrows it until
  // its execve) and the stack can be unmapped. Without one, a killed init could leave the exec
  // child running on a stack about to be unmapped and reused.
  const auto& layout = tls_layout();
  if (!layout || (ns_flags & CLONE_NEWPID) == 0 ||
      std::getenv("FSTAGE_SANDBOX_FORK_INIT") != nullptr) {
    pid_t pid = raw_clone(ns_flags);
    if (pid == 0) {
      init_main(plan);
    }
    return pid;
  }
  // [guard page][stack, growing down][TLS copy: static blocks, then the control block]
  const std::size_t tls_bytes = layout->below + layout->tcb + layout->align;
  const std::size_t size = (k_page + k_stack_bytes + tls_bytes + k_page - 1) & ~(k_page - 1);
  void* base =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) {
    return -1;
  }
  ::mprotect(base, k_page, PROT_NONE);
  char* stack_top = static_cast<char*>(base) + k_page + k_stack_bytes;
  auto tp = reinterpret_cast<std::uintptr_t>(stack_top) + layout->below;
  tp = (tp + layout->align - 1) & ~(layout->align - 1);
  auto* own_tp = static_cast<char*>(__builtin_thread_pointer());
  std::memcpy(reinterpret_cast<char*>(tp) - layout->below, own_tp - layout->below,
              layout->below + layout->tcb);
  // tcbhead_t: `tcb` (what %fs:0 reads, for TLS addresses) and `self` point at the block.
  reinterpret_cast<void**>(tp)[0] = reinterpret_cast<void*>(tp);
  reinterpret_cast<void**>(tp)[2] = reinterpret_cast<void*>(tp);

  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid =
      ::clone(init_entry, stack_top, static_cast<int>(ns_flags | CLONE_VM | CLONE_SETTLS | SIGCHLD),
              const_cast<ChildPlan*>(&plan), nullptr, reinterpret_cast<void*>(tp), nullptr);
  int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    ::munmap(base, size);
    errno = clone_errno;
    return -1;
  }
  memory.base = base;
  memory.size = size;
  return pid;
}

}  // namespace fstage::sandbox::detail
