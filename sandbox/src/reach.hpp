// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reaching the user's files the way the caller can. A project in a `mktemp -d` directory
// (mode 0700) is open to its owner and to root, but the sandbox is neither: as root in a user
// namespace, init is root only over files whose owner and group the namespace maps; without
// namespaces, root runs the function as nobody. So the supervisor opens the way while it
// still can (clone_user_mounts, reachable_code), and what stays closed is explained
// (explain_denied), never left as a bare "Permission denied".

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>

#include "plan.hpp"
#include "sync.hpp"
#include <sys/types.h>

namespace fstage::sandbox::detail {

// Descriptors spawn() opens for init; closed when spawn returns (init has its copies).
class OwnedFds {
 public:
  OwnedFds() = default;
  OwnedFds(const OwnedFds&) = delete;
  OwnedFds& operator=(const OwnedFds&) = delete;
  ~OwnedFds();
  void add(int fd) { m_fds.push_back(fd); }

 private:
  std::vector<int> m_fds;
};

// For each bind of a user path (MountOp::user_path): a detached copy of its mount, made here
// with root's reach (open_tree), for init to move into place (MountOp::tree_fd). Where the
// kernel has no open_tree (before 5.2) or refuses it, the ops stay binds by path.
void clone_user_mounts(std::vector<MountOp>& ops, OwnedFds& fds);

// The degraded tier as root: where the sandbox's host directory goes. "" ($TMPDIR) unless
// `uid`/`gid` may not enter $TMPDIR (a CI job's private one); then /tmp.
std::filesystem::path temp_base_for(uid_t uid, gid_t gid);

// The degraded tier as root: the function runs as `uid`/`gid` (nobody) on the host's paths.
// `code` itself when that user can read it; else a copy under `sandbox_dir` (hard links where
// the file system allows, so mostly no bytes are copied) that it can.
Expected<std::filesystem::path> reachable_code(const std::filesystem::path& code,
                                               const std::filesystem::path& sandbox_dir, uid_t uid,
                                               gid_t gid);

// The degraded tier as root: an error naming the directory in the way when `uid`/`gid`
// cannot execute `program` (an interpreter below /root, which is 0700).
Expected<void> check_runnable(const std::string& program, uid_t uid, gid_t gid);

// A setup step that failed for lack of permission (EACCES at a bind or at chdir): who could
// not reach which path, the directory in the way, and the fix. nullopt for other failures.
// `code_dir` is the host directory bound at the code root.
std::optional<Error> explain_denied(const ChildPlan& plan, const SyncMsg& m,
                                    const std::filesystem::path& code_dir);

}  // namespace fstage::sandbox::detail
