// SPDX-License-Identifier: Apache-2.0
// The seccomp denylist (SANDBOX.md §4.5). Default allow: a debug sandbox must run whatever
// the function's language runtime does; the list only removes what lets code leave or attack
// the sandbox. Denied calls fail with an errno instead of killing the process, so a runtime
// that probes a feature falls back gracefully.
#include "seccomp.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unistd.h>

#include <seccomp.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/version.hpp>

#include "plan.hpp"
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

namespace fstage::sandbox::detail {

namespace fs = std::filesystem;

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

#if defined(__x86_64__)
constexpr const char* k_arch = "x86_64";
#elif defined(__aarch64__)
constexpr const char* k_arch = "aarch64";
#elif defined(__i386__)
constexpr const char* k_arch = "i386";
#elif defined(__arm__)
constexpr const char* k_arch = "arm";
#elif defined(__riscv)
constexpr const char* k_arch = "riscv";
#elif defined(__powerpc64__)
constexpr const char* k_arch = "ppc64";
#elif defined(__s390x__)
constexpr const char* k_arch = "s390x";
#else
constexpr const char* k_arch = "other";
#endif

// ioctl requests denied whatever the descriptor (see compile_seccomp_filter).
constexpr unsigned long k_denied_ioctls[] = {static_cast<unsigned long>(TIOCSTI),
                                             static_cast<unsigned long>(TIOCLINUX)};

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

Expected<std::vector<sock_filter>> compile_seccomp_filter() {
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
    if (int rc = seccomp_rule_add_array(c.ctx, SCMP_ACT_ERRNO(EPERM), nr, 0, nullptr); rc < 0) {
      return fail(seccomp_error(name, rc));
    }
  }
  for (unsigned long flag : k_clone_ns_flags) {
    const scmp_arg_cmp flags_set{0, SCMP_CMP_MASKED_EQ, flag, flag};  // (arg0 & flag) == flag
    if (int rc =
            seccomp_rule_add_array(c.ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, &flags_set);
        rc < 0) {
      return fail(seccomp_error("clone", rc));
    }
  }
  // clone3: ENOSYS, not EPERM. glibc (2.34+) tries clone3 first for threads and falls back
  // to clone only on ENOSYS; EPERM would break every pthread_create (Docker's profile did
  // exactly that: Netflix/titus-executor PR #894).
  if (int rc = seccomp_rule_add_array(c.ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, nullptr);
      rc < 0) {
    return fail(seccomp_error("clone3", rc));
  }
  // TIOCSTI pushes bytes into the terminal's input queue: with a shared tty the function
  // could type commands into the user's shell (CVE-2017-5226). TIOCLINUX is the console's
  // equivalent. The request argument is an unsigned int; compare the low 32 bits only.
  for (unsigned long req : k_denied_ioctls) {
    const scmp_arg_cmp is_req{1, SCMP_CMP_MASKED_EQ, 0xffffffffUL, req};
    if (int rc = seccomp_rule_add_array(c.ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &is_req);
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
  // The kernel's limit, and the size of init's receive buffer.
  if (prog.size() > BPF_MAXINSNS) {
    return fail(ErrorCode::internal, "seccomp: the compiled program is too long");
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

fs::path seccomp_cache_file(const fs::path& cache_dir) {
  if (cache_dir.empty()) {
    return {};
  }
  // FNV-1a over everything the program depends on: the rules (names, flags, requests), the
  // code that turns them into a program (fstage's commit; bump the schema string for a change
  // to the actions that stays uncommitted), libseccomp's version and the architecture.
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view part) {
    for (unsigned char c : part) {
      h = (h ^ c) * 1099511628211ULL;
    }
    h = (h ^ 0xffU) * 1099511628211ULL;
  };
  mix("fstage-seccomp-1");
  mix(fstage::commit());
  for (const char* name : k_denied) {
    mix(name);
  }
  for (unsigned long flag : k_clone_ns_flags) {
    mix(std::to_string(flag));
  }
  for (unsigned long req : k_denied_ioctls) {
    mix(std::to_string(req));
  }
  // libseccomp's version as built against (the library itself is opened only on a miss) and
  // the architecture this binary, and so the program, is for: a shared home directory may
  // serve several.
  mix(std::to_string(SCMP_VER_MAJOR) + "." + std::to_string(SCMP_VER_MINOR) + "." +
      std::to_string(SCMP_VER_MICRO));
  mix(k_arch);
  char name[40];
  std::snprintf(name, sizeof(name), "seccomp-%016llx.bpf", static_cast<unsigned long long>(h));
  return cache_dir / name;
}

Expected<std::vector<sock_filter>> build_seccomp_filter(const fs::path& cache_dir) {
  static std::mutex mutex;
  static std::map<fs::path, std::vector<sock_filter>> memo;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = memo.find(cache_dir); it != memo.end()) {
    return it->second;
  }
  const fs::path file = seccomp_cache_file(cache_dir);
  if (!file.empty()) {
    // A whole program ends in a return; anything else (a torn or foreign file) is compiled
    // again and replaced.
    if (auto data = read_file(file); data && !data->empty() &&
                                     data->size() % sizeof(sock_filter) == 0 &&
                                     data->size() <= BPF_MAXINSNS * sizeof(sock_filter)) {
      std::vector<sock_filter> prog(data->size() / sizeof(sock_filter));
      std::memcpy(prog.data(), data->data(), data->size());
      if (BPF_CLASS(prog.back().code) == BPF_RET) {
        memo.emplace(cache_dir, prog);
        return prog;
      }
    }
  }
  auto prog = FSTAGE_TRY(compile_seccomp_filter());
  if (!file.empty()) {
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    // Best effort: without the file the next run compiles again.
    (void)write_file_atomic(file,
                            std::string_view(reinterpret_cast<const char*>(prog.data()),
                                             prog.size() * sizeof(sock_filter)),
                            0600);
    // Each fstage commit has its own key: keep a few (an installed and a development build
    // side by side), not every build ever run.
    prune_cache(cache_dir, "seccomp-", ".bpf", 4);
  }
  memo.emplace(cache_dir, prog);
  return prog;
}

}  // namespace fstage::sandbox::detail
