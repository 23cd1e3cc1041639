// SPDX-License-Identifier: Apache-2.0
// Function flows on the platform: the body, the comparison and the plan (flows.hpp).
#include <map>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/flows.hpp>

namespace fstage::deploy {

namespace {

Json to_json(const OrderedJson& j) {
  return Json::parse(j.dump());
}

Json state_body(const flow::State& s) {
  Json out = {{"id", s.id},
              {"name", s.name.empty() ? s.id : s.name},
              {"type", std::string(flow::to_string(s.type))},
              {"end", s.end},
              {"transition", s.transition}};
  Json actions = Json::array();
  for (const auto& a : s.actions) {
    Json ref = {{"ref_name", a.ref_name}, {"invoke_mode", a.invoke_mode}};
    if (a.has_arguments) {
      Json args = Json::object();
      for (const auto& arg : a.arguments) {
        args[arg.key] = arg.expression;
      }
      ref["arguments"] = std::move(args);
    }
    actions.push_back({{"function_ref", std::move(ref)}});
  }
  out["actions"] = std::move(actions);
  out["action_mode"] = s.action_mode;
  Json errors = Json::array();
  for (const auto& e : s.on_errors) {
    Json j = {{"error", e.error}};
    if (!e.transition.empty()) {
      j["transition"] = e.transition;
    }
    if (!e.retry_ref.empty()) {
      j["retry_ref"] = e.retry_ref;
    }
    errors.push_back(std::move(j));
  }
  if (!errors.empty()) {
    out["on_errors"] = std::move(errors);
  }
  if (!s.filter.input.empty() || !s.filter.output.empty()) {
    out["state_data_filter"] = {{"input", s.filter.input}, {"output", s.filter.output}};
  }
  if (s.type == flow::StateType::sleep) {
    out["duration"] = s.duration;
  }
  return out;
}

// Sets `key` to `value` when absent or null.
void fill(Json& j, const char* key, const Json& value) {
  if (!j.contains(key) || j[key].is_null()) {
    j[key] = value;
  }
}

// Drops `key` when it is null, "" or an empty container.
void drop_empty(Json& j, const char* key) {
  if (j.contains(key) && (j[key].is_null() || (j[key].is_string() && j[key] == "") ||
                          ((j[key].is_object() || j[key].is_array()) && j[key].empty()))) {
    j.erase(key);
  }
}

Json normalised_state(const Json& in) {
  Json s = in;
  fill(s, "end", false);
  fill(s, "transition", "");
  fill(s, "actions", Json::array());
  if (!s.contains("action_mode") || !s["action_mode"].is_string() || s["action_mode"] == "") {
    s["action_mode"] = "sequential";
  }
  for (auto& a : s["actions"]) {
    if (a.is_object() && a.contains("function_ref") && a["function_ref"].is_object()) {
      Json& ref = a["function_ref"];
      if (!ref.contains("invoke_mode") || ref["invoke_mode"] == "" ||
          ref["invoke_mode"].is_null()) {
        ref["invoke_mode"] = "synchronize";
      }
      if (ref.contains("arguments") && ref["arguments"].is_null()) {
        ref.erase("arguments");
      }
    }
  }
  if (s.contains("on_errors") && s["on_errors"].is_array()) {
    for (auto& e : s["on_errors"]) {
      if (e.is_object()) {
        drop_empty(e, "transition");
        drop_empty(e, "retry_ref");
      }
    }
  }
  drop_empty(s, "on_errors");
  if (s.contains("state_data_filter") && s["state_data_filter"].is_object()) {
    Json& f = s["state_data_filter"];
    drop_empty(f, "input");
    drop_empty(f, "output");
  }
  drop_empty(s, "state_data_filter");
  if (s.value("type", "") != "Sleep") {
    s.erase("duration");
  }
  return s;
}

}  // namespace

Expected<void> refuse_local_only(const flow::Definition& def) {
  for (const auto& s : def.states) {
    for (const auto& a : s.actions) {
      if (a.invoke_mode != flow::k_invoke_callback) {
        continue;
      }
      Error e(ErrorCode::invalid_input,
              a.where.str() + ": flow " + quote(def.name) + ": state " + quote(s.id) + " calls " +
                  quote(a.ref_name) +
                  " with invoke_mode callback, which the platform cannot run: the v2 workflow "
                  "API invokes functions synchronously only");
      e.hint =
          "callback is fstage's local extension (fstage serve answers the callback route); "
          "deploy the flow with invoke_mode synchronize, or leave it out of the manifest you "
          "deploy";
      return fail(std::move(e));
    }
    if (!flow::is_local_only(s.type)) {
      continue;
    }
    const std::string type(flow::to_string(s.type));
    Error e(ErrorCode::invalid_input,
            s.type_where.str() + ": flow " + quote(def.name) + ": state " + quote(s.id) + " is a " +
                type +
                ", which the platform cannot run: the v2 workflow API has Operation, Sleep "
                "and End states only");
    e.hint = type +
             " is fstage's local extension (fstage flow run runs it); deploy a flow "
             "without it, or leave the flow out of the manifest you deploy";
    return fail(std::move(e));
  }
  return {};
}

Json workflow_body(const flow::Definition& def,
                   const std::function<std::string(const std::string&)>& function_urn) {
  Json body = {{"name", def.name}, {"start", def.start}};
  if (!def.description.empty()) {
    body["description"] = def.description;
  }
  body["mode"] = def.mode == flow::Mode::express ? "EXPRESS" : "NORMAL";
  if (!def.express_log_level.empty()) {
    body["express_config"] = {{"log_level", def.express_log_level}};
  }
  Json triggers = Json::array();
  for (const auto& t : def.triggers) {
    triggers.push_back({{"trigger_name", t.name},
                        {"trigger_type", t.type},
                        {"enabled", t.enabled},
                        {"trigger_config", to_json(t.config)}});
  }
  if (!triggers.empty()) {
    body["triggers"] = std::move(triggers);
  }
  Json functions = Json::array();
  for (const auto& f : def.functions) {
    // A URN is the user's own choice (another package, a version, an alias): sent as written.
    const bool urn = starts_with(f.operation, "urn:");
    Json j = {{"name", f.name},
              {"operation", urn || f.local.empty() ? f.operation : function_urn(f.local)}};
    if (!f.metadata.empty()) {
      j["metadata"] = to_json(f.metadata);
    }
    functions.push_back(std::move(j));
  }
  body["functions"] = std::move(functions);
  Json states = Json::array();
  for (const auto& s : def.states) {
    states.push_back(state_body(s));
  }
  body["states"] = std::move(states);
  body["constants"] = to_json(def.constants);
  Json retries = Json::array();
  for (const auto& r : def.retries) {
    retries.push_back({{"name", r.name}, {"delay", r.delay}, {"max_attempts", r.max_attempts}});
  }
  body["retries"] = std::move(retries);
  if (def.enable_stream_response) {
    body["enable_stream_response"] = true;
  }
  if (!def.enterprise_project_id.empty()) {
    body["enterprise_project_id"] = def.enterprise_project_id;
  }
  return body;
}

Json normalised_workflow(const Json& in) {
  static const char* const k_fields[] = {"name",
                                         "description",
                                         "start",
                                         "mode",
                                         "express_config",
                                         "triggers",
                                         "functions",
                                         "states",
                                         "constants",
                                         "retries",
                                         "enable_stream_response",
                                         "enterprise_project_id"};
  Json out = Json::object();
  for (const char* f : k_fields) {
    if (in.is_object() && in.contains(f)) {
      out[f] = in[f];
    }
  }
  fill(out, "description", "");
  fill(out, "mode", "NORMAL");
  fill(out, "triggers", Json::array());
  fill(out, "constants", Json::object());
  fill(out, "retries", Json::array());
  fill(out, "functions", Json::array());
  fill(out, "states", Json::array());
  fill(out, "enable_stream_response", false);
  drop_empty(out, "enterprise_project_id");
  if (out.contains("express_config") && out["express_config"].is_object()) {
    drop_empty(out["express_config"], "log_level");
  }
  drop_empty(out, "express_config");
  for (auto& t : out["triggers"]) {
    if (t.is_object()) {
      fill(t, "enabled", true);
      fill(t, "trigger_config", Json::object());
    }
  }
  for (auto& f : out["functions"]) {
    if (f.is_object()) {
      drop_empty(f, "metadata");
    }
  }
  for (auto& r : out["retries"]) {
    if (r.is_object()) {
      fill(r, "delay", 1);
      fill(r, "max_attempts", 3);
    }
  }
  Json states = Json::array();
  for (const auto& s : out["states"]) {
    states.push_back(s.is_object() ? normalised_state(s) : s);
  }
  out["states"] = std::move(states);
  return out;
}

std::vector<std::string> workflow_changes(const Json& want_in, const Json& have_in) {
  const Json want = normalised_workflow(want_in);
  const Json have = normalised_workflow(have_in);
  std::vector<std::string> out;
  for (const auto& [key, value] : want.items()) {
    const Json other = have.contains(key) ? have[key] : Json();
    if (value == other) {
      continue;
    }
    if (key != "states" || !other.is_array()) {
      out.push_back(key);
      continue;
    }
    // Name the states that changed, were added or went away.
    auto by_id = [](const Json& arr) {
      std::map<std::string, Json> m;
      for (const auto& s : arr) {
        m[s.value("id", "")] = s;
      }
      return m;
    };
    const auto a = by_id(value);
    const auto b = by_id(other);
    std::size_t before = out.size();
    for (const auto& [id, s] : a) {
      if (!b.contains(id) || b.at(id) != s) {
        out.push_back("states." + id);
      }
    }
    for (const auto& [id, s] : b) {
      if (!a.contains(id)) {
        out.push_back("states." + id);
      }
    }
    if (out.size() == before) {
      out.push_back("states (order)");
    }
  }
  return out;
}

std::string_view to_string(FlowStep s) {
  switch (s) {
    case FlowStep::create:
      return "create";
    case FlowStep::update:
      return "update";
    case FlowStep::unchanged:
      return "unchanged";
    case FlowStep::remove:
      return "delete";
    case FlowStep::left_alone:
      return "left alone";
  }
  return "?";
}

std::string render_flow_plan(const FlowPlan& p, bool dry_run) {
  const std::string head = "flow " + p.name + ": ";
  const std::string line = head + (dry_run ? "would " : "");
  switch (p.step) {
    case FlowStep::create:
      return line + "create\n";
    case FlowStep::update:
      return line + "update (" + join(p.changes, ", ") + ")\n";
    case FlowStep::unchanged:
      return head + "unchanged\n";
    case FlowStep::remove:
      return line + "delete (not in the manifest; --prune)\n";
    case FlowStep::left_alone:
      return head + "left alone (not in the manifest; --prune deletes it)\n";
  }
  return head + "\n";
}

Json flow_plan_to_json(const FlowPlan& p) {
  return {{"flow", p.name},
          {"workflow_urn", p.urn},
          {"id", p.id},
          {"step", std::string(to_string(p.step))},
          {"changes", p.changes}};
}

}  // namespace fstage::deploy
