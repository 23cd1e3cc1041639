// SPDX-License-Identifier: Apache-2.0
// The supervisor's state for one sandbox, shared by sandbox.cpp (spawning) and
// sandbox_watch.cpp (watching, killing, measuring).
#pragma once

#include <cstdint>
#include <fcntl.h>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include <fstage/base/fs.hpp>
#include <fstage/sandbox/cgroup.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "kernel_file.hpp"
#include "plan.hpp"
#include "start_init.hpp"

namespace fstage::sandbox {

struct Sandbox::Impl {
  detail::ChildPlan plan;
  detail::InitMemory init_memory;  // init's stack: freed once init is reaped
  std::optional<Cgroup> cgroup;
  std::optional<TempDir> host_dir;  // degraded tier: where the runtime files live
  bool pidns = false;
  bool watchdog = false;
  std::uint64_t memory_limit = 0;
  std::uint64_t sampled_peak = 0;
  std::uint64_t main_maxrss = 0;  // from init's wait4, once main has exited
  std::vector<pid_t> tree;        // last full scan of the sandbox's processes
  int ticks = 0;
  std::string memory_source = "rss";
  std::optional<std::pair<int, int>> connect_reply;  // {errno, fd} from init's connect
  // The main process's /proc/<pid>/status and clear_refs, kept open: read and reset around
  // every invocation (kernel_file.hpp).
  pid_t files_pid = 0;
  detail::KernelFile main_status;
  detail::KernelFile main_clear_refs;
  // A pidfd for the main process, sent up with its "started" message (-1 before, or on a
  // kernel without pidfd_open). SIGKILL through it cannot hit a recycled pid.
  int main_pidfd = -1;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { close_main_pidfd(); }
  void close_main_pidfd() {
    if (main_pidfd >= 0) {
      ::close(main_pidfd);
      main_pidfd = -1;
    }
  }

  void open_main_files(pid_t pid) {
    if (files_pid != pid) {
      files_pid = pid;
      const std::string dir = "/proc/" + std::to_string(pid);
      main_status = detail::KernelFile(dir + "/status", O_RDONLY);
      main_clear_refs = detail::KernelFile(dir + "/clear_refs", O_WRONLY);
    }
  }
};

}  // namespace fstage::sandbox
