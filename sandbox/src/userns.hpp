// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <fstage/base/error.hpp>

#include <sys/types.h>

namespace fstage::sandbox::detail {

// Writes /proc/<pid>/{setgroups,uid_map,gid_map} for a child that was cloned with
// CLONE_NEWUSER: one line each, `inside` → `outside`. Errors: sandbox, with bubblewrap-style
// advice when the kernel or a security module refuses.
Expected<void> write_id_maps(pid_t pid, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
                             gid_t outside_gid);

// The host uid/gid the sandbox user maps to: ourselves, or nobody when we are root.
uid_t outside_uid();
gid_t outside_gid();

}  // namespace fstage::sandbox::detail
