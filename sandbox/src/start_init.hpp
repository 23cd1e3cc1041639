// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

#include "plan.hpp"
#include <sys/types.h>

namespace fstage::sandbox::detail {

// init's stack and thread-local storage (start_init.cpp). Unmapped on release() or
// destruction: only once init has been reaped.
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

}  // namespace fstage::sandbox::detail
