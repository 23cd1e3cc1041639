// SPDX-License-Identifier: Apache-2.0
// The seccomp denylist (SANDBOX.md §4.5). Default allow: a debug sandbox must run whatever
// the function's language runtime does; the list only removes what lets code leave or attack
// the sandbox. Denied calls fail with an errno instead of killing the process, so a runtime
// that probes a feature falls back gracefully.
#include "seccomp.hpp"

#include <cerrno>
#include <unistd.h>

#include <seccomp.h>

#include "plan.hpp"
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

namespace fstage::sandbox::detail {

namespace {

// Plain denials: EPERM, as if the caller lacked the capability.
constexpr const char* k_denied[] = {
    // mounting and pivoting: the mount namespace is ours, not the function's
    "mount",
    "umount2",
    "pivot_root",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
    "mount_setattr",
    // new namespaces (our --disable-userns, as bwrap does it) and joining others
    "unshare",
    "setns",
    // the kernel keyring is not namespaced
    "keyctl",
    "add_key",
    "request_key",
    // large kernel attack surface, never needed by a function
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "name_to_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    // host-global state
    "syslog",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "quotactl",
    "lookup_dcookie",
    "vhangup",
    "nfsservctl",
};

// clone() flags that create namespaces. clone() passes flags in a register, so seccomp can
// inspect them; clone3() passes a pointer, which seccomp cannot follow.
constexpr unsigned long k_clone_ns_flags[] = {CLONE_NEWUSER,  CLONE_NEWNS,  CLONE_NEWPID,
                                              CLONE_NEWNET,   CLONE_NEWIPC, CLONE_NEWUTS,
                                              CLONE_NEWCGROUP};

struct Ctx {
  scmp_filter_ctx ctx = nullptr;
  ~Ctx() {
    if (ctx != nullptr) {
      seccomp_release(ctx);
    }
  }
};

Error seccomp_error(const std::string& what, int rc) {
  return Error::from_errno("seccomp", what, -rc);
}

}  // namespace

bool seccomp_supported() {
  // PR_GET_SECCOMP fails with EINVAL when the kernel lacks CONFIG_SECCOMP.
  return ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

Expected<std::vector<sock_filter>> build_seccomp_filter() {
  Ctx c;
  c.ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (c.ctx == nullptr) {
    return fail(ErrorCode::sandbox, "seccomp_init failed");
  }
  // Calls of a foreign architecture (int 0x80 from x86_64) would slip past a denylist
  // written for the native one: kill instead (libseccomp's default bad-arch action).
  for (const char* name : k_denied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
      continue;  // not on this architecture
    }
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(EPERM), nr, 0); rc < 0) {
      return fail(seccomp_error(name, rc));
    }
  }
  for (unsigned long flag : k_clone_ns_flags) {
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
        rc < 0) {
      return fail(seccomp_error("clone", rc));
    }
  }
  // clone3: ENOSYS, not EPERM. glibc (2.34+) tries clone3 first for threads and falls back
  // to clone only on ENOSYS; EPERM would break every pthread_create (Docker's profile did
  // exactly that: Netflix/titus-executor PR #894).
  if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc < 0) {
    return fail(seccomp_error("clone3", rc));
  }
  // TIOCSTI pushes bytes into the terminal's input queue: with a shared tty the function
  // could type commands into the user's shell (CVE-2017-5226). TIOCLINUX is the console's
  // equivalent. The request argument is an unsigned int; compare the low 32 bits only.
  for (unsigned long req :
       {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req));
        rc < 0) {
      return fail(seccomp_error("ioctl", rc));
    }
  }
  // Export into memory: a memfd stands in for seccomp_export_bpf_mem (libseccomp 2.6).
  int fd = ::memfd_create("fstage-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    return fail(Error::from_errno("memfd_create", "seccomp", errno));
  }
  int rc = seccomp_export_bpf(c.ctx, fd);
  if (rc < 0) {
    ::close(fd);
    return fail(seccomp_error("export", rc));
  }
  off_t size = ::lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> prog(static_cast<std::size_t>(size) / sizeof(sock_filter));
  ssize_t n = ::pread(fd, prog.data(), prog.size() * sizeof(sock_filter), 0);
  ::close(fd);
  if (n != static_cast<ssize_t>(prog.size() * sizeof(sock_filter)) || prog.empty()) {
    return fail(ErrorCode::sandbox, "seccomp: could not read the compiled filter back");
  }
  return prog;
}

int install_seccomp(const LateSetup& late) {
  if (late.filter == nullptr || late.filter_len == 0) {
    return 0;
  }
  sock_fprog prog{};
  prog.len = late.filter_len;
  prog.filter = const_cast<sock_filter*>(late.filter);
  // Needs no_new_privs (set just before) or CAP_SYS_ADMIN.
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0 ? 0 : errno;
}

}  // namespace fstage::sandbox::detail
