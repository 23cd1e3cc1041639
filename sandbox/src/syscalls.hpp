// SPDX-License-Identifier: Apache-2.0
// Raw system calls and tiny async-signal-safe helpers for code that runs between clone() and
// execve(). Nothing here allocates.
#pragma once

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <unistd.h>

#include <sys/syscall.h>
#include <sys/types.h>

namespace fstage::sandbox::detail {

// clone() without a new stack: fork semantics plus namespace flags. glibc's fork() would run
// atfork handlers and take malloc's locks, which another thread of the parent may hold at the
// moment of the clone; the raw syscall copies nothing but the address space.
inline pid_t raw_clone(unsigned long flags) {
  return static_cast<pid_t>(
      ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

// setgroups/setresgid/setresuid for this process alone. glibc's wrappers, in a process that
// has ever had threads, broadcast the change: they take the thread-list lock and signal every
// other thread to change its credentials too. A child cloned from a multithreaded supervisor
// (fstage serve) inherits that thread list and that lock, possibly held by a parent thread in
// the middle of pthread_create at the moment of the clone: the child then hangs for good. It
// is single-threaded in fact, so the plain system calls are both correct and safe.
inline int raw_setgroups_none() {
  return static_cast<int>(::syscall(SYS_setgroups, 0, nullptr));
}
inline int raw_setresgid(gid_t gid) {
  return static_cast<int>(::syscall(SYS_setresgid, gid, gid, gid));
}
inline int raw_setresuid(uid_t uid) {
  return static_cast<int>(::syscall(SYS_setresuid, uid, uid, uid));
}

inline int raw_pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

// Writes all of `len` bytes, retrying on EINTR and short writes. Returns 0 or an errno.
inline int write_all(int fd, const void* data, std::size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return 0;
}

// A fixed-size path buffer for the child: no std::string there.
struct PathBuf {
  char data[4096];
  std::size_t len = 0;
  PathBuf() { data[0] = '\0'; }
  bool append(const char* s) {
    std::size_t n = std::strlen(s);
    if (len + n >= sizeof(data)) {
      return false;
    }
    std::memcpy(data + len, s, n + 1);
    len += n;
    return true;
  }
};

// mkdir -p, async-signal-safe. Returns 0 or an errno.
int mkdir_p(const char* path, unsigned mode);

}  // namespace fstage::sandbox::detail
