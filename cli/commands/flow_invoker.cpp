// SPDX-License-Identifier: Apache-2.0
#include "flow_invoker.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/log.hpp>
#include <fstage/serve/pool.hpp>

#include "../src/options.hpp"
#include "build_common.hpp"

namespace fstage::cli {

namespace sb = fstage::sandbox;
using flow::InvocationResult;

namespace {

void collect(const flow::Definition& def, const std::vector<flow::State>& states,
             std::vector<std::string>& out) {
  for (const auto& s : states) {
    for (const auto& a : s.actions) {
      const flow::FunctionDecl* f = def.find_function(a.ref_name);
      std::string name = f == nullptr ? a.ref_name : (f->local.empty() ? f->name : f->local);
      if (std::find(out.begin(), out.end(), name) == out.end()) {
        out.push_back(std::move(name));
      }
    }
    for (const auto& b : s.branches) {
      collect(def, b.states, out);
    }
    if (s.iterator) {
      collect(def, s.iterator->states, out);
    }
  }
}

}  // namespace

std::vector<std::string> functions_called(const flow::Definition& def,
                                          const std::string& only_state) {
  std::vector<std::string> out;
  if (only_state.empty()) {
    collect(def, def.states, out);
  } else if (const flow::State* s = def.find_state(only_state)) {
    collect(def, {*s}, out);
  }
  return out;
}

struct FlowInvoker::Impl {
  FlowInvokerOptions options;
  std::ostream null_out{nullptr};  // badbit: writes go nowhere
  std::unique_ptr<serve::Logger> log;
  std::map<std::string, std::shared_ptr<serve::FunctionPool>> pools;
  std::mutex labels_mutex;
  std::unordered_map<std::string, std::string> labels;  // request id -> "[state fn#n] "
  std::atomic<bool> cancelled{false};
  CancelFlag stop_watch;
  std::thread watcher;
  std::mutex shutdown_mutex;
  bool shut = false;

  void line(std::string_view request_id, std::string_view text) {
    if (!options.on_log_line) {
      return;
    }
    std::string tagged;
    {
      std::lock_guard<std::mutex> lock(labels_mutex);
      auto it = labels.find(std::string(request_id));
      tagged = it == labels.end() ? "[" + std::string(request_id) + "] " : it->second;
    }
    tagged.append(text);
    options.on_log_line(tagged);
  }

  void cancel_all() {
    cancelled.store(true);
    for (auto& [name, pool] : pools) {
      pool->cancel_all();
    }
  }

  // Waits for the cancel descriptor (or the end of the run) beside the engine's threads.
  void watch() {
    pollfd fds[2] = {{options.cancel_fd, POLLIN, 0}, {stop_watch.fd(), POLLIN, 0}};
    while (true) {
      int n = ::poll(fds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return;
      }
      if ((fds[1].revents & POLLIN) != 0) {
        return;
      }
      if (fds[0].revents != 0) {
        cancel_all();
        return;
      }
    }
  }
};

FlowInvoker::FlowInvoker(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

FlowInvoker::~FlowInvoker() {
  shutdown();
}

Expected<std::unique_ptr<FlowInvoker>> FlowInvoker::create(
    const std::map<std::string, sb::FunctionSpec>& specs, const sb::RunnerOptions& runner,
    const sb::Capabilities& caps, FlowInvokerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->log = std::make_unique<serve::Logger>(
      impl->options.warnings != nullptr ? *impl->options.warnings : impl->null_out, false, false);
  Impl* im = impl.get();
  for (const auto& [name, spec] : specs) {
    serve::PoolOptions po;
    po.concurrency = std::max(1, im->options.concurrency);
    // The engine's threads are the only callers, each waiting for its answer: the queue holds
    // at most one call per thread and must never refuse one.
    po.queue = 1U << 20U;
    po.idle_timeout = std::chrono::hours(24);  // for the whole run
    po.on_line = [im](std::string_view id, std::string_view text) { im->line(id, text); };
    im->pools[name] = FSTAGE_TRY(serve::FunctionPool::create(spec, runner, caps, po, *im->log));
  }
  if (im->options.cancel_fd >= 0 && im->stop_watch.fd() >= 0) {
    im->watcher = std::thread([im] { im->watch(); });
  }
  return std::unique_ptr<FlowInvoker>(new FlowInvoker(std::move(impl)));
}

InvocationResult FlowInvoker::invoke(const flow::Invocation& call) {
  Impl& im = *m_impl;
  InvocationResult cancelled;
  cancelled.status = InvocationResult::Status::cancelled;
  cancelled.error_type = "Cancelled";
  cancelled.error_message = "the flow was cancelled";
  if (im.cancelled.load()) {
    return cancelled;
  }
  auto it = im.pools.find(call.function);
  if (it == im.pools.end()) {
    InvocationResult r;
    r.status = InvocationResult::Status::sandbox;
    r.error_type = std::string(flow::k_error_sandbox);
    r.error_message = "no function " + call.function + " was prepared for this flow";
    return r;
  }
  sb::InvokeRequest req;
  req.request_id = sb::new_request_id();
  req.event = call.event;
  req.headers = call.headers;
  const std::string id = req.request_id;
  if (im.options.on_log_line) {
    std::lock_guard<std::mutex> lock(im.labels_mutex);
    im.labels[id] =
        "[" + call.state_id + " " + call.function + "#" + std::to_string(call.attempt + 1) + "] ";
  }
  struct Waiter {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    sb::InvokeResult result;
  };
  auto w = std::make_shared<Waiter>();
  bool queued = it->second->submit(std::move(req), [w](sb::InvokeResult r) {
    {
      std::lock_guard<std::mutex> lock(w->mutex);
      w->result = std::move(r);
      w->done = true;
    }
    w->cv.notify_one();
  });
  if (queued) {
    std::unique_lock<std::mutex> lock(w->mutex);
    w->cv.wait(lock, [&] { return w->done; });
  }
  if (im.options.on_log_line) {
    std::lock_guard<std::mutex> lock(im.labels_mutex);
    im.labels.erase(id);
  }
  if (!queued) {
    // The pool refuses only once it is shutting down: cancelled.
    cancelled.request_id = id;
    return cancelled;
  }
  InvocationResult out = serve::to_flow_result(w->result);
  if (out.request_id.empty()) {
    out.request_id = id;
  }
  return out;
}

void FlowInvoker::cancel() {
  m_impl->cancel_all();
}

void FlowInvoker::shutdown() {
  Impl& im = *m_impl;
  std::lock_guard<std::mutex> lock(im.shutdown_mutex);
  if (im.shut) {
    return;
  }
  im.shut = true;
  im.stop_watch.raise();
  if (im.watcher.joinable()) {
    im.watcher.join();
  }
  for (auto& [name, pool] : im.pools) {
    pool->shutdown();  // each worker stops its instance: the sandbox killed, the cgroup removed
  }
}

std::uint64_t FlowInvoker::instances_started() const {
  std::uint64_t n = 0;
  for (const auto& [name, pool] : m_impl->pools) {
    n += pool->stats().started_instances;
  }
  return n;
}

Expected<std::unique_ptr<FlowInvoker>> make_flow_invoker(Context& ctx, const manifest::Manifest& m,
                                                         const flow::Definition& def,
                                                         const std::string& only_state,
                                                         FlowInvokerOptions options) {
  const sb::Capabilities& caps = sb::probe(sb::ProbeOptions::from_env(ctx.env));
  std::map<std::string, sb::FunctionSpec> specs;
  for (const auto& name : functions_called(def, only_state)) {
    const manifest::Function* fn = m.find(name);
    if (fn == nullptr) {
      return fail(ErrorCode::not_found, "flow " + quote(def.name) + " calls function " +
                                            quote(name) + ", which the manifest does not define");
    }
    if (ctx.verbosity >= 0) {
      for (const auto& w : m.warnings_for(fn->name)) {
        warn(ctx, w.str());
      }
    }
    auto built = FSTAGE_TRY(build_for_run(ctx, m, *fn));
    specs[name] = sb::function_spec(m, *fn, built.run_tree);
  }
  sb::RunnerOptions ro;
  ro.host_env = ctx.env;
  ro.measure_memory = false;  // a flow's record has no memory figures: two syscalls less each
  ro.warn_version_mismatch = !version_warning_off(ctx);
  if (options.warnings == nullptr && ctx.verbosity >= 0) {
    options.warnings = ctx.err;
  }
  return FlowInvoker::create(specs, ro, caps, std::move(options));
}

}  // namespace fstage::cli
