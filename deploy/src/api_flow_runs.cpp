// SPDX-License-Identifier: Apache-2.0
// The v2 workflow execution routes (FLOW.md §3): start (async and sync), show, list, retry,
// terminate.
#include <fstage/deploy/api.hpp>

namespace fstage::deploy {

Expected<Json> Api::start_workflow_execution(const std::string& workflow_id, const Json& body,
                                             bool sync, int timeout_seconds) {
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.path = fgs("/workflows/" + workflow_id + (sync ? "/sync-executions" : "/executions"));
  c.body = text;
  c.retry_safe = false;
  c.timeout_seconds = timeout_seconds;
  return call(c);
}

Expected<Json> Api::get_workflow_execution(const std::string& workflow_id,
                                           const std::string& execution_id) {
  Call c;
  c.path = fgs("/workflows/" + workflow_id + "/executions/" + execution_id);
  return call(c);
}

Expected<std::vector<Json>> Api::list_workflow_executions(const std::string& workflow_id,
                                                          const std::string& status, int limit) {
  Call c;
  c.path = fgs("/workflows/" + workflow_id + "/executions");
  c.query = {{"limit", std::to_string(limit)}};
  if (!status.empty()) {
    c.query.emplace_back("status", status);
  }
  Json j = FSTAGE_TRY(call(c));
  std::vector<Json> out;
  if (j.is_object() && j.contains("executions") && j["executions"].is_array()) {
    out.assign(j["executions"].begin(), j["executions"].end());
  }
  return out;
}

Expected<void> Api::workflow_execution_op(const std::string& workflow_id,
                                          const std::string& execution_id, const std::string& op) {
  Call c;
  c.method = "POST";
  c.path = fgs("/workflows/" + workflow_id + "/executions/" + execution_id + "/" + op);
  c.body = "{}";
  c.retry_safe = false;  // a repeat of a retry that went through would start another run
  FSTAGE_TRY(call(c));
  return {};
}

}  // namespace fstage::deploy
