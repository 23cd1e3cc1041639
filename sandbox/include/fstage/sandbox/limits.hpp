// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace fstage::sandbox {

// Resource limits for one sandbox. Defaults are the platform's (PLATFORM.md §2.2): 1024
// processes+threads, 1024 open files, a 512 MB /tmp. RLIMIT_AS is deliberately absent: it
// breaks the JVM and V8, which reserve far more address space than they use (nsjail #17, #76).
struct Limits {
  int memory_mb = 128;           // cgroup memory limit, or the RSS watchdog's threshold
  int pids = 1024;               // cgroup pids.max, else RLIMIT_NPROC (per user namespace)
  int nofile = 1024;             // RLIMIT_NOFILE
  int cpu_seconds = 0;           // RLIMIT_CPU for the runtime process tree; 0 = none
  int cpu_millicores = 0;        // cgroup CPU quota (1000 = one core); 0 = not throttled
  int tmp_mb = 512;              // size of the writable /tmp tmpfs
  int shm_mb = 64;               // size of /dev/shm
  std::int64_t fsize_mb = 1024;  // RLIMIT_FSIZE
};

}  // namespace fstage::sandbox
