// SPDX-License-Identifier: Apache-2.0
#pragma once

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
Expected<std::vector<MountOp>> build_mounts(const SandboxConfig& config, uid_t uid, gid_t gid);

// The /etc/passwd, /etc/group and /etc/hosts the sandbox gets.
std::string passwd_text(uid_t uid, gid_t gid);
std::string group_text(gid_t gid);
std::string hosts_text(const std::string& hostname);

}  // namespace fstage::sandbox::detail
