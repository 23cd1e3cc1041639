// SPDX-License-Identifier: Apache-2.0
#pragma once

// One function's deploy: read the remote state, plan (plan.hpp), and apply the plan in order
// (function, code, configuration, version, alias, triggers), recording the triggers it creates
// in the deploy state as it goes.

#include <functional>
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
};

// Config and triggers always; versions when publishing or aliasing; the alias when aliasing.
Expected<RemoteState> read_remote(Api& api, const DesiredFunction& want, const DeployRequest& req);

// Plans against the remote state, calls `on_plan` (to print it), then applies it unless
// dry_run. `on_step` is called before each action. Errors: from make_plan and the API, with
// the failing action as context.
Expected<DeployOutcome> deploy_function(Api& api, const DesiredFunction& want, DeployState& state,
                                        const DeployRequest& req,
                                        const std::function<void(const Plan&)>& on_plan,
                                        const std::function<void(const Action&)>& on_step);

}  // namespace fstage::deploy
