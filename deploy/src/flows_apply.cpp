// SPDX-License-Identifier: Apache-2.0
// Function flows: reading the remote state into plans, and applying them (flows.hpp).
#include <algorithm>
#include <cstddef>

#include <fstage/deploy/flows.hpp>

namespace fstage::deploy {

namespace {

// "urn:fss:<region>:<project>:workflow:default:<name>:latest" -> <name>.
std::string name_of_urn(const std::string& urn) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (true) {
    const auto colon = urn.find(':', at);
    parts.push_back(urn.substr(at, colon == std::string::npos ? std::string::npos : colon - at));
    if (colon == std::string::npos) {
      break;
    }
    at = colon + 1;
  }
  return parts.size() >= 7 ? parts[6] : urn;
}

}  // namespace

Expected<std::vector<FlowPlan>> plan_flows(Api& api, const std::vector<flow::Definition>& defs,
                                           const DeployState& state, bool prune,
                                           const std::string& name_suffix) {
  std::vector<FlowPlan> out;
  const auto function_urn = [&api, &name_suffix](const std::string& name) {
    return api.urn(name + name_suffix);
  };
  for (const auto& def : defs) {
    FlowPlan p;
    p.name = def.name + name_suffix;
    p.urn = api.workflow_urn(p.name);
    p.body = workflow_body(def, function_urn);
    p.body["name"] = p.name;
    auto remote = FSTAGE_TRY(api.find_workflow(p.name));
    if (!remote) {
      p.step = FlowStep::create;
    } else {
      p.id = remote->value("id", "");
      p.changes = workflow_changes(p.body, *remote);
      p.step = p.changes.empty() ? FlowStep::unchanged : FlowStep::update;
    }
    out.push_back(std::move(p));
  }
  const auto in_manifest = static_cast<std::ptrdiff_t>(out.size());
  for (const auto& [urn, id] : state.flows()) {
    const bool kept = std::any_of(out.begin(), out.begin() + in_manifest,
                                  [&urn](const FlowPlan& p) { return p.urn == urn; });
    if (!kept) {
      FlowPlan p;
      p.name = name_of_urn(urn);
      p.urn = urn;
      p.id = id;
      p.step = prune ? FlowStep::remove : FlowStep::left_alone;
      out.push_back(std::move(p));
    }
  }
  return out;
}

Expected<void> apply_flows(Api& api, std::vector<FlowPlan>& plans, DeployState& state,
                           const std::function<void(const FlowPlan&)>& on_step) {
  if (plans.empty()) {
    return {};  // no flows: the deploy state stays as the functions left it
  }
  for (auto& p : plans) {
    if (p.step == FlowStep::left_alone) {
      continue;
    }
    if (p.step == FlowStep::unchanged) {
      if (!p.id.empty()) {
        state.set_flow(p.urn, p.id);  // deployed before this state file existed
      }
      continue;
    }
    on_step(p);
    const std::string what = "flow " + p.name + ": " + std::string(to_string(p.step));
    if (p.step == FlowStep::create) {
      auto made = api.create_workflow(p.body);
      if (!made) {
        Error e = std::move(made).error();
        return fail(std::move(e).with_context(what));
      }
      p.id = made->value("id", "");
    } else if (p.step == FlowStep::update) {
      auto r = api.update_workflow(p.id, p.body);
      if (!r) {
        Error e = std::move(r).error();
        return fail(std::move(e).with_context(what));
      }
    } else {
      auto r = api.delete_workflows({p.urn});
      if (!r && r.error().code != ErrorCode::not_found) {
        Error e = std::move(r).error();
        return fail(std::move(e).with_context(what));
      }
      state.forget_flow(p.urn);
      FSTAGE_TRY(state.save());
      continue;
    }
    state.set_flow(p.urn, p.id);
    FSTAGE_TRY(state.save());
  }
  return state.save();
}

}  // namespace fstage::deploy
