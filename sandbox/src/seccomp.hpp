// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include <fstage/base/error.hpp>

#include <linux/filter.h>

namespace fstage::sandbox::detail {

// Compiles fstage's denylist (default allow) to classic BPF, in the parent: libseccomp
// allocates, so the child only installs the finished program. Errors: sandbox.
Expected<std::vector<sock_filter>> build_seccomp_filter();

// True when the kernel supports seccomp filters (CONFIG_SECCOMP_FILTER).
bool seccomp_supported();

}  // namespace fstage::sandbox::detail
