// SPDX-License-Identifier: Apache-2.0
// Running a function: a warm runtime instance in a sandbox, serving one invocation at a time.
// Init (interpreter start, module import, initializer) happens once per instance; a timeout,
// crash or OOM discards the instance and the next invocation starts cold.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <poll.h>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/debug.hpp>
#include <fstage/sandbox/limits.hpp>
#include <fstage/sandbox/sandbox.hpp>

namespace fstage::sandbox {

// The platform's limits on payloads (PLATFORM.md §2.2): 6 MB each way.
inline constexpr std::size_t k_max_request_bytes = 6291456;
inline constexpr std::size_t k_max_response_bytes = 6291456;

// What to run: the manifest's function, resolved.
struct FunctionSpec {
  std::string name = "function";
  manifest::RuntimeInfo runtime{};
  std::string handler;
  std::string initializer;  // "" when none
  int initializer_timeout = 3;
  int memory_mb = 128;
  int timeout_s = 3;
  std::filesystem::path code_dir;  // the built code tree on the host, bound at k_code_root
  std::vector<std::pair<std::string, std::string>> env;  // user environment, in order
  std::string version = "latest";
  std::string package = "default";
  std::string project_id = "local";
  std::string region = "cn-north-4";
};

struct RunnerOptions {
  std::map<std::string, std::string> host_env;  // PATH and FSTAGE_<LANG> for interpreters
  bool network_host = false;
  Limits limits;  // memory_mb is taken from the spec
  // Receives function output as it arrives (stdout and stderr, in arrival order). Output is
  // also collected in InvokeResult::logs.
  std::function<void(std::string_view)> on_output;
  // Measure each invocation's peak memory (InvokeResult::max_memory_bytes): a reset before
  // and a read after, two syscalls each. The gateway reports none and turns this off.
  bool measure_memory = true;
  // With measure_memory: reset the peak before every invocation (its own peak), or only
  // before an instance's first one (its peak over every invocation so far: one read per
  // invocation instead of two resets and a read, for a caller that keeps the highest anyway).
  bool peak_per_invocation = true;
  // Without peak_per_invocation, the instance's peak is read again only once this much has
  // passed since the last read (an invocation in between reports the last read: the peak of
  // the instance's invocations until at most this long ago). Under load that spares two
  // reads of the kernel's per request; at a human's pace every invocation reads it. A death
  // (crash, timeout, OOM) always reads it.
  std::chrono::milliseconds peak_read_interval{0};
  // Warn (warnings(), InvokeResult::warnings) when the host's interpreter is another version
  // than the runtime's. InvokeResult::version_note says so either way.
  bool warn_version_mismatch = true;
  // When >= 0, a descriptor (a CancelFlag's, fstage/base/interrupt.hpp) that polls readable
  // once the caller wants the runner to stop: the invocation in progress (or the start of its
  // instance) ends at once with InvokeStatus::cancelled, its sandbox killed and its cgroup
  // removed, and so does every later one, without starting anything.
  int cancel_fd = -1;
  // When debug.port is set, each instance starts under its runtime's debugger (debug.hpp),
  // which waits for a client on the host's 127.0.0.1:port; no timeout applies meanwhile.
  DebugSettings debug;
};

enum class InvokeStatus { ok, function_error, timeout, oom, killed, sandbox_error, cancelled };

// "ok", "function error", "timeout", "oom", "killed", "sandbox error", "cancelled".
std::string_view to_string(InvokeStatus status);

struct InvokeRequest {
  std::string request_id;  // generated when empty
  std::string event = "{}";
  std::map<std::string, std::string> headers;  // X-CFF-* request headers
};

struct InvokeResult {
  InvokeStatus status = InvokeStatus::sandbox_error;
  std::string request_id;
  std::string result;  // the function's return value as the platform serialises it
  std::string error;   // JSON {"errorMessage","errorType","stackTrace"} when not ok
  std::string logs;    // the function's output during this invocation
  bool cold = false;
  double duration_ms = 0;       // the invocation itself
  double init_duration_ms = 0;  // instance start + import + initializer; 0 when warm
  std::uint64_t max_memory_bytes = 0;
  std::string memory_source;  // "cgroup v1", "cgroup v2", "rss"
  int memory_size_mb = 0;
  bool response_too_large = false;
  Isolation isolation;
  std::vector<std::string> warnings;  // interpreter version mismatch, ...
  std::string version_note;           // "Python 3.11.2, not Python3.9": runs on another version
  bool debugging = false;             // ran under a debugger: the timeout was suspended
};

// The error body the platform returns for a failed invocation.
std::string error_body(std::string_view type, std::string_view message);

// A fresh request id (UUID v4).
std::string new_request_id();

// The spec for one of the manifest's functions, running the code tree `code_dir` (the
// function's build, fstage::builder::build_function; the sandbox knows nothing of how it was
// made).
FunctionSpec function_spec(const manifest::Manifest& m, const manifest::Function& fn,
                           const std::filesystem::path& code_dir);

class FunctionRunner {
 public:
  // Checks the spec (runtime supported here, interpreter found, code present); starts
  // nothing yet. Errors: not_found, invalid_input (unsupported runtime),
  // sandbox.
  static Expected<std::unique_ptr<FunctionRunner>> create(FunctionSpec spec, RunnerOptions options,
                                                          const Capabilities& caps);
  ~FunctionRunner();
  FunctionRunner(const FunctionRunner&) = delete;
  FunctionRunner& operator=(const FunctionRunner&) = delete;

  // Runs one invocation, starting an instance first when none is warm. Never throws; a
  // sandbox that cannot start is reported as InvokeStatus::sandbox_error.
  //
  // With `next` (its request_id set), and a runtime that takes it (fstage's Node.js and
  // Python shims; not under a debugger), `next` is queued in the instance behind `request`: it
  // starts the moment `request` answers, instead of after a round trip through the caller,
  // and the following invoke(next) waits for it. The instance still runs one invocation at a
  // time; each one's timeout counts from its own start; the output between the two is split
  // at a marker the shim writes. If `request` ends the instance (crash, timeout, cancel),
  // `next` never started and invoke(next) starts it on a new instance.
  InvokeResult invoke(const InvokeRequest& request, const InvokeRequest* next = nullptr);
  // Whether invoke() would queue a `next` now: an instance is warm and its runtime takes it.
  bool takes_next() const;

  // invoke() driven by the caller's own event loop, for a server that waits on many
  // instances in one thread: send() starts the invocation on the warm instance, and each time
  // a descriptor of wait_set() is ready, or its time comes, poll() looks once without
  // waiting. The invocation, its answer, output, deadline, cancel (RunnerOptions::cancel_fd)
  // and the instance's death are handled exactly as invoke() handles them; result() gives
  // what invoke() would have returned. `request` and `next` must stay alive until then.
  enum class Progress {
    running,      // call poll() again when wait_set() says
    done,         // result() is the answer
    needs_start,  // no warm instance (it died while idle, or its runtime ended before
                  // starting the request): nothing was sent; invoke() the request instead
  };
  // `look`: false skips the look (one poll(2)) at what the instance did while idle, for a
  // caller that sends right after the last answer: what it printed since goes to this
  // invocation's output, and a death since is this invocation's (not retried on a new one).
  Progress send(const InvokeRequest& request, const InvokeRequest* next = nullptr,
                bool look = true);
  Progress poll();
  // poll() with what the caller's loop found ready among wait_set()'s descriptors (revents
  // set; none when its time came), in place of a poll(2) of its own.
  Progress poll(std::span<const pollfd> fired);
  // The descriptors to wait on (fd -1: none) and the latest time to call poll() again.
  void wait_set(std::vector<pollfd>& fds, std::chrono::steady_clock::time_point& wake_at) const;
  InvokeResult result();
  // Starts an instance now, when none is warm, so that the next invoke() finds it warm (a
  // reserved or pre-started instance). Status ok when it is ready (cold, init_duration_ms and
  // what it printed in logs); otherwise the result an invoke() would have given for the failed
  // start, and no instance is left. A warm runner answers ok at once, not cold. The
  // initializer runs under `init_request_id` (made here when empty): fstage's shims put it in
  // its log lines, so a caller that tags the output it hears with it agrees with them.
  InvokeResult start(const std::string& init_request_id = {});

  // Stops the warm instance, if any.
  void stop();
  // stop() for the end of a one-shot command, just before the process exits: the instance is
  // killed and its teardown left to a detached reaper (Sandbox::abandon).
  void abandon();
  bool warm() const;
  const std::vector<std::string>& warnings() const;

  struct Impl;

 private:
  explicit FunctionRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace fstage::sandbox
