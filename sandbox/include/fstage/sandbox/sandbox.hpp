// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/limits.hpp>

#include <sys/types.h>

namespace fstage::sandbox {

// Where things live inside the sandbox (FunctionGraph's defaults, PLATFORM.md §2.1).
inline constexpr std::string_view k_code_root = "/opt/function/code";
inline constexpr std::string_view k_runtime_root = "/home/snuser/runtime";
inline constexpr std::string_view k_log_dir = "/home/snuser/log";
// The user a function runs as inside a user namespace ("snuser"). Outside it is the caller's
// uid, or 65534 (nobody) when fstage runs as root: a function must never be host root, since
// root-owned files in /proc/sys and /proc/sysrq-trigger only check the uid, not capabilities.
inline constexpr int k_sandbox_uid = 1000;
inline constexpr int k_nobody_uid = 65534;

// A host path made visible inside the sandbox.
struct Bind {
  std::filesystem::path host;
  std::string inside;  // absolute; "" means the same path as on the host
  bool writable = false;
};

// A file created in the sandbox's root before the root turns read-only (runtime shims,
// generated /etc files). In degraded mode (no mount namespace) files go to a host temporary
// directory and `inside` paths below k_runtime_root are rewritten to it.
struct SandboxFile {
  std::string inside;     // absolute
  std::string_view data;  // must outlive spawn()
  unsigned mode = 0644;
};

struct SandboxConfig {
  std::vector<std::string> argv;   // argv[0] is an absolute path as seen inside; no PATH search
  std::vector<std::string> env;    // "KEY=VALUE"; nothing is inherited from fstage
  std::filesystem::path code_dir;  // bound read-only at k_code_root ("" = none)
  std::vector<Bind> binds;         // extra binds (an interpreter outside /usr, a probe binary)
  std::vector<SandboxFile> files;
  // Symbolic links created in the sandbox's root: inside path → target. Not available in
  // the degraded tier (no root of our own to put them in).
  std::vector<std::pair<std::string, std::string>> links;
  // Host directories hidden behind an empty read-only tmpfs (skipped when absent; not
  // available in the degraded tier): the host's Python site-packages, for one.
  std::vector<std::string> masks;
  std::string cwd;  // default k_code_root
  Limits limits;
  bool network_host = false;  // share the host's network namespace (--network host)
  int runtime_fd = -1;        // when >= 0, becomes fd 3 inside (the shim's channel)
  // When > 0, a socket listening on 127.0.0.1:api_port inside the sandbox's network namespace
  // is created and handed to the supervisor (take_api_listener). Needs a network namespace.
  int api_port = 0;
  bool capture_output = true;  // stdout/stderr into pipes read by the caller; else inherited
  // With capture_output: stderr goes into stdout's pipe, one stream in the order it was written
  // (the platform's log is one stream too), read from stdout_fd(); stderr_fd() is then -1.
  bool merge_output = false;
  std::string hostname = "fstage";
};

// What a result reports about isolation: the tier and what was and was not enforced.
struct Isolation {
  Tier tier = Tier::t2;
  bool namespaces = false;
  std::vector<std::string> enforced;      // "memory (cgroup v1)", "pids (RLIMIT_NPROC)", ...
  std::vector<std::string> not_enforced;  // "cpu throttling", "filesystem isolation", ...
  std::string summary;                    // describe(caps)
};

// The tier and summary a sandbox started with `caps` reports, for the result of one that
// failed to start (what it enforces is known once it runs).
Isolation planned_isolation(const Capabilities& caps);

// Why the supervisor killed the sandbox.
enum class KillReason { none, timeout, memory, requested };

// How the sandbox ended. The "main" process is the one started from argv.
struct ExitInfo {
  bool ended = false;
  bool exited = false;  // main exited normally with exit_code
  int exit_code = 0;
  int term_signal = 0;  // main was killed by this signal
  bool oom = false;     // the cgroup OOM killer or the RSS watchdog struck
  KillReason killed = KillReason::none;
  int exec_errno = 0;       // argv[0] could not be executed (ENOENT, EACCES, ENOEXEC)
  std::string setup_error;  // the sandbox failed before exec ("mount /usr: ...")
};

// One running sandbox: a pid-1 init in fresh namespaces and the main process under it.
// Not thread-safe; use from one thread, and keep that thread alive while the sandbox runs
// (PR_SET_PDEATHSIG fires when init's parent *thread* exits: a thread parked for init where
// init shares this process's memory, but the spawning thread where it is a fork-style copy).
class Sandbox {
 public:
  // Builds the plan, clones init into new namespaces, writes the uid/gid maps, places it in
  // the cgroup, and waits until the main process is about to exec. Errors: sandbox (setup
  // failed, message says which step and why), not_found.
  static Expected<std::unique_ptr<Sandbox>> spawn(const SandboxConfig& config,
                                                  const Capabilities& caps);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  pid_t init_pid() const { return m_init_pid; }
  pid_t main_pid() const { return m_main_pid; }  // as seen from the host; 0 if unknown
  int stdout_fd() const { return m_out_fd; }     // non-blocking read ends, -1 when inherited
  int stderr_fd() const { return m_err_fd; }
  int control_fd() const { return m_sync_fd; }  // readable when service() has work
  // The runtime API listener (SandboxConfig::api_port); the caller owns it. -1 if none.
  int take_api_listener() {
    int fd = m_api_fd;
    m_api_fd = -1;
    return fd;
  }
  // How long the caller may poll before calling service() again (the watchdog's tick).
  std::chrono::milliseconds service_interval() const;

  // A TCP connection to 127.0.0.1:`port` inside the sandbox's network: made by init when the
  // sandbox has its own network namespace (a socket keeps the namespace it was created in),
  // directly otherwise. The caller owns the descriptor. Errors: network (nothing listens
  // there yet), sandbox (the sandbox ended or init did not answer).
  Expected<int> connect_inside(int port);

  // Handles control messages and watchdog sampling without blocking. Returns true once the
  // sandbox has ended (exit_info() is then final).
  bool service();
  // service() without the memory sample: handles what the control socket has (one
  // non-blocking read when it has nothing); true once the sandbox has ended.
  bool check_ended();
  bool ended() const { return m_exit.ended; }
  const ExitInfo& exit_info() const { return m_exit; }

  // Kills the whole process tree (pid namespace, cgroup, or the tree under init) and reaps
  // init. Idempotent.
  void kill(KillReason reason);
  // kill() for the end of a one-shot command, just before the process exits: SIGKILL to the
  // whole tree now, but the wait for it to die and the removal of its cgroup are left to a
  // detached reaper (reaper.hpp), so the caller does not sit through the kernel tearing down
  // the killed processes' memory and namespaces. Both the dying init and the reaper run at
  // SCHED_IDLE, so that work does not take the CPU from the caller either. Falls back to
  // kill() where that cannot work (no pid namespace, no pidfd_open). Afterwards the sandbox
  // counts as ended; init stays a zombie child of this process until it exits.
  void abandon();

  // Peak memory of the sandbox in bytes since spawn or the last reset: the largest of the
  // cgroup's peak (when there is one), the sampled RSS of the whole tree, and the main
  // process's VmHWM (or its ru_maxrss once it has exited).
  std::uint64_t peak_memory_bytes();
  void reset_peak_memory();
  // "cgroup v1", "cgroup v2" or "rss".
  std::string_view memory_source() const;

  const Isolation& isolation() const { return m_isolation; }

  // Runs to completion with a wall-clock limit, collecting stdout and stderr (capped at
  // `max_output` bytes each). For tests and one-shot commands.
  struct Outcome {
    ExitInfo exit;
    std::string out;
    std::string err;
    std::uint64_t peak_memory = 0;
  };
  Outcome run_to_end(std::chrono::milliseconds timeout, std::size_t max_output = 1 << 20);

  struct Impl;

 private:
  Sandbox();
  void handle_message();
  void reap(bool block);
  void sample_memory();

  std::unique_ptr<Impl> m_impl;
  pid_t m_init_pid = -1;
  pid_t m_main_pid = 0;
  int m_sync_fd = -1;
  int m_out_fd = -1;
  int m_err_fd = -1;
  int m_api_fd = -1;
  ExitInfo m_exit;
  Isolation m_isolation;
};

// Reads what is available now from a non-blocking pipe or stream socket into `into` (at most
// `cap` bytes kept), up to a short read. Returns false at end of file.
bool drain_fd(int fd, std::string& into, std::size_t cap = SIZE_MAX);

}  // namespace fstage::sandbox
