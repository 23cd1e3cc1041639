// SPDX-License-Identifier: Apache-2.0
#include "reach.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/access.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "userns.hpp"
#include <sys/mount.h>
#include <sys/stat.h>

namespace fstage::sandbox::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_old = "/.oldroot";

std::string user_label(uid_t uid) {
  return uid == static_cast<uid_t>(k_nobody_uid) ? "nobody (uid 65534)"
                                                 : "uid " + std::to_string(uid);
}

// Hard links (or copies, across file systems) of the tree at `from` in `to`; directories
// 0755 whatever the umask, so that another user can walk them.
Expected<void> link_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directory(to, ec);
  fs::permissions(to, fs::perms(0755), ec);
  if (ec) {
    return fail(Error::from_errno("mkdir", to.string(), ec.value()));
  }
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const fs::path dest = to / entry.path().filename();
    auto st = entry.symlink_status(ec);
    if (fs::is_directory(st)) {
      FSTAGE_TRY(link_tree(entry.path(), dest));
    } else if (fs::is_symlink(st)) {
      fs::copy_symlink(entry.path(), dest, ec);
    } else if (fs::is_regular_file(st)) {
      if (::link(entry.path().c_str(), dest.c_str()) == 0) {
        continue;
      }
      fs::copy_file(entry.path(), dest, ec);
      fs::permissions(dest, st.permissions(), ec);
    }
    if (ec) {
      return fail(Error::from_errno("copy", entry.path().string(), ec.value()));
    }
  }
  if (ec) {
    return fail(Error::from_errno("read", from.string(), ec.value()));
  }
  return {};
}

// The host path behind a path inside the sandbox, for a chdir that failed.
fs::path host_path_of(const ChildPlan& plan, const fs::path& code_dir) {
  if (!plan.mountns) {
    return plan.cwd;
  }
  const std::string_view root = k_code_root;
  if (!code_dir.empty() && plan.cwd.starts_with(root)) {
    return code_dir.string() + plan.cwd.substr(root.size());
  }
  return {};
}

// `dir` itself, when `uid`/`gid` may not search it (the directories above it do not count).
std::optional<Blocked> dir_closed_to(const fs::path& dir, uid_t uid, gid_t gid) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return std::nullopt;
  }
  const unsigned bits = uid == st.st_uid   ? st.st_mode >> 6
                        : gid == st.st_gid ? st.st_mode >> 3
                                           : st.st_mode;
  if ((bits & 1u) != 0) {
    return std::nullopt;
  }
  return Blocked{dir, true, st.st_mode, st.st_uid, st.st_gid};
}

}  // namespace

OwnedFds::~OwnedFds() {
  for (int fd : m_fds) {
    ::close(fd);
  }
}

void clone_user_mounts(std::vector<MountOp>& ops, OwnedFds& fds) {
  for (auto& op : ops) {
    if (op.kind != MountKind::bind || !op.user_path) {
      continue;
    }
    const std::string host = op.source.substr(k_old.size());
    int fd = ::open_tree(AT_FDCWD, host.c_str(),
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_NO_AUTOMOUNT);
    if (fd < 0) {
      return;  // no open_tree here (ENOSYS, or a seccomp filter's EPERM): all are binds
    }
    op.tree_fd = fd;
    fds.add(fd);
  }
}

fs::path temp_base_for(uid_t uid, gid_t gid) {
  const char* t = std::getenv("TMPDIR");
  if (t == nullptr || *t == '\0' || !blocked_for(t, uid, gid, X_OK)) {
    return {};
  }
  return "/tmp";
}

Expected<fs::path> reachable_code(const fs::path& code, const fs::path& sandbox_dir, uid_t uid,
                                  gid_t gid) {
  if (!blocked_for(code, uid, gid, R_OK | X_OK)) {
    return code;
  }
  // Each cold start links the tree again: a few thousand links take milliseconds, and only
  // the degraded tier pays them, for a project its function's user may not enter.
  const fs::path copy = sandbox_dir / "code";
  FSTAGE_TRY(link_tree(code, copy));
  return copy;
}

Expected<void> check_runnable(const std::string& program, uid_t uid, gid_t gid) {
  auto b = blocked_for(program, uid, gid, X_OK);
  if (!b) {
    return {};
  }
  Error e(ErrorCode::sandbox,
          "sandbox: the function runs as " + user_label(uid) +
              " here (fstage is root and has no namespaces), and that user cannot run " + program +
              ": " + describe(*b) + " is closed to it");
  e.hint =
      "use an interpreter every user may run, one under /usr: FSTAGE_PYTHON=/usr/bin/python3, "
      "FSTAGE_NODE=/usr/bin/node, ...; or open the way: " +
      open_up_command(*b, X_OK);
  return fail(std::move(e));
}

std::optional<Error> explain_denied(const ChildPlan& plan, const SyncMsg& m,
                                    const fs::path& code_dir) {
  if (m.err != EACCES) {
    return std::nullopt;
  }
  const auto stage = static_cast<Stage>(m.stage);
  fs::path host;
  std::string who;
  std::optional<Blocked> b;
  const bool root = ::geteuid() == 0;
  if (stage == Stage::mount_op && m.index >= 0 &&
      static_cast<std::size_t>(m.index) < plan.mounts.size() &&
      plan.mounts[static_cast<std::size_t>(m.index)].kind == MountKind::bind) {
    host = plan.mounts[static_cast<std::size_t>(m.index)].source.substr(k_old.size());
    if (root && plan.userns) {
      // init is uid 0 in its user namespace, mapped to ours, but holds root's powers only
      // over files of root's own: elsewhere it is any other user.
      who = "the sandbox's init (root only over root's files, in its user namespace)";
      b = blocked_for(host, 0, 0, R_OK | X_OK);
    } else {
      who = "the sandbox's init";
      b = caller_blocked(host, R_OK | X_OK);
    }
  } else if (stage == Stage::chdir) {
    host = host_path_of(plan, code_dir);
    if (host.empty()) {
      return std::nullopt;
    }
    const uid_t uid = plan.userns ? outside_uid() : plan.uid;
    const gid_t gid = plan.userns ? outside_gid() : plan.gid;
    who = "the function's user, " + user_label(uid) + " on this host,";
    // With a mount namespace only the directory itself counts: it is bound at the code root.
    b = plan.mountns ? dir_closed_to(host, uid, gid) : blocked_for(host, uid, gid, X_OK);
  } else {
    return std::nullopt;
  }
  if (!b) {
    return std::nullopt;
  }
  Error e(ErrorCode::sandbox, "sandbox: " + who + " cannot reach " + host.string() + ": " +
                                  describe(*b) + " is closed to it");
  e.sys_errno = EACCES;
  e.hint = "let others through: " + open_up_command(*b, X_OK) +
           ", or keep the project in a directory other users may enter";
  return e;
}

}  // namespace fstage::sandbox::detail
