// SPDX-License-Identifier: Apache-2.0
// The user namespace, parent side. The parent writes the maps (nsjail user.cc): an
// unprivileged process may map exactly its own uid, once, and only after "deny" is written to
// setgroups — otherwise a process could drop a group that a file's permissions deny to it
// (CVE-2014-8989).
#include "userns.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "syscalls.hpp"

namespace fstage::sandbox::detail {

namespace {

Expected<void> write_proc(pid_t pid, const char* file, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(Error::from_errno("open", path, errno));
  }
  // One write(2): the kernel parses the map only from a single write at offset 0.
  ssize_t n = ::write(fd, text.data(), text.size());
  int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    Error err = Error::from_errno("write", path, n < 0 ? e : EIO);
    if (e == EPERM || e == EACCES) {
      err.hint =
          "a security module refused the user namespace mapping; on Ubuntu 23.10+ set "
          "kernel.apparmor_restrict_unprivileged_userns=0 or install fstage's AppArmor "
          "profile (see `fstage doctor`)";
    }
    return fail(std::move(err));
  }
  return {};
}

}  // namespace

uid_t outside_uid() {
  return ::geteuid() == 0 ? 65534 : ::geteuid();
}

gid_t outside_gid() {
  return ::geteuid() == 0 ? 65534 : ::getegid();
}

Expected<void> write_id_maps(pid_t pid, uid_t inside_uid, uid_t outside, gid_t inside_gid,
                             gid_t outside_g) {
  // setgroups must be denied before gid_map when unprivileged; as root we deny it as well so
  // the function cannot change its groups either way.
  FSTAGE_TRY(write_proc(pid, "setgroups", "deny"));
  // As root, init itself stays uid 0 inside (mapped to host root): files it creates while
  // building the root must belong to a mapped uid, or the kernel answers EOVERFLOW. The
  // function never runs as 0: the main process switches to `inside_uid` before exec, and
  // from then on nothing can switch back (no capabilities, no_new_privs, seccomp).
  std::string root_line = ::geteuid() == 0 ? "0 0 1\n" : "";
  FSTAGE_TRY(
      write_proc(pid, "uid_map",
                 root_line + std::to_string(inside_uid) + " " + std::to_string(outside) + " 1\n"));
  FSTAGE_TRY(write_proc(
      pid, "gid_map",
      root_line + std::to_string(inside_gid) + " " + std::to_string(outside_g) + " 1\n"));
  return {};
}

}  // namespace fstage::sandbox::detail
