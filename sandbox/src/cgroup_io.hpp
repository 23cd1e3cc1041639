// SPDX-License-Identifier: Apache-2.0
// Small file helpers for cgroup control files, shared by the v1 and v2 code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/cgroup.hpp>

#include <sys/types.h>

namespace fstage::sandbox::detail {

// Whole file, or "" when it cannot be read. Also used for /proc files (procfs.cpp).
std::string cg_read(const std::filesystem::path& file);
// One write(2) of `text`; control files take one value per write. Returns 0 or an errno.
int cg_write(const std::filesystem::path& file, std::string_view text);
// cg_write as an Expected naming the file; errors are ErrorCode::sandbox.
Expected<void> cg_write_checked(const std::filesystem::path& file, std::string_view text);
std::uint64_t cg_read_u64(const std::filesystem::path& file);
// The pids listed in a cgroup.procs file.
std::vector<pid_t> cg_read_pids(const std::filesystem::path& file);
bool cg_exists(const std::filesystem::path& p);

// Version-specific parts of Cgroup::create. Each fills `dirs` (leaves, created), the memory
// dir, the procs dir and the names of the enforced limits.
struct CgroupLeaf {
  std::vector<std::filesystem::path> dirs;
  std::filesystem::path memory_dir;
  std::filesystem::path procs_dir;
  std::vector<std::string> enforced;
};
Expected<CgroupLeaf> create_v1_leaf(const CgroupSupport& s, const std::string& name,
                                    const Limits& limits);
Expected<CgroupLeaf> create_v2_leaf(const CgroupSupport& s, const std::string& name,
                                    const Limits& limits, pid_t self_pid);

}  // namespace fstage::sandbox::detail
