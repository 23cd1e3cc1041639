// SPDX-License-Identifier: Apache-2.0
#pragma once

// One function's deploy in two steps, so that `fstage deploy` plans every function before it
// applies any: read the remote state and plan (plan.hpp); apply the plan in order (function,
// code, configuration, version, alias, triggers), recording the triggers it creates in the
// deploy state as it goes.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/plan.hpp>
#include <fstage/deploy/state.hpp>

namespace fstage::deploy {

struct DeployRequest {
  PublishRequest publish;
  AliasRequest alias;
  bool dry_run = false;
  // Puts the artifact into OBS (want.obs) before the code is created or updated from it; needed
  // when want.obs is set (the CLI's ObsClient::ensure, which skips an identical object).
  std::function<Expected<void>(const DesiredFunction&)> upload_to_obs;
};

struct DeployOutcome {
  Plan plan;
  bool applied = false;
  std::string published_version;
  std::set<std::string> known_versions;  // the remote's, when planned
};

// Config and triggers always; versions when publishing or aliasing; the alias when aliasing.
Expected<RemoteState> read_remote(Api& api, const DesiredFunction& want, const DeployRequest& req);

// Reads the remote state and plans against it (nothing is written).
Expected<DeployOutcome> plan_function(Api& api, const DesiredFunction& want,
                                      const DeployState& state, const DeployRequest& req);
// Applies a plan from plan_function, unless dry_run. `on_step` is called before each action.
// Errors: from the API, with the failing action as context.
Expected<void> apply_function(Api& api, const DesiredFunction& want, DeployState& state,
                              const DeployRequest& req, DeployOutcome& out,
                              const std::function<void(const Action&)>& on_step);

}  // namespace fstage::deploy
