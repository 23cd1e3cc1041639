// SPDX-License-Identifier: Apache-2.0
#pragma once

// What fstage created remotely, so it can later remove exactly that and nothing else:
// <project>/.fstage/deploy-state.json, keyed by function URN (region, project, package, name).
//
//   {"version": 1, "functions": {"urn:fss:…:function:default:orders": {"triggers": ["id", …]}},
//    "flows": {"urn:fss:…:workflow:default:order_flow:latest": {"id": "…"}}}
//
// A flow is recorded when fstage creates or updates it: `deploy --prune` removes only recorded
// flows that left the manifest, never one made in the console.
//
// Why a local file and not only a marker in the trigger: several trigger types (SMN, LTS, DIS,
// Kafka, DDS) have no free-form field to carry one. Triggers of the types that do have a name
// are also named "fstage_<hash>" (plan.hpp), so those stay recognisable from a fresh checkout.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>

namespace fstage::deploy {

// The state file of `stage` in the project at `root`: .fstage/deploy-state.json for the default
// stage (where it has always been), .fstage/deploy-state.<stage>.json for the others, so that
// no stage sees (or prunes) what another deployed.
std::filesystem::path state_file(const std::filesystem::path& root, std::string_view stage);

class DeployState {
 public:
  // Loads the file (a missing or unreadable file is an empty state, with a warning in
  // `problem()`), remembering the path for save().
  static DeployState load(const std::filesystem::path& file);

  std::set<std::string> triggers(const std::string& function_urn) const;
  void add_trigger(const std::string& function_urn, const std::string& id);
  void remove_trigger(const std::string& function_urn, const std::string& id);
  void forget(const std::string& function_urn);

  // The function settings fstage manages and the digests of its encrypted values
  // (settings.hpp SettingsRecord as JSON; an empty object when none).
  Json settings(const std::string& function_urn) const;
  void set_settings(const std::string& function_urn, Json record);

  // Flows fstage deployed: workflow URN -> workflow id.
  std::map<std::string, std::string> flows() const;
  void set_flow(const std::string& workflow_urn, const std::string& id);
  void forget_flow(const std::string& workflow_urn);

  // Writes atomically (creating the directory). Errors: io.
  Expected<void> save() const;
  const std::string& problem() const { return m_problem; }

 private:
  std::filesystem::path m_file;
  Json m_data = Json::object();
  std::string m_problem;
};

}  // namespace fstage::deploy
