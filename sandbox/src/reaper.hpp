// SPDX-License-Identifier: Apache-2.0
// The detached reaper behind Sandbox::abandon (reaper.cpp).
#pragma once

#include <filesystem>
#include <vector>

namespace fstage::sandbox::detail {

// A sandbox's cgroup leaf is "fstage-<supervisor pid>-<n>": the reaper's sweep reads the pid
// back to find the leaves whose supervisor is gone.
inline constexpr char k_cgroup_leaf_prefix[] = "fstage-";

// Starts a child that outlives this process: it waits until the process behind `pidfd` has
// exited, then removes `dirs` (empty cgroup leaves), retrying while they are busy, and then
// the empty "fstage-<pid>-<n>" leaves beside them whose <pid> no longer exists. The child
// gets its own copy of `pidfd` and closes every other descriptor. False when it could not be
// started (the caller then does the work itself); the caller keeps and closes its `pidfd`.
bool start_reaper(int pidfd, const std::vector<std::filesystem::path>& dirs);

}  // namespace fstage::sandbox::detail
