// SPDX-License-Identifier: Apache-2.0
// The capability probe: decide the tier by doing what the sandbox will do (clone with the
// namespace flags, write the uid map, mount a tmpfs and a procfs, bring up lo) in a throwaway
// child, never by reading sysctls. Errors are worded like bubblewrap's so users can act.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <mutex>
#include <sched.h>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/sandbox.hpp>

#include "plan.hpp"
#include "seccomp.hpp"
#include "sync.hpp"
#include "syscalls.hpp"
#include "userns.hpp"
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

namespace fstage::sandbox {

using namespace detail;

std::string_view to_string(Tier tier) {
  switch (tier) {
    case Tier::t0:
      return "T0";
    case Tier::t1:
      return "T1";
    case Tier::t2:
      return "T2";
  }
  return "T2";
}

ProbeOptions ProbeOptions::from_env(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) {
    auto it = env.find(k);
    return it == env.end() ? std::string() : it->second;
  };
  ProbeOptions o = from_env_value(get("FSTAGE_SANDBOX_DISABLE"));
  if (get("FSTAGE_SANDBOX_REPROBE") != "1") {
    o.cache_dir = fstage::cache_dir(env);
  }
  return o;
}

ProbeOptions ProbeOptions::from_env_value(std::string_view value) {
  ProbeOptions o;
  for (const auto& item : split(value, ',')) {
    if (!item.empty()) {
      o.disable.insert(std::string(trim(item)));
    }
  }
  return o;
}

namespace {

constexpr unsigned long k_ns_flags =
    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;

std::string clone_advice(int err, bool userns) {
  std::string what = std::string("clone(") + (userns ? "CLONE_NEWUSER|" : "") +
                     "CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|…): " + std::strerror(err);
  switch (err) {
    case EINVAL:
      return what + " — the kernel does not support these namespaces";
    case EPERM:
      return what + (userns ? " — unprivileged user namespaces are not allowed; enable them "
                              "(sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu "
                              "kernel.apparmor_restrict_unprivileged_userns=0); inside "
                              "Docker, run with --security-opt seccomp=unconfined"
                            : " — not permitted");
    case ENOSPC:
      return what +
             " — the maximum number of user namespaces is exceeded "
             "(/proc/sys/user/max_user_namespaces)";
    default:
      return what;
  }
}

// The child: everything the sandbox's init will do with its namespaces, minus pivot_root.
[[noreturn]] void probe_child(int fd) {
  SyncMsg go;
  if (recv_msg(fd, go, nullptr) != 1) {
    ::_exit(1);
  }
  SyncMsg r;
  r.kind = MsgKind::setup_error;
  auto step = [&](Stage stage, int err) {
    if (err != 0) {
      r.stage = static_cast<std::int32_t>(stage);
      r.err = err;
      send_msg(fd, r);
      ::_exit(1);
    }
  };
  step(Stage::make_slave,
       ::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) == 0 ? 0 : errno);
  step(Stage::mount_base,
       ::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == 0 ? 0 : errno);
  step(Stage::mount_op, ::mkdir("/tmp/proc", 0555) == 0 ? 0 : errno);
  step(Stage::mount_op,
       ::mount("proc", "/tmp/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0
           ? 0
           : errno);
  step(Stage::loopback, bring_up_loopback());
  r.kind = MsgKind::started;
  send_msg(fd, r);
  ::_exit(0);
}

// Returns "" when the namespaces work, else why not.
std::string try_namespaces(bool userns) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return std::string("socketpair: ") + std::strerror(errno);
  }
  pid_t pid = raw_clone(k_ns_flags | (userns ? CLONE_NEWUSER : 0));
  if (pid == 0) {
    ::close(sv[0]);
    probe_child(sv[1]);
  }
  ::close(sv[1]);
  if (pid < 0) {
    int e = errno;
    ::close(sv[0]);
    return clone_advice(e, userns);
  }
  std::string problem;
  if (userns) {
    auto maps = write_id_maps(pid, k_sandbox_uid, outside_uid(), k_sandbox_uid, outside_gid());
    if (!maps) {
      problem = maps.error().message;
    }
  }
  SyncMsg m;
  if (problem.empty() && send_msg(sv[0], m) == 0) {
    SyncMsg r;
    int rc = recv_msg(sv[0], r, nullptr);
    if (rc != 1) {
      problem = "the probe child died";
    } else if (r.kind != MsgKind::started) {
      problem = std::string(stage_name(static_cast<Stage>(r.stage))) +
                " failed in the new namespaces: " + std::strerror(r.err);
    }
  }
  ::close(sv[0]);
  if (!problem.empty()) {
    ::kill(pid, SIGKILL);
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return problem;
}

// The namespace trial's outcome for this boot, kernel and user: a cache file of
// "key=value" lines. Anything that does not match is ignored and overwritten.
std::string cache_key(const ProbeOptions& o) {
  utsname u{};
  ::uname(&u);
  std::string disabled;
  for (const auto& d : o.disable) {
    disabled += d + ",";
  }
  auto boot = read_file("/proc/sys/kernel/random/boot_id").value_or("?");
  return std::string(trim(boot)) + " " + u.release + " uid " + std::to_string(::geteuid()) +
         " disable " + disabled;
}

fs::path cache_path(const ProbeOptions& o) {
  return o.cache_dir.empty() ? fs::path() : o.cache_dir / ("probe-" + std::to_string(::geteuid()));
}

bool load_cached(const ProbeOptions& o, Capabilities& c) {
  auto text = cache_path(o).empty() ? std::nullopt : std::optional(read_file(cache_path(o)));
  if (!text || !*text) {
    return false;
  }
  auto lines = split(**text, '\n');
  if (lines.size() < 4 || lines[0] != "key=" + cache_key(o)) {
    return false;
  }
  c.userns = lines[1] == "userns=1";
  c.namespaces = lines[2] == "namespaces=1";
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].starts_with("note=")) {
      c.notes.push_back(lines[i].substr(5));
    }
  }
  return true;
}

void store_cached(const ProbeOptions& o, const Capabilities& c) {
  if (cache_path(o).empty()) {
    return;
  }
  std::string text = "key=" + cache_key(o) + "\nuserns=" + (c.userns ? "1" : "0") +
                     "\nnamespaces=" + (c.namespaces ? "1" : "0") + "\n";
  for (const auto& n : c.notes) {
    text += "note=" + n + "\n";
  }
  std::error_code ec;
  fs::create_directories(o.cache_dir, ec);
  (void)write_file_atomic(cache_path(o), text);
}

void try_all_namespaces(const ProbeOptions& o, Capabilities& c) {
  auto off = [&](const char* what) { return o.disable.count(what) > 0; };
  if (off("userns") || off("namespaces")) {
    c.notes.push_back("user namespaces disabled by FSTAGE_SANDBOX_DISABLE");
  } else if (std::string why = try_namespaces(true); why.empty()) {
    c.userns = true;
    c.namespaces = true;
  } else {
    c.notes.push_back("user namespace unusable: " + why);
  }
  if (!c.namespaces && c.root && !off("namespaces")) {
    if (std::string why = try_namespaces(false); why.empty()) {
      c.namespaces = true;
    } else {
      c.notes.push_back("namespaces unusable even as root: " + why);
    }
  }
}

Capabilities run_probe(const ProbeOptions& o) {
  Capabilities c;
  c.root = ::geteuid() == 0;
  auto off = [&](const char* what) { return o.disable.count(what) > 0; };
  if (!load_cached(o, c)) {
    try_all_namespaces(o, c);
    store_cached(o, c);
  }
  if (!off("cgroup")) {
    c.cgroup = detect_cgroups("/");
  } else {
    c.cgroup.reason = "cgroups disabled by FSTAGE_SANDBOX_DISABLE";
  }
  if (c.cgroup.mode == CgroupMode::none) {
    c.notes.push_back("no usable cgroup: " + c.cgroup.reason);
  }
  c.seccomp = !off("seccomp") && seccomp_supported();
  if (!c.seccomp) {
    c.notes.push_back("seccomp unavailable or disabled");
  }
  c.clone_mounts = c.root && !off("clone_mounts");
  if (c.userns) {
    c.tier = c.cgroup.mode != CgroupMode::none ? Tier::t0 : Tier::t1;
  } else {
    c.tier = Tier::t2;
  }
  c.cache_dir = o.cache_dir;
  return c;
}

}  // namespace

const Capabilities& probe(const ProbeOptions& options) {
  static std::mutex mu;
  static std::map<std::pair<std::set<std::string>, std::string>, Capabilities> cache;
  std::lock_guard lock(mu);
  auto key = std::make_pair(options.disable, options.cache_dir.string());
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, run_probe(options)).first;
  }
  return it->second;
}

std::string describe(const Capabilities& c) {
  std::string s(to_string(c.tier));
  if (c.userns) {
    s += " (user namespace";
  } else if (c.namespaces) {
    s += " (root, namespaces without a user namespace";
  } else {
    s += " (degraded: no namespaces, only no_new_privs, seccomp and rlimits";
  }
  if (c.cgroup.mode != CgroupMode::none) {
    s += ", " + std::string(to_string(c.cgroup.mode));
  } else {
    s += ", no usable cgroup: memory by RSS watchdog";
  }
  return s + ")";
}

}  // namespace fstage::sandbox
