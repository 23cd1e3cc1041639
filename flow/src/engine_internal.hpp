// SPDX-License-Identifier: Apache-2.0
// The engine's shared pieces, private to flow/src: the run's context (definition, invoker,
// options, clock, record), the scope one line of execution runs in (the flow itself, a Parallel
// branch, a Foreach iteration), and what running one state gives back. flow/SEMANTICS.md says
// what each state does; this says how the files divide the work:
//   engine.cpp        run(), the loop that walks a flow or subflow, the attempt loop of a state
//                     (filters, on_errors, retries)
//   operation.cpp     Operation: arguments, actions sequential or parallel, the function's JSON
//   local_states.cpp  Switch, Parallel, Foreach
//   clock.cpp         wall and virtual time, waiting with cancel, ids
//   record.cpp        the execution record, its events, to_json
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fstage/flow/engine.hpp>
#include <fstage/flow/expression.hpp>

namespace fstage::flow::detail {

// ---- clock.cpp ----

// Wall time from one reading of the system clock at the start plus a steady clock after it (a
// run's record never goes backwards when NTP steps the clock).
class Clock {
 public:
  Clock();
  // Epoch milliseconds now, plus `virtual_ms` skipped by virtual sleeps on the caller's line.
  std::int64_t now_ms(std::int64_t virtual_ms) const;
  // Milliseconds since the run began, real time only, fractional.
  double elapsed_ms() const;
  std::int64_t start_ms() const { return m_start_ms; }

 private:
  std::int64_t m_start_ms = 0;
  std::chrono::steady_clock::time_point m_start;
};

// A one-way stop for a line of execution: raised for a Parallel's branches that are no longer
// needed or a Foreach's iterations after one failed (a group token), or (through the root) when
// the run's cancel_fd becomes readable.
class StopToken {
 public:
  // The root token watches `cancel_fd` (-1: none).
  explicit StopToken(int cancel_fd) : m_fd(cancel_fd) {}
  // A group token: stops when raised or when its parent stops, and owns an eventfd that becomes
  // readable then, for the Invoker to stop a running invocation (Invocation::stop_fd).
  explicit StopToken(const StopToken* parent);
  ~StopToken();
  StopToken(const StopToken&) = delete;
  StopToken& operator=(const StopToken&) = delete;

  // Raises this token and every group below it.
  void raise() const;
  // Raised here or above, or the cancel fd readable (a poll with no wait: one syscall).
  bool stopped() const;
  // Whether the run itself is being cancelled (the fd), not just this group.
  bool run_cancelled() const;
  int cancel_fd() const;
  // The eventfd of the nearest group token (this or above), -1 at the root.
  int group_fd() const;

 private:
  const StopToken* m_parent = nullptr;
  int m_fd = -1;        // root: the run's cancel fd
  int m_event_fd = -1;  // group: readable once raised
  mutable std::atomic<bool> m_raised{false};
  mutable std::atomic<bool> m_fd_seen{false};
  mutable std::mutex m_children_mutex;
  mutable std::vector<const StopToken*> m_children;
};

// Waits `ms` of real time, waking early when `token` stops. True when it waited the whole time.
bool wait_real(std::int64_t ms, const StopToken& token);

// A random UUID v4, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string uuid_v4();
// A stable UUID-shaped id for `name` (version 8, "custom": two FNV-1a hashes of the name), the
// flow's workflow id locally, where there is no cloud id.
std::string stable_id(std::string_view name);

// ---- record.cpp ----

// The execution record and the event stream, shared by every thread of the run.
class Recorder {
 public:
  Recorder(Execution& e, const std::function<void(const Event&)>& on_event)
      : m_exec(e), m_on_event(on_event) {}

  // A new node_execution_details[] entry; its index for add_attempt.
  std::size_t open_node(const std::string& node_id, const std::string& node_name);
  void add_attempt(std::size_t node, NodeAttempt attempt);
  void add_path(const std::string& id);
  // Calls on_event under the recorder's lock, so events arrive one at a time and in order.
  void emit(const Event& e);
  bool has_listener() const { return static_cast<bool>(m_on_event); }

 private:
  std::mutex m_mutex;
  std::mutex m_event_mutex;
  Execution& m_exec;
  const std::function<void(const Event&)>& m_on_event;
};

// "2026-12-04T20:11:53Z" for epoch milliseconds.
std::string iso_seconds(std::int64_t epoch_ms);

// ---- the run ----

struct RunContext {
  const Definition& def;
  Invoker& invoker;
  const RunOptions& options;
  Recorder& recorder;
  Clock clock;
  StopToken root_stop;
  std::string workflow_id;
  std::string execution_id;
  // The headers every invocation carries; X-Cff-Workflow-State-Id is set per state.
  std::map<std::string, std::string> base_headers;
  // RunOptions::resume_state has not been entered yet (its input filter is skipped once).
  bool resume_pending = false;

  RunContext(const Definition& d, Invoker& inv, const RunOptions& opts, Recorder& rec)
      : def(d), invoker(inv), options(opts), recorder(rec), root_stop(opts.cancel_fd) {}
};

// One line of execution: the flow, a Parallel branch or a Foreach iteration.
struct Scope {
  const std::vector<State>* states = nullptr;
  std::string prefix;  // prepended to state ids in the record: "" or "par/0/"
  const StopToken* stop = nullptr;
  std::int64_t virtual_ms = 0;  // virtual time skipped so far on this line
  double waited_ms = 0;         // real time spent waiting for functions, sleeps, subflows

  const State* find(std::string_view id) const;
};

// What one attempt of a state's body gives back.
struct AttemptResult {
  enum class Kind { ok, error, cancelled, sandbox };
  Kind kind = Kind::ok;
  OrderedJson output;           // ok: the state's output before its output filter
  std::string next;             // ok: Switch's choice (else the state's own transition)
  std::string status = "fail";  // error: the node status, fail or timeout
  std::string error_type;
  std::string error_message;
  std::string request_id;
  std::string function;  // the (last) function called, for the record
  bool mocked = false;
  double function_ms = 0;  // time inside the Invoker
};

// How a state ended, for the loop that walks the flow.
struct StateOutcome {
  enum class Kind { next, end, failed, cancelled };
  Kind kind = Kind::next;
  std::string next;
  OrderedJson data;    // the next state's input, or the subflow's output at its end
  std::string status;  // failed: fail or timeout
  std::string error_type;
  std::string error_message;
  std::string error_state;
  bool sandbox = false;
  bool caught = false;  // an on_errors handler routed an error to `next`
};

// How a flow or subflow ended.
struct SubflowResult {
  std::string status;  // success, fail, timeout, cancel
  OrderedJson output;
  std::string error_type;
  std::string error_message;
  std::string error_state;
  bool sandbox = false;
};

// engine.cpp: walks `scope` from `start` with `input` to its end.
SubflowResult run_subflow(RunContext& ctx, Scope& scope, const std::string& start,
                          OrderedJson input);
// engine.cpp: one state, its filters and its attempt loop (on_errors, retries).
StateOutcome run_state(RunContext& ctx, Scope& scope, const State& state, OrderedJson data);

// operation.cpp
AttemptResult run_operation(RunContext& ctx, Scope& scope, const State& state,
                            const OrderedJson& input, int attempt);
// local_states.cpp
AttemptResult run_switch(RunContext& ctx, const State& state, const OrderedJson& input);
AttemptResult run_parallel(RunContext& ctx, Scope& scope, const State& state,
                           const OrderedJson& input);
AttemptResult run_foreach(RunContext& ctx, Scope& scope, const State& state,
                          const OrderedJson& input);

// The data after a node when merge parameters is on: `next` merged into `previous` (objects,
// shallow, `next` wins); otherwise, or when either is not an object, `next`.
OrderedJson next_data(const RunOptions& options, const OrderedJson& previous, OrderedJson next);

AttemptResult data_error(std::string message);

}  // namespace fstage::flow::detail
