// SPDX-License-Identifier: Apache-2.0
#pragma once
// Deploying the manifest's function flows through the v2 workflow API (FLOW.md §2-3), after
// their functions. The pure parts (the body sent, the comparison with what the API shows, the
// refusal of local-only states) are separate from the calls, so each is unit-tested alone.
//
// Rules:
//   - a flow with a Switch, Parallel or Foreach state (flow::is_local_only) is refused before
//     anything is sent, naming the flow, the state and where its `type` was written;
//   - `functions[].operation`: a full URN is sent as written; a local function's name becomes
//     that deployed function's URN (urn:fss:<region>:<project>:function:<package>:<name>:latest);
//   - absent flow: created; present: updated only when its shown definition, with the API's
//     defaults filled in on both sides, differs from the one to send (the changed fields are
//     listed); equal: left alone, nothing sent;
//   - flows that left the manifest are left alone, unless prune: then the ones fstage deployed
//     (recorded in the deploy state) are deleted.
#include <functional>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/state.hpp>
#include <fstage/flow/model.hpp>

namespace fstage::deploy {

// invalid_input naming the flow, its first local-only state, the state's type and the
// file:line:column of that `type`; nothing when every state is Operation, Sleep or End.
Expected<void> refuse_local_only(const flow::Definition& def);

// The WorkflowCreateBody for `def`. `function_urn` maps a local function's name to its URN.
Json workflow_body(const flow::Definition& def,
                   const std::function<std::string(const std::string&)>& function_urn);

// The definition fields of a body or a shown flow, with the API's defaults filled in (mode
// NORMAL, action_mode sequential, retry delay 1 / max_attempts 3, invoke_mode synchronize, ...)
// and empty optional members dropped, so equal definitions compare equal.
Json normalised_workflow(const Json& body);

// The fields of `want` that differ from `have` (both as given to normalised_workflow): a
// top-level field name, or "states.<id>" for one state.
std::vector<std::string> workflow_changes(const Json& want, const Json& have);

// left_alone: deployed by fstage, gone from the manifest, and no --prune: nothing is sent.
enum class FlowStep { create, update, unchanged, remove, left_alone };
std::string_view to_string(FlowStep s);

struct FlowPlan {
  std::string name;
  std::string urn;
  std::string id;  // "" until created
  FlowStep step = FlowStep::unchanged;
  std::vector<std::string> changes;  // update: the changed fields
  Json body;
};

// Reads each flow's remote state and plans it (no writes). The flows recorded in `state` whose
// names are not in `defs` are planned for removal with prune, else left alone (and said so).
// `name_suffix` (the stage's, manifest.hpp) ends each flow's name and each function it calls.
Expected<std::vector<FlowPlan>> plan_flows(Api& api, const std::vector<flow::Definition>& defs,
                                           const DeployState& state, bool prune,
                                           const std::string& name_suffix = {});

// Applies the plans in order, recording created and updated flows in `state` (and forgetting
// removed ones). `on_step` is called before each write.
Expected<void> apply_flows(Api& api, std::vector<FlowPlan>& plans, DeployState& state,
                           const std::function<void(const FlowPlan&)>& on_step);

// One line per flow, for stderr: "flow order_flow: update (states.check, retries)", or
// "would update" for a dry run.
std::string render_flow_plan(const FlowPlan& p, bool dry_run = false);
Json flow_plan_to_json(const FlowPlan& p);

}  // namespace fstage::deploy
