// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace fstage::sandbox::detail {

// The ppid field of a /proc/<pid>/stat line, or -1.
pid_t parse_stat_ppid(std::string_view stat_line);

// Every process below `root` (not including it), from one scan of /proc. Processes that
// exit during the scan are simply missing.
std::vector<pid_t> descendants(pid_t root);

// Resident set size of `pid` in bytes from /proc/<pid>/statm; 0 when it is gone.
std::uint64_t rss_bytes(pid_t pid);

// A "Key:  123 kB" field of a /proc/<pid>/status text (VmHWM, the peak RSS, say) in bytes;
// 0 when absent. Writing "5" to /proc/<pid>/clear_refs (Linux >= 4.0) resets VmHWM.
std::uint64_t status_field_bytes(std::string_view status_text, std::string_view key);

// A hexadecimal "Key:\t0000000000001000" field of a /proc/<pid>/status text (SigIgn, say);
// 0 when absent.
std::uint64_t status_field_hex(std::string_view status_text, std::string_view key);

// The signals this process does not leave at SIG_DFL (ignored or handled), bit n-1 for
// signal n: the SigIgn and SigCgt lines of /proc/self/status, or, without /proc, one
// sigaction query per signal.
std::uint64_t handled_signals();

// SIGKILLs `root`'s descendants, repeating until none are left (or ~50 rounds): for the tier
// without a pid namespace, where one kill cannot end the tree.
void kill_descendants(pid_t root);

}  // namespace fstage::sandbox::detail
