// SPDX-License-Identifier: Apache-2.0
// cgroup v2 on a delegated subtree (SANDBOX.md §4.4). We never touch the host's root: only
// our own cgroup (from /proc/self/cgroup), which systemd delegates to a user service or a
// `systemd-run --user --scope -p Delegate=yes` scope.
#include <algorithm>
#include <cerrno>

#include <fstage/base/strings.hpp>

#include "cgroup_io.hpp"
#include <sys/stat.h>

namespace fstage::sandbox::detail {

namespace {

constexpr const char* k_delegation_hint =
    "run fstage in a delegated cgroup of its own, e.g. `systemd-run --user --scope -p "
    "Delegate=yes fstage ...`, or give the user manager the controllers with a drop-in "
    "`Delegate=cpu cpuset io memory pids` for user@.service";

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Children of a cgroup only get the controllers listed in its cgroup.subtree_control. Writing
// there fails with EBUSY while the cgroup itself holds processes ("no internal processes"):
// if the only one is us, move ourselves into a child first (nsjail moveSelfIntoChildCgroup);
// if others live there too, moving them would reach into someone else's processes, so stop.
Expected<void> delegate_controllers(const CgroupSupport& s, const std::vector<std::string>& want,
                                    pid_t self_pid) {
  auto enabled = split(std::string(trim(cg_read(s.v2_dir / "cgroup.subtree_control"))), ' ');
  std::string request;
  for (const auto& c : want) {
    if (!contains(enabled, c)) {
      request += (request.empty() ? "+" : " +") + c;
    }
  }
  if (request.empty()) {
    return {};
  }
  auto procs = cg_read_pids(s.v2_dir / "cgroup.procs");
  bool others = std::any_of(procs.begin(), procs.end(), [&](pid_t p) { return p != self_pid; });
  if (others) {
    Error e(ErrorCode::sandbox,
            "cgroup v2: " + s.v2_dir.string() +
                " holds other processes, so its controllers cannot be delegated to children");
    e.hint = k_delegation_hint;
    return fail(std::move(e));
  }
  if (!procs.empty()) {
    std::filesystem::path self_dir = s.v2_dir / "fstage-self";
    if (::mkdir(self_dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return fail(Error::from_errno("mkdir", self_dir.string(), errno));
    }
    FSTAGE_TRY(cg_write_checked(self_dir / "cgroup.procs", std::to_string(self_pid)));
  }
  if (auto r = cg_write_checked(s.v2_dir / "cgroup.subtree_control", request); !r) {
    Error e = r.error();
    e.hint = k_delegation_hint;
    return fail(std::move(e));
  }
  return {};
}

}  // namespace

Expected<CgroupLeaf> create_v2_leaf(const CgroupSupport& s, const std::string& name,
                                    const Limits& limits, pid_t self_pid) {
  std::vector<std::string> want;
  for (const char* c : {"memory", "pids", "cpu"}) {
    if (contains(s.v2_controllers, c) &&
        (std::string_view(c) != "cpu" || limits.cpu_millicores > 0)) {
      want.emplace_back(c);
    }
  }
  FSTAGE_TRY(delegate_controllers(s, want, self_pid));
  std::filesystem::path dir = s.v2_dir / name;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(Error::from_errno("mkdir", dir.string(), errno));
  }
  CgroupLeaf leaf;
  leaf.dirs.push_back(dir);
  leaf.memory_dir = dir;
  leaf.procs_dir = dir;
  std::uint64_t bytes = static_cast<std::uint64_t>(limits.memory_mb) << 20;
  FSTAGE_TRY(cg_write_checked(dir / "memory.max", std::to_string(bytes)));
  leaf.enforced.push_back("memory");
  // No swap, or a memory hog would page out instead of hitting the limit.
  if (cg_exists(dir / "memory.swap.max")) {
    cg_write(dir / "memory.swap.max", "0");
  }
  // Kill the whole group on OOM, not one process: a half-killed runtime is worse than none.
  if (cg_exists(dir / "memory.oom.group")) {
    cg_write(dir / "memory.oom.group", "1");
  }
  if (contains(want, "pids")) {
    FSTAGE_TRY(cg_write_checked(dir / "pids.max", std::to_string(limits.pids)));
    leaf.enforced.push_back("pids");
  }
  if (contains(want, "cpu")) {
    FSTAGE_TRY(
        cg_write_checked(dir / "cpu.max", std::to_string(limits.cpu_millicores * 100) + " 100000"));
    leaf.enforced.push_back("cpu");
  }
  return leaf;
}

}  // namespace fstage::sandbox::detail
