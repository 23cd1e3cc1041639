// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sandbox half of `fstage doctor`: why this host gives the tier it gives, and the exact fix
// for each missing piece. Pure: it reads a root tree (`/` on a real host, a fixture directory in
// tests) and takes the probe's trial results as input, so every diagnosis is unit-tested on
// fixture trees of /proc, /sys and /etc (tests/fixtures/host).

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/cgroup.hpp>

#include <sys/types.h>

namespace fstage::sandbox {

// ✓ works; ! works degraded, or something optional is missing; ✗ blocks what was asked for.
enum class CheckStatus { ok, warn, fail };

std::string_view to_string(CheckStatus status);  // "ok", "warn", "fail"

// One line of the doctor's checklist.
struct Finding {
  std::string id;     // stable key for --json: "userns", "apparmor", "cgroup", ...
  std::string title;  // "user namespaces"
  CheckStatus status = CheckStatus::ok;
  std::string summary;  // one line: what was found
  std::string detail;   // why it matters, and what the evidence was ("" when nothing to add)
  std::string fix;      // exact commands or file contents, multi-line ("" when nothing to do)
};

// What the probe found by really trying (probe() in capabilities.hpp): the parts of a host
// a tree of files cannot tell.
struct TrialResults {
  bool root = false;
  bool userns = false;
  bool namespaces = false;
  bool seccomp = false;
  std::vector<std::string> notes;  // the probe's own words for what failed
  std::set<std::string> disabled;  // FSTAGE_SANDBOX_DISABLE items

  static TrialResults from(const Capabilities& caps, const ProbeOptions& options);
};

struct HostCheckOptions {
  std::filesystem::path root = "/";  // where proc/, sys/, etc/, run/ are read from
  WritablePredicate writable;        // stands in for access(W_OK) on cgroup dirs (tests)
  std::filesystem::path binary;      // the fstage binary, named in the AppArmor profile
  uid_t uid = 0;                     // the user fstage runs as
  pid_t self_pid = 0;                // our pid, to tell our cgroup's other processes apart
};

// A container fstage runs in, and what gave it away.
struct ContainerInfo {
  std::string engine;                 // "docker", "podman", "lxc", "kubernetes", ... or ""
  std::vector<std::string> evidence;  // "/.dockerenv exists", "root filesystem is overlay"
  std::string ignored;  // a weak sign not trusted alone (e.g. /.dockerenv on an ext4 root)
};

// Looks for signs of a container under `root`: /run/.containerenv (podman),
// /run/systemd/container, container names in /proc/1/cgroup, and /.dockerenv, which only
// counts together with an overlay root filesystem (VM images built from container images
// keep the file).
ContainerInfo detect_container(const std::filesystem::path& root);

struct HostReport {
  Tier tier = Tier::t2;
  std::string why;  // one paragraph: what the tier rests on and what it lacks
  CgroupSupport cgroup;
  ContainerInfo container;
  std::vector<Finding> findings;  // userns, apparmor, cgroup, container, seccomp, in that order
};

// The diagnosis. The tier is computed as probe() computes it (user namespace + usable cgroup →
// T0, user namespace alone → T1, else T2), from `trial` and the cgroups found under the root.
// Never fails: unreadable files count as absent.
HostReport check_host(const TrialResults& trial, const HostCheckOptions& options);

// Whether sandboxes reach the project at `project` as fstage itself does. Their users are not
// the caller: without namespaces root runs functions as nobody, and in a user namespace init
// holds root's powers only over root's own files, so a directory only its owner may enter
// (`mktemp -d` makes them 0700) stands in their way unless fstage opens it for them. ok (and
// how), or who is stopped where and the fix. As root, tries open_tree on it as spawn would.
Finding check_project_access(const Capabilities& caps, const std::filesystem::path& project);

// Without namespaces root runs functions as nobody: the error spawn would give when nobody
// may not run `program` (an interpreter below /root, mode 0700); nullopt otherwise.
std::optional<Error> function_cannot_run(const Capabilities& caps,
                                         const std::filesystem::path& program);

// The AppArmor profile that lets `binary` create user namespaces on Ubuntu ≥ 23.10, the
// narrow alternative to kernel.apparmor_restrict_unprivileged_userns=0.
std::string apparmor_profile(const std::filesystem::path& binary);

// The systemd drop-in that delegates the cgroup v2 controllers to every user manager.
inline constexpr std::string_view k_delegate_dropin_path =
    "/etc/systemd/system/user@.service.d/delegate.conf";
inline constexpr std::string_view k_delegate_dropin =
    "[Service]\nDelegate=cpu cpuset io memory pids\n";

}  // namespace fstage::sandbox
