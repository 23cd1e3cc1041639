// SPDX-License-Identifier: Apache-2.0
// The supervisor's side of a debug session: the launch plan changed to start the runtime
// under its debugger, and the one port forwarded from the host into the sandbox.
#pragma once

#include <memory>
#include <poll.h>
#include <span>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/debug.hpp>
#include <fstage/sandbox/function.hpp>

#include "launch.hpp"

namespace fstage::sandbox::detail {

// Rewrites `plan` so the runtime starts under its debugger listening on 127.0.0.1:port (in
// the sandbox's network when it has one). Errors: invalid_input (a runtime without a
// debugger here, a port the sandbox uses itself), not_found (debugpy, dlv, the Go debug
// build).
Expected<void> apply_debug(LaunchPlan& plan, const FunctionSpec& spec,
                           const RunnerOptions& options);

// Forwards connections to the host's 127.0.0.1:port to the same port inside one sandbox,
// through Sandbox::connect_inside (a socket made by the sandbox's init in its network
// namespace): nothing else of the sandbox's network is reachable from the host, and the
// sandbox reaches nothing of the host's. Driven by the runner's poll loop, on its thread
// (Sandbox is single-threaded).
class DebugForwarder {
 public:
  // Listens on the host's 127.0.0.1:port. Errors: network (the port is taken).
  static Expected<std::unique_ptr<DebugForwarder>> listen(int port);
  ~DebugForwarder();
  DebugForwarder(const DebugForwarder&) = delete;
  DebugForwarder& operator=(const DebugForwarder&) = delete;

  void add_pollfds(std::vector<pollfd>& fds) const;
  // Accepts clients, connects them inside `box` (retrying while the debugger is still
  // starting) and copies bytes both ways.
  void on_poll(std::span<const pollfd> mine, Sandbox& box);
  // How long the loop may sleep: short while a client waits for the debugger to listen.
  int poll_timeout_ms() const { return m_pending.empty() ? -1 : 100; }

 private:
  DebugForwarder() = default;
  struct Pair {
    int client = -1;
    int inside = -1;
  };
  void connect_pending(Sandbox& box);
  // Moves what `from` has to `to`; false when either end closed.
  static bool pump(int from, int to);
  static void close_pair(Pair& p);

  int m_listener = -1;
  int m_port = 0;
  std::vector<Pair> m_pairs;
  struct Pending {
    int client = -1;
    int tries = 0;
  };
  std::vector<Pending> m_pending;
};

}  // namespace fstage::sandbox::detail
