// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "plan.hpp"
#include <sys/types.h>

namespace fstage::sandbox::detail {

// The mount operations that build the sandbox's root (SANDBOX.md §4.3), run in order by the
// child after pivot_root. Host paths are checked here, in the parent: missing optional
// entries are left out, symlinked bind sources are resolved. Errors: not_found for the code
// directory or an explicit bind.
// `cache_dir` (may be empty) keeps what /etc holds between runs (etc_runtime_entries).
Expected<std::vector<MountOp>> build_mounts(const SandboxConfig& config, uid_t uid, gid_t gid,
                                            const std::filesystem::path& cache_dir);

// Sets MountOp::parent_made on each op whose target's parent an earlier op creates (the
// root's tmpfs is empty): the child then skips a mkdir that would fail with EEXIST.
void mark_parents(std::vector<MountOp>& ops);

// The entries of `etc` (the host's /etc) named like a runtime's configuration directory
// ("java-*", "python3*"), sorted, from a cache in `cache_dir` when /etc has not changed.
std::vector<std::string> etc_runtime_entries(const std::filesystem::path& cache_dir,
                                             const std::filesystem::path& etc = "/etc");

// The /etc/passwd, /etc/group and /etc/hosts the sandbox gets.
std::string passwd_text(uid_t uid, gid_t gid);
std::string group_text(gid_t gid);
std::string hosts_text(const std::string& hostname);

}  // namespace fstage::sandbox::detail
