// SPDX-License-Identifier: Apache-2.0
// `fstage doctor`'s view of reach.hpp: can the sandbox get at this project, and run this
// interpreter, as the caller can?
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/access.hpp>
#include <fstage/sandbox/host_check.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "reach.hpp"
#include <sys/mount.h>

namespace fstage::sandbox {

namespace fs = std::filesystem;

Finding check_project_access(const Capabilities& caps, const fs::path& project) {
  Finding f{"project_access", "project access", CheckStatus::ok, "", "", ""};
  const int want = R_OK | X_OK;
  if (!caps.root) {
    if (auto b = caller_blocked(project, want)) {
      f.status = CheckStatus::fail;
      f.summary = "you (uid " + std::to_string(::geteuid()) + ") may not read " + project.string() +
                  ": " + describe(*b) + " is in the way";
      f.fix = open_up_command(*b, b->target ? want : X_OK) + "   # or run fstage as its owner";
    } else {
      f.summary = "sandboxes run as you and reach it as you do";
    }
    return f;
  }
  if (!caps.namespaces) {
    const auto nobody = static_cast<uid_t>(k_nobody_uid);
    auto b = blocked_for(project, nobody, nobody, want);
    f.summary = b ? "functions run as nobody, who may not enter " + b->path.string() +
                        ": each cold start links the code where that user can read it"
                  : "functions run as nobody, who may read it";
    return f;
  }
  if (!caps.userns) {
    f.summary = "the sandbox's init is root (no user namespace) and reaches it as you do";
    return f;
  }
  std::string why;
  if (caps.clone_mounts) {
    int fd = ::open_tree(AT_FDCWD, project.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      f.summary =
          "each sandbox gets the code as a mount fstage opened (open_tree), whoever owns the "
          "directories on the way";
      return f;
    }
    why = std::string("open_tree failed: ") + std::strerror(errno);
  } else {
    why = "handing mounts over is switched off (FSTAGE_SANDBOX_DISABLE=clone_mounts)";
  }
  auto b = blocked_for(project, 0, 0, want);
  if (!b) {
    f.summary = "the sandbox's init may enter it (" + why + ", so it binds the path)";
    return f;
  }
  f.status = CheckStatus::fail;
  f.summary = "sandboxes cannot reach it: " + describe(*b) +
              " is closed to the sandbox's init, which is root only over root's files";
  f.detail = why + "; fstage as root hands the sandbox a mount where Linux 5.2+ allows it";
  f.fix = open_up_command(*b, X_OK) + "   # or keep the project where other users may enter";
  return f;
}

std::optional<Error> function_cannot_run(const Capabilities& caps, const fs::path& program) {
  if (!caps.root || caps.namespaces) {
    return std::nullopt;
  }
  const auto nobody = static_cast<uid_t>(k_nobody_uid);
  auto r = detail::check_runnable(program.string(), nobody, nobody);
  if (r) {
    return std::nullopt;
  }
  return std::move(r).error();
}

}  // namespace fstage::sandbox
