// SPDX-License-Identifier: Apache-2.0
// Flows in `fstage serve`: the manifest's flows run by the engine (flow::run) on the SAME warm
// pools as the functions' routes, started through the platform's v2 execution routes
// (FLOW.md §3) on serve's port, and kept in memory (the last k_max_kept executions). NORMAL
// executions are also kept in the project's execution store (store/executions.hpp), so that
// they outlive serve; EXPRESS ones stay in memory only, as the platform keeps no history of
// them. Requests may be unsigned; a signed one is checked by the gateway first
// (ServeOptions::check_signature).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/flow/engine.hpp>
#include <fstage/flow/model.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/serve/flow_callbacks.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/log.hpp>
#include <fstage/serve/pool.hpp>
#include <fstage/serve/router.hpp>
#include <fstage/serve/timers.hpp>

namespace fstage::store {
class ExecutionStore;
}

namespace fstage::serve {

// The pool serving a manifest function now (the gateway's current project), or null.
using PoolLookup = std::function<std::shared_ptr<FunctionPool>(const std::string& function)>;

// The engine's Invoker on existing pools: each call is submitted to the function's pool as
// a route's request would be, so flows and routes share the warm instances. `cancel_fd` (-1:
// none) is the run's: once readable, calls waiting or running answer `cancelled` at once, the
// function stopped on its instance (FunctionPool::cancel_request), as is a call whose
// Invocation::stop_fd becomes readable.
class PoolInvoker final : public flow::Invoker {
 public:
  PoolInvoker(PoolLookup lookup, int cancel_fd, CallbackBoard* callbacks = nullptr)
      : m_lookup(std::move(lookup)), m_cancel_fd(cancel_fd), m_callbacks(callbacks) {}
  flow::InvocationResult invoke(const flow::Invocation& call) override;
  // Waits on `callbacks` (flow_callbacks.hpp) for the run's X-Cff-Workflow-Run-Id and the
  // call's state; without a board, the engine's default (no callback can arrive).
  flow::InvocationResult await_callback(const flow::Invocation& call) override;

 private:
  PoolLookup m_lookup;
  int m_cancel_fd;
  CallbackBoard* m_callbacks;
};

// A sandbox's result as the engine's, for serve's flows and `fstage flow run` alike: ok with
// the JSON result; the function's errorType and errorMessage from its error body; timeout,
// oom and crash with the platform's error as the sandbox reports it; sandbox; cancelled.
flow::InvocationResult to_flow_result(const sandbox::InvokeResult& r);

// The platform's error shape {"error_code","error_msg"} with `status`.
HttpResponseData flow_api_error(int status, const std::string& code, const std::string& message);

// The manifest's flows that validate; each one that does not is a warning naming it, with its
// diagnostics (serve still starts).
std::vector<flow::Definition> load_served_flows(const manifest::Manifest& m, Logger& log);

// The startup listing: each flow's execution routes (and its triggers, flow_triggers.cpp).
void log_flows(const std::vector<flow::Definition>& flows, Logger& log);

// Each served flow's enabled triggers: APIG (trigger_config {path, method, timeout, cors}, as
// a function's APIG trigger) becomes a route starting the flow; FLOWTIMER (trigger_config
// {schedule, schedule_type: Rate|Cron, input}) a timer starting it with `input`. Others (SMN,
// OBS, APIG_DE) are not served locally: a warning says so.
void add_flow_triggers(const std::vector<flow::Definition>& flows, Router& router,
                       std::vector<TimerSpec>& timers, Logger& log);

class FlowService {
 public:
  static constexpr std::size_t k_max_kept = 1000;

  FlowService(PoolLookup lookup, Logger& log);
  ~FlowService();
  FlowService(const FlowService&) = delete;
  FlowService& operator=(const FlowService&) = delete;

  // NORMAL executions are kept in the project's execution store,
  // <project_root>/.fstage/executions.db, opened by the first set_flows() that serves a
  // NORMAL flow. A store that cannot be used (a file from a newer fstage, not a database, no
  // permission) is a warning with its fix, and executions are then kept in memory only: the
  // functions' routes and the flows still serve. Call before set_flows().
  void use_store(const std::filesystem::path& project_root);

  // The flows served from now on (a reload replaces them; running executions go on).
  void set_flows(std::vector<flow::Definition> flows);
  std::vector<flow::Definition> flows() const;
  // A flow by its name or its stable local id (flow::stable_workflow_id).
  std::optional<flow::Definition> find(const std::string& id) const;

  // Starts `def` in the background; returns the execution id.
  std::string start_flow(const flow::Definition& def, OrderedJson input,
                         std::map<std::string, std::string> headers, const std::string& project_id);
  // Runs `def` to its end on this thread (sync-executions, an EXPRESS flow's APIG route).
  flow::Execution run_sync(const flow::Definition& def, OrderedJson input,
                           std::map<std::string, std::string> headers,
                           const std::string& project_id);

  // The record (to_json's shape), live while running; nullopt when unknown.
  std::optional<OrderedJson> show(const std::string& execution_id) const;
  // The executions of a flow (by name), newest first, in the list's brief shape.
  OrderedJson list(const std::string& flow_name) const;
  // Cancels a running execution: false when unknown; true (nothing done) when it has ended.
  bool terminate(const std::string& execution_id);
  // Re-runs a failed execution under the same id: not_found, or invalid_input when it did
  // not fail. One kept by an earlier serve runs with its flow's current definition
  // (not_found when the flow is no longer served).
  Expected<void> retry(const std::string& execution_id);

  // A flow's APIG route: the request's APIG event is the flow's input; an EXPRESS flow answers
  // with its output (mapped as a function's result when it is an APIG response), a NORMAL one
  // with 202 {execution_id}.
  HttpResponseData answer_route(const flow::Definition& def, const HttpRequestData& request,
                                const RouteMatch& match, const std::string& request_id,
                                const std::string& stage);
  // A FLOWTIMER fired: starts its flow with the trigger's input.
  void fire_timer(const TimerSpec& timer);

  // The v2 execution routes: nullopt when `request` is not one of them.
  std::optional<HttpResponseData> handle(const HttpRequestData& request);

  // Called once each time an execution ends (its flow's name, final status, seconds it ran),
  // on the thread that ran it. Set before any flow starts.
  using OnEnded =
      std::function<void(const std::string& flow, const std::string& status, double seconds)>;
  void set_on_ended(OnEnded on_ended) { m_on_ended = std::move(on_ended); }

  // Cancels every running execution (and any started later); does not wait.
  void cancel_all();
  // cancel_all(), and waits for the executions' threads.
  void shutdown();

 private:
  struct Record;
  std::shared_ptr<Record> make_record(const flow::Definition& def, OrderedJson input,
                                      std::map<std::string, std::string> headers,
                                      const std::string& project_id);
  void execute(const std::shared_ptr<Record>& rec);
  void launch(std::shared_ptr<Record> rec);
  void keep(const std::shared_ptr<Record>& rec);
  static void restart(Record& rec, std::string id);

  // The execution store (flow_store.cpp).
  void open_store();
  std::shared_ptr<store::ExecutionStore> store() const;
  // Writes `rec` to the store if it is kept there: `begin` for a (re)start, else its progress.
  void persist(Record& rec, bool begin);
  std::optional<OrderedJson> stored_show(const std::string& execution_id) const;
  // Appends the flow's stored executions not in `seen`, as (begin_ms, brief JSON).
  void stored_list(const std::string& flow_name, const std::set<std::string>& seen,
                   std::vector<std::pair<std::int64_t, OrderedJson>>& out) const;
  // A failed execution of an earlier serve as a Record, with its flow's current definition.
  Expected<std::shared_ptr<Record>> stored_record(const std::string& execution_id) const;

  PoolLookup m_lookup;
  Logger& m_log;
  CallbackBoard m_callbacks;  // states waiting for the callback route
  OnEnded m_on_ended;
  mutable std::mutex m_mutex;
  std::vector<flow::Definition> m_flows;
  std::map<std::string, std::shared_ptr<Record>> m_records;
  std::vector<std::string> m_order;  // execution ids, oldest first
  std::condition_variable m_cv;      // a background run ended
  std::filesystem::path m_store_path;
  std::shared_ptr<store::ExecutionStore> m_store;  // null: in memory only
  bool m_store_tried = false;
  int m_running = 0;
  bool m_stopping = false;
};

}  // namespace fstage::serve
