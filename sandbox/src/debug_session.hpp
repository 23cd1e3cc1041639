// SPDX-License-Identifier: Apache-2.0
// The supervisor's side of a debug session: the launch plan changed to start the runtime
// under its debugger, and the one port forwarded from the host into the sandbox.
#pragma once

#include <memory>
#include <mutex>
#include <poll.h>
#include <span>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/debug.hpp>
#include <fstage/sandbox/function.hpp>

#include "launch.hpp"

namespace fstage::sandbox::detail {

// debug_listening_line with the code's path as the runtime sees it: k_code_root, or, without a
// mount namespace (the degraded tier), the code tree's own path on the host.
std::string debug_listening_line(const DebuggerInfo& info, const DebugSettings& settings,
                                 std::string_view sandbox_root);

// Rewrites `plan` so the runtime starts under its debugger listening on 127.0.0.1:port (in
// the sandbox's network when it has one). Errors: invalid_input (a runtime without a
// debugger here, a port the sandbox uses itself), not_found (debugpy, dlv, the Go debug
// build).
Expected<void> apply_debug(LaunchPlan& plan, const FunctionSpec& spec,
                           const RunnerOptions& options);

// Forwards connections to the host's 127.0.0.1:port to the same port inside one sandbox,
// through Sandbox::connect_inside (a socket made by the sandbox's init in its network
// namespace): nothing else of the sandbox's network is reachable from the host, and the
// sandbox reaches nothing of the host's. Clients are accepted and connected by the runner's
// poll loop, on its thread (Sandbox is single-threaded); the bytes of established connections
// are copied by a thread of the forwarder's own, so that a client and its debugger keep
// talking while the instance sits idle between invocations (serve --debug).
class DebugForwarder {
 public:
  // Listens on the host's 127.0.0.1:port. Errors: network (the port is taken).
  static Expected<std::unique_ptr<DebugForwarder>> listen(int port);
  ~DebugForwarder();
  DebugForwarder(const DebugForwarder&) = delete;
  DebugForwarder& operator=(const DebugForwarder&) = delete;

  void add_pollfds(std::vector<pollfd>& fds) const;
  // Accepts clients and connects them inside `box` (retrying while the debugger is still
  // starting); each connected pair goes to the copying thread.
  void on_poll(std::span<const pollfd> mine, Sandbox& box);
  // How long the loop may sleep: short while a client waits for the debugger to listen.
  int poll_timeout_ms() const { return m_pending.empty() ? -1 : 100; }

  struct Pair {
    int client = -1;
    int inside = -1;
  };

 private:
  DebugForwarder() = default;
  void connect_pending(Sandbox& box);
  void hand_over(Pair p);
  void relay();  // the copying thread

  int m_listener = -1;
  int m_port = 0;
  struct Pending {
    int client = -1;
    int tries = 0;
  };
  std::vector<Pending> m_pending;
  int m_wake = -1;  // eventfd: new pairs, or stop
  std::mutex m_mutex;
  std::vector<Pair> m_handed;  // guarded by m_mutex
  bool m_stop = false;         // guarded by m_mutex
  std::thread m_thread;
};

}  // namespace fstage::sandbox::detail
