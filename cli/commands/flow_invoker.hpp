// SPDX-License-Identifier: Apache-2.0
// The flow engine's Invoker backed by real functions: each manifest function a flow calls is
// built once (build_for_run, as invoke and serve build it) and served by a warm pool of
// sandboxed instances (serve::FunctionPool), so one warm instance serves every state that
// calls the function, and parallel actions, branches and iterations that call it at the same
// moment get instances of their own (up to `concurrency`) instead of waiting in line.
//
// Why the pool and not a FunctionRunner per function behind a mutex: an instance dies with
// the thread that started it (the sandbox's PR_SET_PDEATHSIG is per thread), and the engine
// calls from threads of its own that end with their branch; the pool's instances live on
// worker threads that live exactly as long as they do. It is also the code serve already
// runs under load. Its cost is a hand-over to the worker and back per call (bench/flow
// measures it as part of the engine's overhead).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/model.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::cli {

// A sandboxed invocation as the flow's record holds it: serve::to_flow_result (serve/flows.hpp),
// shared with serve's flows.

// The manifest functions `def` calls (FunctionDecl::local of every action, branches and
// iterations included; only `only_state`'s when given), each once, in the order first called.
std::vector<std::string> functions_called(const flow::Definition& def,
                                          const std::string& only_state = {});

struct FlowInvokerOptions {
  // Instances per function at most; calls beyond them wait for one to be free.
  int concurrency = 4;
  // Each line a function prints, tagged "[state function#attempt] " (unset: dropped).
  std::function<void(std::string_view line)> on_log_line;
  // Polls readable once the run must stop (the interrupt flag): every invocation running or
  // waiting ends as cancelled, its sandbox killed and its cgroup removed; none starts after.
  int cancel_fd = -1;
  // Where the pools' own warnings go (an interpreter of another version, ...); null: nowhere.
  std::ostream* warnings = nullptr;
};

class FlowInvoker final : public flow::Invoker {
 public:
  // One pool per spec (by manifest function name). Checks each can run here; starts nothing.
  static Expected<std::unique_ptr<FlowInvoker>> create(
      const std::map<std::string, sandbox::FunctionSpec>& specs,
      const sandbox::RunnerOptions& runner, const sandbox::Capabilities& caps,
      FlowInvokerOptions options);
  ~FlowInvoker() override;
  FlowInvoker(const FlowInvoker&) = delete;
  FlowInvoker& operator=(const FlowInvoker&) = delete;

  // Thread-safe. The Invocation's headers (X-Cff-Workflow-*) go to the function as request
  // headers, which its Context API reads.
  flow::InvocationResult invoke(const flow::Invocation& call) override;
  // What the cancel descriptor does, on demand.
  void cancel();
  // Stops every instance and removes its cgroup; returns when they are gone.
  void shutdown();
  // Instances started so far, over every function.
  std::uint64_t instances_started() const;

  struct Impl;

 private:
  explicit FlowInvoker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// Builds every function `def` calls (only `only_state`'s when given) as `fstage invoke`
// would, and makes their pools, with the interpreter and version-warning settings invoke uses.
Expected<std::unique_ptr<FlowInvoker>> make_flow_invoker(Context& ctx, const manifest::Manifest& m,
                                                         const flow::Definition& def,
                                                         const std::string& only_state,
                                                         FlowInvokerOptions options);

}  // namespace fstage::cli
