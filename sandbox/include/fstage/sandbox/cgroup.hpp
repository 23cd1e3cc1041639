// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/limits.hpp>

#include <sys/types.h>

namespace fstage::sandbox {

// Which cgroup interface fstage can drive on this host.
enum class CgroupMode {
  none,  // nothing writable: memory falls back to the RSS watchdog, pids to RLIMIT_NPROC
  v1,    // legacy per-controller hierarchies we can write to (in practice: root)
  v2,    // a delegated cgroup v2 subtree (our own cgroup is writable)
};

std::string_view to_string(CgroupMode mode);

// One line of /proc/self/mountinfo that mounts a cgroup filesystem.
struct CgroupMount {
  std::string mount_point;               // "/sys/fs/cgroup/memory"
  std::string root;                      // the mount's root inside the hierarchy ("/")
  bool v2 = false;                       // cgroup2
  std::vector<std::string> controllers;  // v1: from the super options ("memory")
};

// Parses /proc/self/mountinfo text; keeps only cgroup and cgroup2 mounts.
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);

// Parses /proc/self/cgroup text into controller → path. The v2 line "0::/a/b" is stored under
// the key "" ; a v1 line "4:memory,foo:/x" under each of "memory" and "foo".
std::map<std::string, std::string> parse_proc_cgroup(std::string_view text);

// What detect_cgroups found, with the directories to use. Paths are host paths (prefixed with
// the `root` given to detect_cgroups, so fixture trees work).
struct CgroupSupport {
  CgroupMode mode = CgroupMode::none;
  std::string reason;  // why this mode (and why not a better one), for `fstage doctor`
  // v2: our own cgroup directory and the controllers it offers to children.
  std::filesystem::path v2_dir;
  std::vector<std::string> v2_controllers;
  // v1: controller → our cgroup directory in that hierarchy ("memory" → .../memory/process_api/x).
  std::map<std::string, std::filesystem::path> v1_dirs;

  bool has(std::string_view controller) const;
};

// Looks at `root`/proc/self/mountinfo, `root`/proc/self/cgroup and the cgroup trees under
// `root` and decides what can be used: a writable v2 cgroup that offers memory (and pids),
// else writable v1 memory/pids hierarchies, else none. Only reads and checks writability
// (`writable`, default access(W_OK)); never creates anything. `root` is "/" on a real host
// and a fixture directory in tests (whose predicate stands in for permissions, since tests
// may run as root).
using WritablePredicate = std::function<bool(const std::filesystem::path&)>;
CgroupSupport detect_cgroups(const std::filesystem::path& root,
                             const WritablePredicate& writable = {});

// One sandbox's cgroup (a leaf in each v1 hierarchy, or one v2 directory), with its limits.
// Removed (after killing what is left inside) on destruction.
class Cgroup {
 public:
  // Creates the leaf named `name` and writes the limits. For v2 this first makes sure our own
  // cgroup delegates the controllers to its children: when writing cgroup.subtree_control
  // fails with EBUSY ("no internal processes"), and `self_pid` is the only process in our
  // cgroup, moves it into a "fstage-self" child first (nsjail's moveSelfIntoChildCgroup).
  // Errors: sandbox (with the file and errno), with a hint about delegation.
  static Expected<Cgroup> create(const CgroupSupport& support, const std::string& name,
                                 const Limits& limits, pid_t self_pid);

  Cgroup(Cgroup&& other) noexcept;
  Cgroup& operator=(Cgroup&& other) noexcept;
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;
  ~Cgroup();

  // Moves `pid` into the cgroup (every hierarchy for v1).
  Expected<void> add(pid_t pid) const;
  // v1: each leaf's `tasks` file, through which a new process moves itself in by writing
  // "0". The kernel then migrates only the calling thread and skips the global threadgroup
  // lock, whose writer waits out an RCU grace period: add() costs 0.4 to 0.9 ms here, the
  // self-move 0.08 ms. Only right for a single-threaded process (a sandbox's init is).
  // v2: empty, use add() (there a self-move takes the same lock).
  std::vector<std::filesystem::path> self_join_files() const;
  // True once the kernel OOM killer has killed something in this cgroup.
  bool oom_killed() const;
  // Peak memory use in bytes since creation or the last reset_peak(); 0 when unknown.
  std::uint64_t peak_bytes() const;
  // Current memory use in bytes; 0 when unknown.
  std::uint64_t current_bytes() const;
  // Restarts peak tracking (v1: max_usage_in_bytes; v2: memory.peak is reset per open file on
  // Linux ≥ 6.12, else the peak is tracked from memory.current samples by the caller).
  void reset_peak() const;
  // SIGKILLs every process in the cgroup (v2: cgroup.kill when present).
  void kill_all() const;
  // Names of the limits this cgroup enforces: "memory", "pids", "cpu".
  const std::vector<std::string>& enforced() const { return m_enforced; }
  bool enforces(std::string_view what) const {
    return std::find(m_enforced.begin(), m_enforced.end(), what) != m_enforced.end();
  }
  CgroupMode mode() const { return m_mode; }
  // The leaf directories (one per v1 hierarchy, one for v2).
  const std::vector<std::filesystem::path>& dirs() const { return m_dirs; }
  // Gives up the leaf directories without removing them: someone else removes them once the
  // cgroup is empty (a detached reaper does, for Sandbox::abandon). The Cgroup is then empty.
  void release();

 private:
  Cgroup();
  void remove();

  CgroupMode m_mode = CgroupMode::none;
  std::vector<std::filesystem::path> m_dirs;
  std::filesystem::path m_memory_dir;  // the dir holding memory.* files
  std::filesystem::path m_procs_dir;   // a dir whose cgroup.procs lists every process
  std::vector<std::string> m_enforced;
  std::uint64_t m_oom_kills_at_start = 0;
  // The memory files sampled on every invocation, kept open (kernel_file.hpp).
  struct Files;
  std::unique_ptr<Files> m_files;
};

// Splits "oom 0\noom_kill 3\n" style files (memory.events, memory.oom_control) and returns the
// value of `key`, or 0.
std::uint64_t read_flat_keyed(std::string_view text, std::string_view key);

}  // namespace fstage::sandbox
