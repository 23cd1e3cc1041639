// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstddef>

#include "plan.hpp"
#include <sys/types.h>

namespace fstage::sandbox::detail {

// init's stack (start_init.cpp). Unmapped on release() or destruction: only once init has
// been reaped.
struct InitMemory {
  void* base = nullptr;
  std::size_t size = 0;

  InitMemory() = default;
  InitMemory(const InitMemory&) = delete;
  InitMemory& operator=(const InitMemory&) = delete;
  ~InitMemory();
  void release();
  // Leaves the mapping alone for good (a sandbox abandoned to the reaper: init may still be
  // dying, and the process is about to exit anyway).
  void forget();
};

// Starts the sandbox's init (init_main(plan)) with the namespaces in `ns_flags`, sharing this
// process's memory when it can (start_init.cpp says how and why), else as a fork-style clone.
// Returns its pid, or -1 with errno. `plan` must outlive init; `memory` too.
pid_t start_init(unsigned long ns_flags, const ChildPlan& plan, InitMemory& memory);

// What clone_parked needs, and where it answers. It must stay mapped until the child has been
// reaped (start_init keeps it in InitMemory; a test on its stack).
struct ParkedClone {
  int (*fn)(void*) = nullptr;
  void* arg = nullptr;
  void* stack_top = nullptr;  // the child's stack (16-byte aligned), grows down
  unsigned long flags = 0;    // namespace flags; CLONE_VM and SIGCHLD are added
  // 0 until the clone returned, then the child's pid or -errno (a futex word).
  std::atomic<int> result{0};
};
static_assert(std::atomic<int>::is_always_lock_free && sizeof(std::atomic<int>) == sizeof(int));

// The stack size of the parking thread (start_init.cpp); the tests make threads like it.
constexpr std::size_t k_parking_stack_bytes = 128 << 10;

// Runs `c.fn(c.arg)` in a new process that shares this process's memory, cloned from a thread
// made for it: the child runs on that thread's thread-local storage (errno, the stack
// protector's canary), which glibc laid out, while the thread waits, touching none of it,
// until the child has exited. Returns the child's pid, or -1 with errno (EAGAIN and friends
// from pthread_create when no thread can be made: the caller may start the child another way).
// The child is this process's child (any thread may wait for it) with SIGCHLD as its exit
// signal; its parent *thread*, for PR_SET_PDEATHSIG, is the parked one.
pid_t clone_parked(ParkedClone& c);

}  // namespace fstage::sandbox::detail
