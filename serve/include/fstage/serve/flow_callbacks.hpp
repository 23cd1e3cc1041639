// SPDX-License-Identifier: Apache-2.0
// The workflow callback (FLOW.md §3: POST …/workflows/{id}/callback with X-Workflow-Run-Id and
// X-Workflow-State-Id, body {result: success|fail, error?, output}): the states of serve's
// executions that wait for one (an action with invoke_mode "callback", fstage's local
// extension of the console's callback node) and the route that ends their wait.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <fstage/flow/engine.hpp>
#include <fstage/serve/http_server.hpp>

namespace fstage::serve {

// Thread-safe. A state that waits twice at once in one run (Foreach iterations) is answered
// in the order it began waiting.
class CallbackBoard {
 public:
  // Blocks until deliver() names (execution_id, state_id), or cancel_fd or stop_fd (each -1
  // for none) polls readable (cancelled).
  flow::InvocationResult wait(const std::string& execution_id, const std::string& state_id,
                              int cancel_fd, int stop_fd);
  // Ends the oldest wait of (execution_id, state_id) with `result`: false when none waits.
  bool deliver(const std::string& execution_id, const std::string& state_id,
               flow::InvocationResult result);

 private:
  struct Waiter;
  std::mutex m_mutex;
  std::map<std::pair<std::string, std::string>, std::deque<std::shared_ptr<Waiter>>> m_waiting;
};

// The callback's body as the action's result: {"result": "success", "output": …} is ok with
// the output; {"result": "fail", "error": "…"} is function_error (flow::k_error_callback).
// Anything else is invalid_input, saying what is wrong.
Expected<flow::InvocationResult> read_callback_body(const std::string& body);

// The route: the headers and body checked, then the waiting state answered. Answers 200
// {execution_id}; 400 (FSS.0400) for a missing header or a bad body, or when that state of
// that execution does not wait for a callback; 404 (FSS.1053) for an unknown execution.
// `known_execution` says whether an execution of this flow has that id.
HttpResponseData answer_callback(CallbackBoard& board, const HttpRequestData& request,
                                 const std::string& flow_name, bool known_execution);

}  // namespace fstage::serve
