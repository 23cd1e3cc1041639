// SPDX-License-Identifier: Apache-2.0
// The v2 workflow execution routes on serve's port (FLOW.md §3), so that a program using the
// platform's SDK with its endpoint pointed at serve starts and inspects local flows:
//   POST /v2/{p}/fgs/workflows/{id}/executions             {input, headers?} -> {execution_id}
//   POST /v2/{p}/fgs/workflows/{id}/sync-executions        EXPRESS: the finished execution
//   GET  /v2/{p}/fgs/workflows/{id}/executions             the flow's executions, newest first
//   GET  /v2/{p}/fgs/workflows/{id}/executions/{eid}       ShowWorkflowExecution (live)
//   POST /v2/{p}/fgs/workflows/{id}/executions/{eid}/terminate | retry
//   POST /v2/{p}/fgs/workflows/{id}/callback              a waiting state's result (flow_callbacks)
// {id} is the flow's name or its stable local id. Signatures are the gateway's to check.
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/router.hpp>

namespace fstage::serve {

namespace {

// The sync answer: {execution_id, status, output, errors[], begin_time, end_time}.
OrderedJson sync_answer(const flow::Execution& e) {
  OrderedJson j;
  j["execution_id"] = e.execution_id;
  j["status"] = e.status;
  j["output"] = e.output;
  OrderedJson errors = OrderedJson::array();
  for (const auto& n : e.node_execution_details) {
    for (const auto& a : n.executions) {
      if (!a.error_message.empty() || (a.status != flow::k_status_success && !a.status.empty())) {
        OrderedJson err;
        err["node_id"] = n.node_id;
        err["error_message"] = a.error_message;
        err["begin_time"] = a.begin_time;
        err["end_time"] = a.end_time;
        errors.push_back(std::move(err));
      }
    }
  }
  if (errors.empty() && !e.error_message.empty()) {
    OrderedJson err;
    err["node_id"] = e.error_state;
    err["error_message"] = e.error_message;
    err["begin_time"] = "";
    err["end_time"] = "";
    errors.push_back(std::move(err));
  }
  j["errors"] = std::move(errors);
  j["begin_time"] = e.begin_time;
  j["end_time"] = e.end_time;
  return j;
}

// The start body: {input, headers?}. input may be any JSON (absent: {}).
Expected<std::pair<OrderedJson, std::map<std::string, std::string>>> read_start(
    const std::string& body, const HttpRequestData& request) {
  OrderedJson input = OrderedJson::object();
  std::map<std::string, std::string> headers;
  if (!trim(body).empty()) {
    OrderedJson j = OrderedJson::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return fail(ErrorCode::invalid_input, "the body must be a JSON object {input, headers}");
    }
    if (auto it = j.find("input"); it != j.end() && !it->is_null()) {
      input = *it;
    }
    if (auto it = j.find("headers"); it != j.end() && !it->is_null()) {
      if (!it->is_object()) {
        return fail(ErrorCode::invalid_input, "headers must be an object of strings");
      }
      for (const auto& [k, v] : it->items()) {
        headers[k] = v.is_string() ? v.get<std::string>() : json_text(v);
      }
    }
  }
  for (const auto& [k, v] : request.headers) {
    if (to_lower(k) == "x-workflowrun-mergefnparameters") {
      headers["X-WorkflowRun-MergeFnParameters"] = v;
    }
  }
  return std::make_pair(std::move(input), std::move(headers));
}

}  // namespace

HttpResponseData flow_api_error(int status, const std::string& code, const std::string& message) {
  OrderedJson j;
  j["error_code"] = code;
  j["error_msg"] = message;
  return json_response(status, j);
}

std::optional<HttpResponseData> FlowService::handle(const HttpRequestData& request) {
  std::vector<std::string> seg = path_segments(request.path);
  // v2 {p} fgs workflows {id} <what> [{eid} [action]]
  if (seg.size() < 6 || seg[0] != "v2" || seg[2] != "fgs" || seg[3] != "workflows") {
    return std::nullopt;
  }
  const std::string& project = seg[1];
  const std::string& what = seg[5];
  if (what != "executions" && what != "sync-executions" && what != "callback") {
    return std::nullopt;
  }
  std::optional<flow::Definition> def = find(seg[4]);
  if (!def) {
    std::vector<std::string> names;
    for (const auto& f : flows()) {
      names.push_back(f.name);
    }
    return flow_api_error(404, "FSS.1051",
                          "workflow " + seg[4] + " not found (flows served: " +
                              (names.empty() ? std::string("none") : join(names, ", ")) + ")");
  }
  const std::string& method = request.method;
  if (what == "callback") {
    if (seg.size() != 6 || method != "POST") {
      return flow_api_error(405, "FSS.0405", method + " " + request.path + " is not allowed");
    }
    const std::string* run = find_header(request, "x-workflow-run-id");
    const std::string run_id = run != nullptr ? *run : std::string();
    auto shown = run_id.empty() ? std::nullopt : show(run_id);
    bool known = shown && (*shown)["workflow_id"] == flow::stable_workflow_id(def->name);
    return answer_callback(m_callbacks, request, def->name, known);
  }
  if (seg.size() == 6 && method == "POST") {
    auto start = read_start(request.body, request);
    if (!start) {
      return flow_api_error(400, "FSS.0400", start.error().message);
    }
    if (what == "sync-executions") {
      if (def->mode != flow::Mode::express) {
        return flow_api_error(400, "FSS.0400",
                              "workflow " + def->name +
                                  " is NORMAL: sync-executions starts EXPRESS flows only; use "
                                  "executions");
      }
      flow::Execution e =
          run_sync(*def, std::move(start->first), std::move(start->second), project);
      return json_response(200, sync_answer(e));
    }
    std::string id = start_flow(*def, std::move(start->first), std::move(start->second), project);
    OrderedJson j;
    j["execution_id"] = id;
    return json_response(200, j);
  }
  if (what != "executions") {
    return flow_api_error(405, "FSS.0405", method + " " + request.path + " is not allowed");
  }
  if (seg.size() == 6 && method == "GET") {
    OrderedJson list = this->list(def->name);
    OrderedJson j;
    j["count"] = list.size();
    j["executions"] = std::move(list);
    return json_response(200, j);
  }
  const std::string& eid = seg[6];
  if (seg.size() == 7 && method == "GET") {
    auto shown = show(eid);
    if (!shown || (*shown)["workflow_id"] != flow::stable_workflow_id(def->name)) {
      return flow_api_error(404, "FSS.1053",
                            "execution " + eid + " of " + def->name + " not found");
    }
    return json_response(200, *shown);
  }
  if (seg.size() == 8 && method == "POST" && (seg[7] == "terminate" || seg[7] == "retry")) {
    auto shown = show(eid);
    if (!shown || (*shown)["workflow_id"] != flow::stable_workflow_id(def->name)) {
      return flow_api_error(404, "FSS.1053",
                            "execution " + eid + " of " + def->name + " not found");
    }
    if (seg[7] == "terminate") {
      terminate(eid);
      return json_response(200, OrderedJson::object());
    }
    if (auto r = retry(eid); !r) {
      return flow_api_error(400, "FSS.0400", r.error().message);
    }
    return json_response(200, OrderedJson::object());
  }
  return flow_api_error(405, "FSS.0405", method + " " + request.path + " is not allowed");
}

}  // namespace fstage::serve
