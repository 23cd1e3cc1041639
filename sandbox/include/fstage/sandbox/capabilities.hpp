// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/sandbox/cgroup.hpp>

namespace fstage::sandbox {

// How strongly the sandbox can isolate a function on this host (SANDBOX.md §4.2).
enum class Tier {
  t0,  // user namespace + all namespaces + a usable cgroup (v2 delegated, or v1 as root)
  t1,  // user namespace + all namespaces, no cgroup: RSS watchdog, RLIMIT_NPROC
  t2,  // no user namespace: as root, namespaces without one; otherwise degraded (no
       // namespaces: only no_new_privs, seccomp and rlimits)
};

std::string_view to_string(Tier tier);  // "T0", "T1", "T2"

// What the probe found by really trying (clone, uid_map, mounts), not by reading sysctls:
// Ubuntu 24.04's AppArmor lets unshare(CLONE_NEWUSER) succeed and then denies uid_map writes
// and mounts (bubblewrap#632), so only a full attempt tells the truth.
struct Capabilities {
  bool root = false;        // euid 0
  bool userns = false;      // clone(CLONE_NEWUSER|…) + uid_map + tmpfs + proc + lo all worked
  bool namespaces = false;  // mount/pid/net/ipc/uts namespaces usable (with or without userns)
  bool seccomp = false;     // the kernel accepts seccomp filters
  // Root hands init copies of the mounts of the code and binds (open_tree, Linux 5.2), made
  // while it can still reach them: init's root in a user namespace cannot enter a directory
  // whose owner the namespace does not map. Off only through FSTAGE_SANDBOX_DISABLE; a kernel
  // without open_tree falls back to binding by path.
  bool clone_mounts = false;
  CgroupSupport cgroup;
  Tier tier = Tier::t2;
  std::vector<std::string> notes;  // why a feature is missing, with the fix
  // ProbeOptions::cache_dir, where the sandbox also keeps its compiled seccomp program.
  std::filesystem::path cache_dir;
};

// What the caller wants switched off, for tests and debugging: FSTAGE_SANDBOX_DISABLE is a
// comma list of "userns", "namespaces", "cgroup", "seccomp", "clone_mounts".
struct ProbeOptions {
  std::set<std::string> disable;
  // When set, the namespace trial's outcome is remembered there for the rest of the boot
  // (keyed by boot id, kernel release and euid), saving its ~5 ms on every later run.
  std::filesystem::path cache_dir;
  static ProbeOptions from_env_value(std::string_view value);
  // FSTAGE_SANDBOX_DISABLE, plus the cache in $XDG_CACHE_HOME/fstage (or ~/.cache/fstage)
  // unless FSTAGE_SANDBOX_REPROBE=1.
  static ProbeOptions from_env(const std::map<std::string, std::string>& env);
};

// Probes once per process and options set (about 5 ms; see ProbeOptions::cache_dir). Never fails:
// what does not work is recorded in `notes`.
const Capabilities& probe(const ProbeOptions& options = {});

// One line for reports: "T1 (user namespace, no usable cgroup: memory by RSS watchdog)".
std::string describe(const Capabilities& caps);

}  // namespace fstage::sandbox
