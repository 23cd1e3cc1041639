// SPDX-License-Identifier: Apache-2.0
// The plan a cloned child executes. Everything is computed and allocated in the parent; the
// child only reads it, because after clone() in a possibly multi-threaded parent the child may
// call nothing but async-signal-safe functions (no malloc, no locks, no exceptions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <linux/filter.h>
#include <sys/resource.h>
#include <sys/types.h>

namespace fstage::sandbox::detail {

enum class MountKind : std::uint8_t {
  dir,         // mkdir -p target
  bind,        // bind-mount source on target (created as a dir or an empty file)
  tmpfs,       // a tmpfs with `data` as options
  proc,        // a fresh procfs (needs the new pid namespace)
  symlink,     // target -> data
  file,        // target gets `content`
  remount_ro,  // make the mount at target read-only (keeping its locked flags); `recursive`
               // covers the mounts below it too
};

struct MountOp {
  MountKind kind = MountKind::dir;
  std::string source;  // for binds: the host path as seen after pivot_root ("/.oldroot/usr")
  std::string target;  // inside path ("/usr")
  std::string data;    // tmpfs options or symlink target
  std::string_view content;
  unsigned mode = 0755;
  bool source_is_dir = true;
  bool writable = false;
  bool device = false;       // a device node bind: keep dev semantics (no MS_NODEV)
  bool ro_later = false;     // a read-only bind made so by a recursive remount_ro after it
  bool recursive = false;    // remount_ro: the whole subtree
  bool parent_made = false;  // an earlier op made the target's parent (mark_parents)
  // binds: the code or an explicit bind, a path of the user's that may lie below a directory
  // only the caller can enter (a `mktemp -d` project, mode 0700). As root, the supervisor
  // hands init a copy of the mount made while it could still reach it (`tree_fd`).
  bool user_path = false;
  int tree_fd = -1;  // an open_tree(OPEN_TREE_CLONE) of the source, moved into place; -1: bind
                     // the source by its path
  unsigned long flags = 0;  // extra MS_NOSUID/MS_NODEV/MS_NOEXEC
};

struct RlimitSpec {
  int resource;
  rlim_t soft;
  rlim_t hard;
};

// Setup stages, reported with errno when a step in the child fails.
enum class Stage : std::int32_t {
  wait_go = 1,
  make_slave,
  mount_base,
  pivot_root,
  mount_op,  // `index` names the MountOp
  detach_oldroot,
  remount_root,
  hostname,
  loopback,
  api_listener,
  cgroupns,
  fork_main,
  setsid,
  set_ids,
  fds,
  rlimits,
  chdir,
  no_new_privs,
  seccomp,
  exec,
  wait_limits,
  join_cgroup,  // `index` names the hierarchy (ChildPlan::cgroup_join_fds)
};

const char* stage_name(Stage s);

struct ChildPlan {
  // Namespaces (already created by clone except the cgroup one).
  bool userns = false;
  bool mountns = false;
  bool pidns = false;
  bool netns = false;
  bool utsns = false;
  bool cgroupns = false;
  bool subreaper = false;  // no pid namespace: init reaps orphans and kills them at the end
  // Identity of the main process inside.
  bool set_ids = false;
  bool set_groups = false;  // root without userns: setgroups(0) is allowed and needed
  uid_t uid = 0;
  gid_t gid = 0;
  std::string hostname;
  // Mount layout.
  std::string base_dir = "/tmp";  // where the new root's tmpfs is mounted before pivot_root
  std::string base_options;
  std::vector<MountOp> mounts;
  // Exec.
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;     // null-terminated, points into argv_storage
  std::vector<char*> sh_argv;  // "/bin/sh" + argv, for ENOEXEC
  std::vector<char*> envp;
  std::string cwd;
  std::vector<RlimitSpec> rlimits;
  std::uint64_t handled_signals = 0;  // bit n-1: signal n is not SIG_DFL in the parent
  int stdin_fd = -1;                  // -1: open /dev/null
  int stdout_fd = -1;                 // -1: inherit
  int stderr_fd = -1;
  int runtime_fd = -1;  // becomes fd 3
  int api_port = 0;     // > 0: init listens on 127.0.0.1:api_port and passes the socket up
  // v1 cgroup `tasks` files (open for writing) init moves itself into by writing "0";
  // -1 for none. See Cgroup::self_join_files.
  static constexpr int k_max_cgroup_joins = 4;
  int cgroup_join_fds[k_max_cgroup_joins] = {-1, -1, -1, -1};
  std::vector<std::string> cgroup_join_files;  // their paths, for messages
  int sync_fd = -1;                            // the child's end of the control socket
  int parent_sync_fd = -1;                     // the parent's end, closed first thing in the child
};

// What init learns with the go (MsgKind::go): whether the cgroup's pids controller counts
// processes, which makes RLIMIT_NPROC redundant, and the seccomp program.
struct LateSetup {
  bool drop_nproc = false;
  mode_t umask = 022;  // the supervisor's, for main (init builds the root with umask 0)
  const sock_filter* filter = nullptr;  // null: no filter
  unsigned short filter_len = 0;
};

// Entry points run in the cloned children. Both never return.
[[noreturn]] void init_main(const ChildPlan& plan);
[[noreturn]] void exec_main(const ChildPlan& plan, const LateSetup& late);

// Child-side steps (async-signal-safe). Return 0 or an errno; `failed` names the step.
int apply_mounts(const ChildPlan& plan, Stage* failed, int* index);
// init's loop until main exits: reaps children (SIGCHLD via a signalfd; SIGCHLD must be
// blocked) and serves the supervisor's requests on the control socket.
void wait_for_main(const ChildPlan& plan, pid_t main_pid, int* status, long* maxrss_kb);
int bring_up_loopback();
int apply_rlimits(const ChildPlan& plan, bool drop_nproc);
int install_seccomp(const LateSetup& late);

}  // namespace fstage::sandbox::detail
