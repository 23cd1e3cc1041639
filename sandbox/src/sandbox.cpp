// SPDX-License-Identifier: Apache-2.0
// The supervisor side of a sandbox: plan, cgroup, clone, maps, go; then watch it.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "layout.hpp"
#include "plan.hpp"
#include "procfs.hpp"
#include "reach.hpp"
#include "reaper.hpp"
#include "sandbox_impl.hpp"
#include "seccomp.hpp"
#include "start_init.hpp"
#include "sync.hpp"
#include "syscalls.hpp"
#include "userns.hpp"
#include <sys/socket.h>
#include <sys/wait.h>

namespace fstage::sandbox {

using namespace detail;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace detail {

// "mount /usr (from /usr): Permission denied": the failed step, for messages.
std::string describe_setup_error(const ChildPlan& plan, const SyncMsg& m) {
  auto stage = static_cast<Stage>(m.stage);
  std::string what = stage_name(stage);
  if (stage == Stage::join_cgroup && m.index >= 0 &&
      static_cast<std::size_t>(m.index) < plan.cgroup_join_files.size()) {
    what += " (" + plan.cgroup_join_files[static_cast<std::size_t>(m.index)] + ")";
  }
  if (stage == Stage::mount_op && m.index >= 0 &&
      static_cast<std::size_t>(m.index) < plan.mounts.size()) {
    const MountOp& op = plan.mounts[static_cast<std::size_t>(m.index)];
    what = "mount " + op.target;
    if (!op.source.empty()) {
      what += " (from " + op.source.substr(std::strlen("/.oldroot")) + ")";
    }
  }
  return what + ": " + std::strerror(m.err);
}

}  // namespace detail

namespace {

std::atomic<int> g_counter{0};

int errno_of(int rc) {
  return rc < 0 ? -rc : EIO;
}

void set_nonblocking(int fd) {
  if (fd >= 0) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Without a mount namespace the paths a caller uses (/opt/function/code, the runtime root)
// do not exist: rewrite them to the host directories that stand in for them.
struct Rewrite {
  std::string inside;
  std::string host;
};

std::string apply_rewrites(const std::string& s, const std::vector<Rewrite>& rw) {
  std::string out = s;
  for (const auto& r : rw) {
    std::size_t pos = 0;
    while ((pos = out.find(r.inside, pos)) != std::string::npos) {
      out.replace(pos, r.inside.size(), r.host);
      pos += r.host.size();
    }
  }
  return out;
}

Isolation make_isolation(const Capabilities& caps, const SandboxConfig& cfg,
                         const std::optional<Cgroup>& cg, bool seccomp) {
  Isolation iso;
  iso.tier = caps.tier;
  iso.namespaces = caps.namespaces;
  iso.summary = describe(caps);
  if (caps.namespaces) {
    iso.enforced.push_back(std::string("namespaces (") + (caps.userns ? "user, " : "") +
                           "mount, pid, ipc, uts, cgroup" + (cfg.network_host ? ")" : ", net)"));
    iso.enforced.push_back("read-only root with pivot_root");
  } else {
    iso.not_enforced.push_back("filesystem, process and network isolation (no namespaces)");
  }
  if (cfg.network_host && caps.namespaces) {
    iso.not_enforced.push_back("network isolation (--network host)");
  }
  const auto has = [&](const char* what) { return cg && cg->enforces(what); };
  std::string cgname = cg ? std::string(to_string(cg->mode())) : "";
  iso.enforced.push_back(
      has("memory")
          ? "memory " + std::to_string(cfg.limits.memory_mb) + " MB (" + cgname + ")"
          : "memory " + std::to_string(cfg.limits.memory_mb) + " MB (RSS watchdog, sampled)");
  if (has("pids")) {
    iso.enforced.push_back("pids " + std::to_string(cfg.limits.pids) + " (" + cgname + ")");
  } else if (caps.namespaces) {
    iso.enforced.push_back("pids " + std::to_string(cfg.limits.pids) + " (RLIMIT_NPROC)");
  } else {
    iso.not_enforced.push_back("pids (no cgroup; RLIMIT_NPROC would count all your processes)");
  }
  iso.enforced.push_back("open files " + std::to_string(cfg.limits.nofile) + " (RLIMIT_NOFILE)");
  if (cfg.limits.cpu_seconds > 0) {
    iso.enforced.push_back("cpu time " + std::to_string(cfg.limits.cpu_seconds) +
                           " s (RLIMIT_CPU)");
  }
  if (cfg.limits.cpu_millicores > 0 && !has("cpu")) {
    iso.not_enforced.push_back("cpu throttling (no cgroup cpu controller)");
  }
  iso.enforced.push_back("no_new_privs");
  if (seccomp) {
    iso.enforced.push_back("seccomp denylist");
  } else {
    iso.not_enforced.push_back("seccomp (unavailable)");
  }
  return iso;
}

// Descriptors the supervisor opens for init and closes once init has its copies.
struct JoinFiles {
  int fds[ChildPlan::k_max_cgroup_joins] = {-1, -1, -1, -1};
  int count = 0;
  JoinFiles() = default;
  JoinFiles(const JoinFiles&) = delete;
  JoinFiles& operator=(const JoinFiles&) = delete;
  ~JoinFiles() {
    for (int i = 0; i < count; ++i) {
      ::close(fds[i]);
    }
  }
};

std::vector<RlimitSpec> make_rlimits(const Limits& l, bool nproc) {
  std::vector<RlimitSpec> r;
  auto lim = [](std::int64_t v) { return static_cast<rlim_t>(v); };
  r.push_back({RLIMIT_NOFILE, lim(l.nofile), lim(l.nofile)});
  r.push_back({RLIMIT_CORE, 0, 0});
  r.push_back({RLIMIT_FSIZE, lim(l.fsize_mb) << 20, lim(l.fsize_mb) << 20});
  if (nproc) {
    // Counted per user in the sandbox's own user namespace (Linux ≥ 5.14 ucounts), so it is
    // a per-sandbox cap on processes+threads here, not a per-host one.
    r.push_back({RLIMIT_NPROC, lim(l.pids), lim(l.pids)});
  }
  if (l.cpu_seconds > 0) {
    // Soft first: SIGXCPU is visible in the exit status; the hard limit SIGKILLs a second on.
    r.push_back({RLIMIT_CPU, lim(l.cpu_seconds), lim(l.cpu_seconds) + 1});
  }
  return r;
}

}  // namespace

Isolation planned_isolation(const Capabilities& caps) {
  Isolation iso;
  iso.tier = caps.tier;
  iso.namespaces = caps.namespaces;
  iso.summary = describe(caps);
  return iso;
}

Sandbox::Sandbox() : m_impl(std::make_unique<Impl>()) {}

Sandbox::~Sandbox() {
  kill(KillReason::requested);
  close_fd(m_sync_fd);
  close_fd(m_out_fd);
  close_fd(m_err_fd);
  close_fd(m_api_fd);
}

Expected<std::unique_ptr<Sandbox>> Sandbox::spawn(const SandboxConfig& config,
                                                  const Capabilities& caps) {
  if (config.argv.empty() || config.argv[0].empty() || config.argv[0][0] != '/') {
    return fail(ErrorCode::internal, "sandbox: argv[0] must be an absolute path");
  }
  std::unique_ptr<Sandbox> sb(new Sandbox());
  Impl& im = *sb->m_impl;
  ChildPlan& plan = im.plan;
  const bool ns = caps.namespaces;
  plan.userns = caps.userns;
  plan.mountns = plan.pidns = plan.utsns = plan.cgroupns = ns;
  plan.netns = ns && !config.network_host;
  plan.subreaper = !ns;
  im.pidns = ns;
  plan.hostname = config.hostname;
  // Who the function is: snuser in a user namespace; nobody as root without one; the caller
  // (unchanged) in the degraded tier unless that caller is root.
  uid_t uid = static_cast<uid_t>(k_sandbox_uid);
  gid_t gid = static_cast<gid_t>(k_sandbox_uid);
  if (!caps.userns) {
    uid = ::geteuid() == 0 ? static_cast<uid_t>(k_nobody_uid) : ::geteuid();
    gid = ::geteuid() == 0 ? static_cast<gid_t>(k_nobody_uid) : ::getegid();
    plan.set_groups = ::geteuid() == 0;
  }
  plan.set_ids = true;
  plan.uid = uid;
  plan.gid = gid;

  std::vector<Rewrite> rewrites;
  OwnedFds trees;  // init's copies of user paths' mounts (clone_user_mounts)
  if (ns) {
    plan.base_options = "size=16m,nr_inodes=16k,mode=0755";
    plan.mounts = FSTAGE_TRY(detail::build_mounts(config, uid, gid, caps.cache_dir));
    if (plan.userns && caps.clone_mounts) {
      clone_user_mounts(plan.mounts, trees);
    }
  } else {
    const bool other_user = uid != ::geteuid();
    im.host_dir = FSTAGE_TRY(
        TempDir::create(other_user ? temp_base_for(uid, gid) : fs::path(), "fstage-sandbox-"));
    const fs::path& dir = im.host_dir->path();
    // mkdtemp makes it 0700: open it up, since the function may run as another user
    // (nobody, when fstage is root) — to that user's group alone when it is another: the
    // directory may hold a copy of a private project (reachable_code).
    if (other_user && ::chown(dir.c_str(), ::geteuid(), gid) != 0) {
      return fail(Error::from_errno("chown", dir.string(), errno));
    }
    std::error_code perm_ec;
    fs::permissions(dir, fs::perms(other_user ? 0750 : 0755), perm_ec);
    for (const auto& f : config.files) {
      fs::path host = dir / fs::path(f.inside).relative_path();
      std::error_code ec;
      fs::create_directories(host.parent_path(), ec);
      FSTAGE_TRY(write_file_atomic(host, f.data, f.mode));
    }
    std::error_code ec;
    fs::create_directories(dir / fs::path(k_log_dir).relative_path(), ec);
    fs::permissions(dir / fs::path(k_log_dir).relative_path(), fs::perms(01777), ec);
    rewrites.push_back(
        {std::string(k_runtime_root), (dir / fs::path(k_runtime_root).relative_path()).string()});
    rewrites.push_back(
        {std::string(k_log_dir), (dir / fs::path(k_log_dir).relative_path()).string()});
    if (!config.code_dir.empty()) {
      fs::path code = fs::absolute(config.code_dir);
      if (other_user) {
        code = FSTAGE_TRY(reachable_code(code, dir, uid, gid));
      }
      rewrites.push_back({std::string(k_code_root), code.string()});
    }
    for (const auto& b : config.binds) {
      if (!b.inside.empty() && b.inside != b.host.string()) {
        rewrites.push_back({b.inside, b.host.string()});
      }
    }
  }
  for (const auto& a : config.argv) {
    plan.argv_storage.push_back(apply_rewrites(a, rewrites));
  }
  for (const auto& e : config.env) {
    plan.env_storage.push_back(apply_rewrites(e, rewrites));
  }
  if (!ns && uid != ::geteuid() &&
      !plan.argv_storage[0].starts_with(im.host_dir->path().string())) {
    FSTAGE_TRY(check_runnable(plan.argv_storage[0], uid, gid));
  }
  for (auto& s : plan.argv_storage) {
    plan.argv.push_back(s.data());
  }
  plan.argv.push_back(nullptr);
  static char k_sh[] = "/bin/sh";
  plan.sh_argv.push_back(k_sh);
  plan.sh_argv.insert(plan.sh_argv.end(), plan.argv.begin(), plan.argv.end());
  for (auto& s : plan.env_storage) {
    plan.envp.push_back(s.data());
  }
  plan.envp.push_back(nullptr);
  std::string cwd = config.cwd;
  if (cwd.empty()) {
    cwd = config.code_dir.empty() ? (ns ? "/" : im.host_dir->path().string())
                                  : std::string(k_code_root);
  }
  plan.cwd = apply_rewrites(cwd, rewrites);

  // RLIMIT_NPROC is dropped in the child if the pids cgroup turns out to count processes.
  plan.rlimits = make_rlimits(config.limits, ns);
  plan.handled_signals = handled_signals();
  im.memory_limit = static_cast<std::uint64_t>(config.limits.memory_mb) << 20;

  // The seccomp program and the cgroup, before the clone, so that init can be told everything
  // in one message (and, where init is a fork-style copy, so that these pages are not written
  // copy-on-write after it). A failure returns (the cgroup's destructor removes it).
  std::vector<sock_filter> filter;
  if (caps.seccomp) {
    filter = FSTAGE_TRY(build_seccomp_filter(caps.cache_dir));
  }
  if (caps.cgroup.mode != CgroupMode::none) {
    std::string name =
        k_cgroup_leaf_prefix + std::to_string(::getpid()) + "-" + std::to_string(++g_counter);
    im.cgroup = FSTAGE_TRY(Cgroup::create(caps.cgroup, name, config.limits, ::getpid()));
  }
  const auto cg_has = [&](const char* what) { return im.cgroup && im.cgroup->enforces(what); };
  im.watchdog = !cg_has("memory");
  if (cg_has("memory")) {
    im.memory_source = std::string(to_string(im.cgroup->mode()));
  }
  sb->m_isolation = make_isolation(caps, config, im.cgroup, caps.seccomp);
  // v1: init moves itself in through these (closed here when spawn returns).
  JoinFiles joins;
  if (im.cgroup) {
    for (const auto& file : im.cgroup->self_join_files()) {
      if (joins.count == ChildPlan::k_max_cgroup_joins) {
        return fail(ErrorCode::internal, "sandbox: too many cgroup hierarchies");
      }
      int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        return fail(Error::from_errno("open", file.string(), errno));
      }
      joins.fds[joins.count++] = fd;
      plan.cgroup_join_files.push_back(file.string());
    }
    std::copy(joins.fds, joins.fds + joins.count, plan.cgroup_join_fds);
  }

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return fail(Error::from_errno("socketpair", "sandbox control", errno));
  }
  int one = 1;
  ::setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
  sb->m_sync_fd = sv[0];
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (config.capture_output &&
      (::pipe2(out, O_CLOEXEC) != 0 || (!config.merge_output && ::pipe2(err, O_CLOEXEC) != 0))) {
    int e = errno;
    for (int fd : {sv[1], out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
    return fail(Error::from_errno("pipe", "sandbox output", e));
  }
  sb->m_out_fd = out[0];
  sb->m_err_fd = err[0];
  plan.sync_fd = sv[1];
  plan.parent_sync_fd = sv[0];
  plan.stdout_fd = out[1];
  plan.stderr_fd = config.merge_output ? out[1] : err[1];
  plan.runtime_fd = config.runtime_fd;
  plan.api_port = plan.netns ? config.api_port : 0;

  unsigned long flags = 0;
  if (ns) {
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
    flags |= plan.netns ? CLONE_NEWNET : 0;
    flags |= plan.userns ? CLONE_NEWUSER : 0;
  }
  pid_t pid = start_init(flags, plan, im.init_memory);
  int clone_errno = errno;
  for (int fd : {sv[1], out[1], err[1]}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  if (pid < 0) {
    return fail(Error::from_errno("clone", "sandbox init", clone_errno)
                    .with_hint("run `fstage doctor` to see what this host supports"));
  }
  sb->m_init_pid = pid;
  if (plan.userns) {
    if (auto r = write_id_maps(pid, uid, outside_uid(), gid, outside_gid()); !r) {
      return fail(std::move(r).error().with_context("while mapping the sandbox user"));
    }
  }
  // A failure from here on returns, and the destructor kills and reaps init.
  if (im.cgroup && joins.count == 0) {
    FSTAGE_TRY(im.cgroup->add(pid));
  }
  SyncMsg go;
  go.kind = MsgKind::go;
  go.value = cg_has("pids") ? 1 : 0;
  go.index = static_cast<std::int32_t>(filter.size());
  // A failed send means init has already given up: its setup_error (or its end) is waiting
  // in the loop below, and says more than EPIPE would.
  if (send_msg(sb->m_sync_fd, go) == 0 && !filter.empty()) {
    ssize_t n;
    do {
      n = ::send(sb->m_sync_fd, filter.data(), filter.size() * sizeof(sock_filter), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
  }
  // Wait until main is about to exec (or something failed on the way).
  for (;;) {
    pollfd p{sb->m_sync_fd, POLLIN, 0};
    int rc = ::poll(&p, 1, 30000);
    if (rc == 0) {
      return fail(ErrorCode::sandbox, "sandbox: init did not start within 30 s");
    }
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    SyncMsg m;
    pid_t cred = 0;
    int attached = -1;
    int got = recv_msg(sb->m_sync_fd, m, &cred, &attached);
    if (m.kind == MsgKind::listener && got == 1) {
      sb->m_api_fd = attached;
      continue;
    }
    if (m.kind == MsgKind::started && got == 1) {
      im.main_pidfd = attached;
      attached = -1;
    }
    if (attached >= 0) {
      ::close(attached);
    }
    if (got <= 0) {
      return fail(ErrorCode::sandbox, "sandbox: init died during setup (" +
                                          std::string(std::strerror(errno_of(got))) + ")");
    }
    if (m.kind == MsgKind::setup_error) {
      if (auto denied = explain_denied(plan, m, config.code_dir)) {
        return fail(std::move(*denied));
      }
      return fail(ErrorCode::sandbox, "sandbox: " + describe_setup_error(plan, m),
                  "run `fstage doctor` to see what this host supports");
    }
    if (m.kind == MsgKind::started) {
      sb->m_main_pid = cred;
      break;
    }
  }
  set_nonblocking(sb->m_sync_fd);
  set_nonblocking(sb->m_out_fd);
  set_nonblocking(sb->m_err_fd);
  return sb;
}

}  // namespace fstage::sandbox
