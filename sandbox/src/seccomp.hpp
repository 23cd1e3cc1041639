// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <vector>

#include <fstage/base/error.hpp>

#include <linux/filter.h>

namespace fstage::sandbox::detail {

// Compiles fstage's denylist (default allow) to classic BPF, in the parent: libseccomp
// allocates, so the child only installs the finished program. Errors: sandbox.
Expected<std::vector<sock_filter>> compile_seccomp_filter();

// compile_seccomp_filter(), remembered: once per process, and in `cache_dir` (when not empty)
// as seccomp-<key>.bpf, keyed by the rules, the libseccomp version and the native
// architecture. Compiling costs 0.5 to 2 ms on every sandbox start; reading the file back,
// four system calls.
Expected<std::vector<sock_filter>> build_seccomp_filter(const std::filesystem::path& cache_dir);

// Where build_seccomp_filter keeps the program for `cache_dir`.
std::filesystem::path seccomp_cache_file(const std::filesystem::path& cache_dir);

// True when the kernel supports seccomp filters (CONFIG_SECCOMP_FILTER).
bool seccomp_supported();

}  // namespace fstage::sandbox::detail
