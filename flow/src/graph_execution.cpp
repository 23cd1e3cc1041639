// SPDX-License-Identifier: Apache-2.0
// `fstage flow graph --execution FILE`: what a recorded run says about each state, read from the
// execution `fstage flow run --json` prints (the API's ShowWorkflowExecution, FLOW.md §3), and
// how a status looks in every format.
#include <array>
#include <string>

#include <fstage/base/json.hpp>
#include <fstage/flow/graph.hpp>

namespace fstage::flow {

namespace {

// The API's statuses (FLOW.md §3), the paged history's included.
constexpr std::array<std::string_view, 9> k_statuses = {"success",   "fail",     "running",
                                                        "timeout",   "cancel",   "scheduled",
                                                        "recovered", "retrying", "stopping"};

bool known_status(std::string_view s) {
  for (auto k : k_statuses) {
    if (k == s) {
      return true;
    }
  }
  return false;
}

Unexpected bad(const std::string& origin, const std::string& where, const std::string& what) {
  return fail(ErrorCode::invalid_input, origin + ": " + (where.empty() ? "" : where + ": ") + what,
              "--execution takes what `fstage flow run FLOW --json` prints (the API's "
              "ShowWorkflowExecution: status, node_execution_details[])");
}

std::string status_list() {
  std::string out;
  for (auto k : k_statuses) {
    out += (out.empty() ? "" : ", ") + std::string(k);
  }
  return out;
}

}  // namespace

Expected<ExecutionStatus> read_execution(std::string_view json_text, const std::string& origin) {
  OrderedJson j = FSTAGE_TRY(parse_ordered_json(json_text, origin));
  if (!j.is_object()) {
    return bad(origin, "", "an execution is a JSON object, not " + std::string(j.type_name()));
  }
  ExecutionStatus out;
  // fstage writes the flow's name among its own figures; the API's shape has it only in
  // workflow_urn (urn:fss:<region>:<project>:workflow:default:<name>:latest).
  if (auto it = j.find("workflow_name"); it != j.end() && it->is_string()) {
    out.workflow_name = it->get<std::string>();
  } else if (auto f = j.find("fstage"); f != j.end() && f->is_object()) {
    if (auto n = f->find("workflow_name"); n != f->end() && n->is_string()) {
      out.workflow_name = n->get<std::string>();
    }
  }
  if (auto it = j.find("status"); it != j.end()) {
    if (!it->is_string() || !known_status(it->get<std::string>())) {
      return bad(origin, "status", "expected one of " + status_list() + ", found " + it->dump());
    }
    out.status = it->get<std::string>();
  }
  auto details = j.find("node_execution_details");
  if (details == j.end()) {
    return bad(origin, "", "no node_execution_details: this is not an execution");
  }
  if (!details->is_array()) {
    return bad(origin, "node_execution_details",
               "expected an array, found " + std::string(details->type_name()));
  }
  for (std::size_t i = 0; i < details->size(); ++i) {
    const OrderedJson& node = (*details)[i];
    const std::string at = "node_execution_details[" + std::to_string(i) + "]";
    if (!node.is_object()) {
      return bad(origin, at, "expected an object, found " + std::string(node.type_name()));
    }
    auto id = node.find("node_id");
    if (id == node.end() || !id->is_string() || id->get<std::string>().empty()) {
      return bad(origin, at + ".node_id", "expected the state's id (a non-empty string)");
    }
    auto runs = node.find("executions");
    if (runs == node.end() || !runs->is_array()) {
      return bad(origin, at + ".executions", "expected an array of attempts");
    }
    NodeRun& run = out.nodes[id->get<std::string>()];
    for (std::size_t k = 0; k < runs->size(); ++k) {
      const OrderedJson& attempt = (*runs)[k];
      const std::string at_k = at + ".executions[" + std::to_string(k) + "]";
      if (!attempt.is_object()) {
        return bad(origin, at_k, "expected an object, found " + std::string(attempt.type_name()));
      }
      auto status = attempt.find("status");
      if (status == attempt.end() || !status->is_string() ||
          !known_status(status->get<std::string>())) {
        return bad(origin, at_k + ".status",
                   "expected one of " + status_list() + ", found " +
                       (status == attempt.end() ? std::string("nothing") : status->dump()));
      }
      // In order: the last attempt recorded is the one that decided the state.
      run.status = status->get<std::string>();
      ++run.attempts;
    }
  }
  return out;
}

std::string describe_run(const NodeRun& run) {
  std::string out = run.status.empty() ? "not run" : run.status;
  if (run.iterations > 1) {
    out += " · " + std::to_string(run.iterations) + " runs";
    if (run.attempts > run.iterations) {
      out += ", " + std::to_string(run.attempts) + " attempts";
    }
  } else if (run.attempts > 1) {
    out += " · " + std::to_string(run.attempts) + " attempts";
  }
  return out;
}

StatusColors status_colors(std::string_view status) {
  if (status == "success") {
    return {"#d9f2d9", "#2e7d32"};
  }
  if (status == "fail") {
    return {"#f9d6d5", "#c62828"};
  }
  if (status == "timeout") {
    return {"#ffe3c2", "#e65100"};
  }
  if (status == "cancel" || status == "stopping") {
    return {"#e4e4e4", "#616161"};
  }
  if (status.empty()) {
    return {"#ffffff", "#9e9e9e"};  // not run
  }
  return {"#dbe8f7", "#1565c0"};  // running, scheduled, retrying, recovered
}

}  // namespace fstage::flow
