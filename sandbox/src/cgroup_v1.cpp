// SPDX-License-Identifier: Apache-2.0
// cgroup v1: one leaf per hierarchy (memory, pids, cpu), nested under our own cgroup so the
// limits of whatever runs fstage still apply on top. Only usable when those directories are
// writable, which on a v1 host means root: v1 has no safe delegation (systemd#9502).
#include <cerrno>

#include "cgroup_io.hpp"
#include <sys/stat.h>

namespace fstage::sandbox::detail {

Expected<CgroupLeaf> create_v1_leaf(const CgroupSupport& s, const std::string& name,
                                    const Limits& limits) {
  CgroupLeaf leaf;
  for (const auto& [controller, parent] : s.v1_dirs) {
    if (controller != "memory" && controller != "pids" &&
        !(controller == "cpu" && limits.cpu_millicores > 0)) {
      continue;
    }
    std::filesystem::path dir = parent / name;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return fail(Error::from_errno("mkdir", dir.string(), errno));
    }
    leaf.dirs.push_back(dir);
    if (controller == "memory") {
      std::uint64_t bytes = static_cast<std::uint64_t>(limits.memory_mb) << 20;
      FSTAGE_TRY(cg_write_checked(dir / "memory.limit_in_bytes", std::to_string(bytes)));
      // With swap accounting, memsw caps memory+swap: equal to the limit means no swap.
      if (cg_exists(dir / "memory.memsw.limit_in_bytes")) {
        cg_write(dir / "memory.memsw.limit_in_bytes", std::to_string(bytes));
      }
      cg_write(dir / "memory.swappiness", "0");
      leaf.memory_dir = dir;
      leaf.procs_dir = dir;
      leaf.enforced.push_back("memory");
    } else if (controller == "pids") {
      FSTAGE_TRY(cg_write_checked(dir / "pids.max", std::to_string(limits.pids)));
      leaf.enforced.push_back("pids");
    } else {
      FSTAGE_TRY(cg_write_checked(dir / "cpu.cfs_period_us", "100000"));
      FSTAGE_TRY(
          cg_write_checked(dir / "cpu.cfs_quota_us", std::to_string(limits.cpu_millicores * 100)));
      leaf.enforced.push_back("cpu");
    }
  }
  if (leaf.memory_dir.empty()) {
    return fail(ErrorCode::sandbox, "cgroup v1: no writable memory hierarchy");
  }
  return leaf;
}

}  // namespace fstage::sandbox::detail
