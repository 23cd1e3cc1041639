// SPDX-License-Identifier: Apache-2.0
// Runs a Definition: states, JsonPath arguments and filters, retries, error routing, a virtual
// clock for Sleep, and the local-only Switch / Parallel / Foreach. Functions run through an
// Invoker, which the command line backs with warm sandboxed instances and tests with mocks.
// The record it keeps is the API's ShowWorkflowExecution (FLOW.md §3).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/flow/model.hpp>

namespace fstage::flow {

// One call of one function by one state.
struct Invocation {
  std::string function;  // the manifest function (FunctionDecl::local)
  std::string ref_name;  // the flow's name for it (FunctionDecl::name)
  std::string state_id;  // the state that calls it
  int attempt = 0;       // 0 for the first try, 1.. for retries
  std::string event;     // JSON text
  // X-Cff-Workflow-Id, X-Cff-Workflow-Run-Id, X-Cff-Workflow-State-Id, and the start's headers.
  std::map<std::string, std::string> headers;
  // Besides the run's RunOptions::cancel_fd, which always stops every call: -1, or a
  // descriptor that becomes readable when this call is no longer needed though the run goes
  // on (its Parallel branch lost the race for `completion`, or another Foreach iteration
  // failed). The Invoker stops the function as it would on cancel and answers `cancelled`;
  // an Invoker that ignores it only makes the engine wait for the call to finish.
  int stop_fd = -1;
};

struct InvocationResult {
  // ok: `output` is the function's JSON result. function_error, timeout, oom, crash: the
  // platform's error (error_type, error_message), which on_errors can route. sandbox: nothing
  // ran (the flow stops with a sandbox failure). cancelled: the run is being cancelled.
  enum class Status { ok, function_error, timeout, oom, crash, sandbox, cancelled };
  Status status = Status::ok;
  std::string output;
  std::string error_type;  // the function's errorType, or the platform's for timeout/oom/crash
  std::string error_message;
  std::string request_id;
  double duration_ms = 0;
  double init_duration_ms = 0;  // 0 when the instance was warm
  bool mocked = false;          // answered by a test's mock, not a function
};

// Thread-safe: parallel actions and branches call it from several threads at once.
class Invoker {
 public:
  virtual ~Invoker() = default;
  virtual InvocationResult invoke(const Invocation& call) = 0;
  // An action whose invoke_mode is "callback" (fstage's local extension, the console's
  // callback node): once its function has returned, the state waits for the workflow
  // callback route (POST …/workflows/{id}/callback, headers X-Workflow-Run-Id and
  // X-Workflow-State-Id) naming its run and state. The callback's result is the action's: ok
  // with its `output`, or function_error (k_error_callback) with its `error`; it stops as
  // invoke() does (cancel_fd, stop_fd: cancelled). By default nothing can call back: sandbox.
  virtual InvocationResult await_callback(const Invocation& call);
};

// Execution and node statuses, as the API spells them.
inline constexpr std::string_view k_status_success = "success";
inline constexpr std::string_view k_status_fail = "fail";
inline constexpr std::string_view k_status_running = "running";
inline constexpr std::string_view k_status_timeout = "timeout";
inline constexpr std::string_view k_status_cancel = "cancel";

// The errorType of an error the function itself did not name (flow/SEMANTICS.md). on_errors
// matches these like any other: exactly, or with "*". The command line's Invoker passes the
// sandbox's own errorType through (the same names `fstage invoke` prints); these are the
// defaults when an InvocationResult carries none.
inline constexpr std::string_view k_error_function = "FunctionError";   // function_error
inline constexpr std::string_view k_error_timeout = "FunctionTimeout";  // timeout
inline constexpr std::string_view k_error_oom = "OutOfMemory";          // oom
inline constexpr std::string_view k_error_crash = "RuntimeExited";      // crash
inline constexpr std::string_view k_error_sandbox = "SandboxError";     // sandbox (not routable)
inline constexpr std::string_view k_error_not_json = "FunctionResultNotJson";
// A callback that answered {"result": "fail"} (Invoker::await_callback).
inline constexpr std::string_view k_error_callback = "CallbackFailed";
// The engine's own: data a state needs is missing or of the wrong shape (Foreach items_path not
// an array, a result_path that cannot be written), or a Switch with no condition holding and no
// default.
inline constexpr std::string_view k_error_data = "FlowDataError";
inline constexpr std::string_view k_error_no_match = "FlowNoMatchingCondition";

// What the engine reports as it goes, for a live timeline. Calls are serialised.
struct Event {
  enum class Kind {
    flow_started,
    state_started,
    attempt_finished,
    slept,
    state_finished,
    flow_finished
  };
  Kind kind = Kind::flow_started;
  std::string state_id;
  std::string state_name;
  std::string function;  // attempt_finished
  int attempt = 0;
  std::string status;  // attempt, state and flow: success / fail / timeout / cancel
  std::string error_type;
  std::string error_message;
  double duration_ms = 0;     // real time spent
  std::int64_t slept_ms = 0;  // slept: a Sleep's duration or a retry's delay (virtual unless
                              // real_time); state_id is the Sleep's or the retried state's
  bool mocked = false;
  std::string request_id;
  // attempt_finished: the attempt's input and output and its times (UTC epoch ms), as its
  // NodeAttempt holds them, so that a live record shows them while the run goes on.
  OrderedJson input;
  OrderedJson output;
  std::int64_t begin_ms = 0;
  std::int64_t end_ms = 0;
};

struct RunOptions {
  OrderedJson input = OrderedJson::object();
  std::map<std::string, std::string> headers;  // the start's headers, passed to every function
  bool merge_parameters = false;               // X-WorkflowRun-MergeFnParameters
  bool real_time = false;  // Sleep waits for real; by default it is skipped in virtual time
  int cancel_fd = -1;      // polls readable once the run must stop (CancelFlag)
  std::string project_id = "local";
  std::string region = "cn-north-4";
  std::string execution_id;  // generated when empty
  std::string only_state;    // run this state alone on `input` (like AWS TestState)
  // The retry of a failed run: start at this top-level state instead of `start`, with `input`
  // as its attempts' input as the record holds it (its input filter already applied, so not
  // applied again), and go on from there as usual.
  std::string resume_state;
  std::function<void(const Event&)> on_event;
};

// The attempts of one node (FLOW.md §3, node_execution_details[]).
struct NodeAttempt {
  std::string status;
  OrderedJson input;
  OrderedJson output;
  std::string begin_time;  // as the API writes them: UTC epoch milliseconds, in decimal
  std::string end_time;
  std::int64_t begin_ms = 0;  // the same as numbers (to_json writes these)
  std::int64_t end_ms = 0;
  std::string error_message;
  std::string request_id;
  // fstage's own figures, not in the API's node shape
  std::string function;
  std::string error_type;
  int attempt = 0;         // 0 for the first try
  double duration_ms = 0;  // real time of the attempt
  bool mocked = false;
};

struct NodeExecution {
  std::string node_id;
  std::string node_name;
  std::string execution_id;
  std::vector<NodeAttempt> executions;
};

struct Execution {
  std::string workflow_id;
  std::string workflow_urn;
  std::string workflow_name;
  std::string execution_id;
  std::string status;      // success, fail, timeout, cancel
  std::string begin_time;  // yyyy-MM-ddTHH:mm:ssZ (UTC), as the API writes them
  std::string end_time;    // virtual sleeps included: a day's Sleep ends a day later
  std::string last_update_time;
  std::string created_by;  // omitted from to_json when empty
  OrderedJson headers = OrderedJson::object();
  OrderedJson input;
  OrderedJson output;
  std::vector<NodeExecution> node_execution_details;
  std::vector<std::string> path;  // state ids in the order they ran (branches: "par/0/a")
  // The error that ended a failed run: the state, the error type and message.
  std::string error_state;
  std::string error_type;
  std::string error_message;
  // fstage's report figures
  double duration_ms = 0;  // wall time of the run
  // The run's main line: function_ms is the wall time it spent waiting (for the Invoker, for
  // real-time sleeps and retry delays, for Parallel branches and Foreach iterations as a
  // whole), engine_ms the rest (duration_ms - function_ms): the engine's own overhead for a
  // sequential flow.
  double engine_ms = 0;
  double function_ms = 0;
  std::int64_t virtual_slept_ms = 0;  // time skipped by Sleeps and retry delays (the longest
                                      // line: parallel branches' sleeps overlap)
  bool sandbox_failure = false;       // a function's sandbox could not start
  // only_state: the transition the state would take ("" at the end of the flow), and whether
  // an on_errors handler caught an error to take it (error_* then say which).
  std::string next_state;
  bool caught_error = false;
};

// The execution exactly in the API's ShowWorkflowExecution shape, fstage's figures under
// "fstage" (report: durations, path, slept time).
OrderedJson to_json(const Execution& e);

// The stable local id of a flow named `name` (SEMANTICS.md "Identity"): what run() writes as
// Execution::workflow_id and X-Cff-Workflow-Id, and what serve's routes accept for the flow.
std::string stable_workflow_id(std::string_view name);

// Runs `def` (validated) to its end. Never throws; errors only for what prevents a run at all
// (only_state unknown: not_found). The flow's own failure is Execution::status.
Expected<Execution> run(const Definition& def, Invoker& invoker, const RunOptions& options);

}  // namespace fstage::flow
