// SPDX-License-Identifier: Apache-2.0
// The execution record: node_execution_details[] filled from every thread of a run, the events
// of a live timeline, and the record written in the API's ShowWorkflowExecution shape
// (huaweicloud-sdk-go-v3 model_show_workflow_execution_response.go, model_node_execution_detail.go,
// model_node_execution.go): execution times "yyyy-MM-ddTHH:mm:ssZ", node times epoch ms.
#include <fstage/base/numbers.hpp>
#include <fstage/base/time.hpp>

#include "engine_internal.hpp"

namespace fstage::flow {
namespace detail {

std::size_t Recorder::open_node(const std::string& node_id, const std::string& node_name) {
  NodeExecution node;
  node.node_id = node_id;
  node.node_name = node_name;
  node.execution_id = uuid_v4();
  std::lock_guard lock(m_mutex);
  m_exec.node_execution_details.push_back(std::move(node));
  return m_exec.node_execution_details.size() - 1;
}

void Recorder::add_attempt(std::size_t node, NodeAttempt attempt) {
  attempt.begin_time = std::to_string(attempt.begin_ms);
  attempt.end_time = std::to_string(attempt.end_ms);
  std::lock_guard lock(m_mutex);
  m_exec.node_execution_details[node].executions.push_back(std::move(attempt));
}

void Recorder::add_path(const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_exec.path.push_back(id);
}

void Recorder::emit(const Event& e) {
  if (!m_on_event) {
    return;
  }
  std::lock_guard lock(m_event_mutex);
  m_on_event(e);
}

std::string iso_seconds(std::int64_t epoch_ms) {
  return utc_iso8601(epoch_ms / 1000);
}

}  // namespace detail

namespace {

OrderedJson attempt_json(const NodeAttempt& a) {
  OrderedJson j = OrderedJson::object();
  j["status"] = a.status;
  j["input"] = a.input;
  j["output"] = a.output;
  j["begin_time"] = a.begin_ms;
  j["end_time"] = a.end_ms;
  j["error_message"] = a.error_message;
  j["request_id"] = a.request_id;
  return j;
}

// fstage's per-attempt figures, which the API's node shape has no room for.
OrderedJson attempt_figures(const NodeExecution& n, const NodeAttempt& a) {
  OrderedJson j = OrderedJson::object();
  j["node_id"] = n.node_id;
  j["attempt"] = a.attempt;
  j["function"] = a.function;
  j["status"] = a.status;
  j["error_type"] = a.error_type;
  j["duration_ms"] = round_to(a.duration_ms, 3);
  j["mocked"] = a.mocked;
  return j;
}

}  // namespace

OrderedJson to_json(const Execution& e) {
  OrderedJson j = OrderedJson::object();
  j["workflow_id"] = e.workflow_id;
  j["workflow_urn"] = e.workflow_urn;
  j["execution_id"] = e.execution_id;
  j["status"] = e.status;
  j["headers"] = e.headers;
  j["input"] = e.input;
  j["output"] = e.output;
  j["begin_time"] = e.begin_time;
  j["end_time"] = e.end_time;
  j["last_update_time"] = e.last_update_time;
  if (!e.created_by.empty()) {
    j["created_by"] = e.created_by;
  }
  OrderedJson nodes = OrderedJson::array();
  OrderedJson figures = OrderedJson::array();
  for (const auto& n : e.node_execution_details) {
    OrderedJson node = OrderedJson::object();
    node["node_id"] = n.node_id;
    node["node_name"] = n.node_name;
    node["execution_id"] = n.execution_id;
    OrderedJson executions = OrderedJson::array();
    for (const auto& a : n.executions) {
      executions.push_back(attempt_json(a));
      figures.push_back(attempt_figures(n, a));
    }
    node["executions"] = std::move(executions);
    nodes.push_back(std::move(node));
  }
  j["node_execution_details"] = std::move(nodes);

  OrderedJson f = OrderedJson::object();
  f["workflow_name"] = e.workflow_name;
  f["duration_ms"] = round_to(e.duration_ms, 3);
  f["engine_ms"] = round_to(e.engine_ms, 3);
  f["function_ms"] = round_to(e.function_ms, 3);
  f["virtual_slept_ms"] = e.virtual_slept_ms;
  f["path"] = e.path;
  if (!e.error_type.empty() || !e.error_message.empty()) {
    f["error"] = OrderedJson{
        {"state", e.error_state}, {"error_type", e.error_type}, {"message", e.error_message}};
  }
  f["sandbox_failure"] = e.sandbox_failure;
  if (!e.next_state.empty() || e.caught_error) {
    f["next_state"] = e.next_state;
    f["caught_error"] = e.caught_error;
  }
  f["attempts"] = std::move(figures);
  j["fstage"] = std::move(f);
  return j;
}

}  // namespace fstage::flow
