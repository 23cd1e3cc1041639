// SPDX-License-Identifier: Apache-2.0
// The mount namespace, child side: build the new root and pivot into it. Runs in the cloned
// init between clone() and fork(), so only async-signal-safe calls (see plan.hpp).
//
// The layout follows bubblewrap: a tmpfs becomes the new root *first*, with the host's root
// kept at /.oldroot, so bind sources are reached as /.oldroot/<path>. That matters because the
// base tmpfs is mounted over the host's /tmp: a function whose code lives in /tmp/x would be
// hidden under it, but after pivot_root the old root's /tmp is visible again below /.oldroot.
#include <cerrno>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>

#include "plan.hpp"
#include "syscalls.hpp"
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>  // ST_* flag names; statfs(2) f_flags uses the same bits

namespace fstage::sandbox::detail {

namespace {

constexpr const char* k_old_root = "/.oldroot";

// Per-mount flags that a less privileged user namespace may not clear on a mount it inherited
// ("locked" flags: nosuid, nodev, noexec and the atime ones). A read-only remount must repeat
// them or the kernel answers EPERM (nsjail computeLegacyRemountFlags). statfs(2)'s f_flags
// reports them; statvfs() is avoided because old glibc versions parse /proc/mounts for it.
unsigned long locked_flags(const char* path) {
  struct statfs sf {};
  if (::statfs(path, &sf) != 0) {
    return 0;
  }
  unsigned long f = 0;
  const auto have = [&](unsigned long st) {
    return (static_cast<unsigned long>(sf.f_flags) & st) != 0;
  };
  if (have(ST_NOSUID)) {
    f |= MS_NOSUID;
  }
  if (have(ST_NODEV)) {
    f |= MS_NODEV;
  }
  if (have(ST_NOEXEC)) {
    f |= MS_NOEXEC;
  }
  if (have(ST_NOATIME)) {
    f |= MS_NOATIME;
  }
  if (have(ST_NODIRATIME)) {
    f |= MS_NODIRATIME;
  }
  if (have(ST_RELATIME)) {
    f |= MS_RELATIME;
  }
  return f;
}

// Makes the mount at `path` read-only; `recursive` also covers every mount below it (for
// binds, whose submounts a legacy remount would leave writable; never for the root, whose
// submounts /tmp and /dev/shm must stay writable). mount_setattr (Linux 5.12) only touches the
// attributes named, so locked flags are kept by construction.
int make_read_only(const char* path, unsigned long extra, bool recursive) {
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if ((extra & MS_NOSUID) != 0) {
    attr.attr_set |= MOUNT_ATTR_NOSUID;
  }
  if ((extra & MS_NODEV) != 0) {
    attr.attr_set |= MOUNT_ATTR_NODEV;
  }
  if (::mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0u, &attr, sizeof(attr)) == 0) {
    return 0;
  }
  if (errno != ENOSYS) {
    return errno;
  }
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | extra | locked_flags(path);
  return ::mount(nullptr, path, nullptr, flags, nullptr) == 0 ? 0 : errno;
}

int parent_dir_of(const char* path) {
  PathBuf b;
  if (!b.append(path)) {
    return ENAMETOOLONG;
  }
  std::size_t slash = 0;
  for (std::size_t i = 0; i < b.len; ++i) {
    if (b.data[i] == '/') {
      slash = i;
    }
  }
  if (slash == 0) {
    return 0;  // directly below the root, which exists
  }
  b.data[slash] = '\0';
  return mkdir_p(b.data, 0755);
}

// The parent directory of a file or symlink op, unless an earlier op made it (mark_parents):
// one mkdir that would fail with EEXIST saved per file, and /etc and /dev have many.
int ensure_parent(const MountOp& op) {
  return op.parent_made ? 0 : parent_dir_of(op.target.c_str());
}

// Creates the mount point: a directory, or an empty file for a file bind (mknod makes one in a
// single call where open and close took two). An existing regular file will do; anything
// else there (a symlink the bind would follow) is an error.
int make_target(const MountOp& op) {
  if (op.source_is_dir) {
    return mkdir_p(op.target.c_str(), 0755);
  }
  if (int e = ensure_parent(op); e != 0) {
    return e;
  }
  if (::mknod(op.target.c_str(), S_IFREG | 0644, 0) == 0) {
    return 0;
  }
  if (errno != EEXIST) {
    return errno;
  }
  struct stat st {};
  if (::lstat(op.target.c_str(), &st) != 0) {
    return errno;
  }
  return S_ISREG(st.st_mode) ? 0 : ELOOP;
}

int do_bind(const MountOp& op) {
  if (int e = make_target(op); e != 0) {
    return e;
  }
  if (op.tree_fd >= 0) {
    // A copy of the source's mount the supervisor made (open_tree) where the path itself may
    // be closed to us: below a directory of an owner our user namespace does not map.
    int rc = ::move_mount(op.tree_fd, "", AT_FDCWD, op.target.c_str(), MOVE_MOUNT_F_EMPTY_PATH);
    int e = errno;
    ::close(op.tree_fd);
    if (rc != 0) {
      return e;
    }
  } else if (::mount(op.source.c_str(), op.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) !=
             0) {
    // MS_REC: submounts of the source come along (a /usr split over several filesystems).
    return errno;
  }
  unsigned long extra = op.flags;
  if (op.device || op.ro_later) {
    return 0;  // a device keeps the host node's flags (writes to /dev/null must work)
  }
  if (op.writable) {
    if (extra == 0) {
      return 0;
    }
    unsigned long flags = MS_REMOUNT | MS_BIND | extra | locked_flags(op.target.c_str());
    return ::mount(nullptr, op.target.c_str(), nullptr, flags, nullptr) == 0 ? 0 : errno;
  }
  return make_read_only(op.target.c_str(), extra, true);
}

int do_file(const MountOp& op) {
  if (int e = ensure_parent(op); e != 0) {
    return e;
  }
  // A new file gets `mode` exactly (init runs with umask 0); one that was there already keeps
  // its own until the fchmod.
  bool fresh = true;
  int fd = ::open(op.target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, op.mode);
  if (fd < 0 && errno == EEXIST) {
    fresh = false;
    fd = ::open(op.target.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) {
    return errno;
  }
  // Generated files (passwd, hosts) carry their text in `data`; shims point at assets.
  std::string_view text = op.content.empty() ? std::string_view(op.data) : op.content;
  int e = write_all(fd, text.data(), text.size());
  if (e == 0 && !fresh && ::fchmod(fd, op.mode) != 0) {
    e = errno;
  }
  ::close(fd);
  return e;
}

int apply_op(const MountOp& op) {
  switch (op.kind) {
    case MountKind::dir:
      // New, it has `mode` exactly (umask 0); already there, it is given it.
      if (::mkdir(op.target.c_str(), op.mode) == 0) {
        return 0;
      }
      if (errno != EEXIST) {
        if (int e = mkdir_p(op.target.c_str(), op.mode); e != 0) {
          return e;
        }
      }
      return ::chmod(op.target.c_str(), op.mode) == 0 ? 0 : errno;
    case MountKind::bind:
      return do_bind(op);
    case MountKind::tmpfs:
      if (int e = mkdir_p(op.target.c_str(), 0755); e != 0) {
        return e;
      }
      return ::mount("tmpfs", op.target.c_str(), "tmpfs", op.flags, op.data.c_str()) == 0 ? 0
                                                                                          : errno;
    case MountKind::proc:
      if (int e = mkdir_p(op.target.c_str(), 0555); e != 0) {
        return e;
      }
      // The kernel only allows a new procfs in a user namespace while a fully visible one
      // exists in the mount namespace ("mount_too_revealing"): /.oldroot/proc still is.
      return ::mount("proc", op.target.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     nullptr) == 0
                 ? 0
                 : errno;
    case MountKind::symlink:
      if (int e = ensure_parent(op); e != 0) {
        return e;
      }
      return ::symlink(op.data.c_str(), op.target.c_str()) == 0 ? 0 : errno;
    case MountKind::file:
      return do_file(op);
    case MountKind::remount_ro:
      return make_read_only(op.target.c_str(), op.flags, op.recursive);
  }
  return EINVAL;
}

}  // namespace

int mkdir_p(const char* path, unsigned mode) {
  // Usually the parent exists: one call. Otherwise build the path from the top.
  if (::mkdir(path, mode) == 0 || errno == EEXIST) {
    return 0;
  }
  if (errno != ENOENT) {
    return errno;
  }
  PathBuf b;
  if (!b.append(path)) {
    return ENAMETOOLONG;
  }
  for (std::size_t i = 1; i <= b.len; ++i) {
    if (b.data[i] == '/' || b.data[i] == '\0') {
      char saved = b.data[i];
      b.data[i] = '\0';
      if (::mkdir(b.data, mode) != 0 && errno != EEXIST) {
        return errno;
      }
      b.data[i] = saved;
    }
  }
  return 0;
}

int apply_mounts(const ChildPlan& plan, Stage* failed, int* index) {
  *index = 0;
  // Stop mount events from flowing back to the host. MS_SLAVE rather than MS_PRIVATE keeps
  // host unmounts propagating in, and both make pivot_root legal (it refuses shared parents).
  *failed = Stage::make_slave;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    return errno;
  }
  *failed = Stage::mount_base;
  const char* base = plan.base_dir.c_str();
  if (::mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, plan.base_options.c_str()) != 0) {
    return errno;
  }
  PathBuf put_old;
  put_old.append(base);
  put_old.append(k_old_root);
  if (::mkdir(put_old.data, 0700) != 0) {
    return errno;
  }
  // pivot_root, never chroot alone: a chroot leaves the old root reachable for anyone who
  // holds CAP_SYS_CHROOT in the namespace (nsjail warns "no_pivotroot is escapable").
  *failed = Stage::pivot_root;
  if (raw_pivot_root(base, put_old.data) != 0) {
    return errno;
  }
  if (::chdir("/") != 0) {
    return errno;
  }
  *failed = Stage::mount_op;
  for (const MountOp& op : plan.mounts) {
    if (int e = apply_op(op); e != 0) {
      return e;
    }
    ++*index;
  }
  // MNT_DETACH: the old root has busy submounts (the host's whole tree); a lazy unmount cuts
  // it from our namespace at once and the kernel drops it when the last user goes away.
  *failed = Stage::detach_oldroot;
  if (::umount2(k_old_root, MNT_DETACH) != 0) {
    return errno;
  }
  ::rmdir(k_old_root);
  *failed = Stage::remount_root;
  if (int e = make_read_only("/", MS_NOSUID | MS_NODEV, false); e != 0) {
    return e;
  }
  return 0;
}

}  // namespace fstage::sandbox::detail
