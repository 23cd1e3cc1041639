// SPDX-License-Identifier: Apache-2.0
#pragma once
// Removing what a project deployed (`fstage remove`, issue 23 item 5): its flows, its functions
// (with their versions, aliases and triggers, which the platform deletes with the function) and
// the dependency versions fstage uploaded for them.
//
// Rules:
//   - only what the manifest (in the chosen stage) names is looked up; what is not there
//     remotely is not listed, so a second remove finds nothing;
//   - a dependency version is listed when fstage uploaded it (its description starts with
//     "fstage:", see dependencies.hpp) and a removed function links it or it is a version of a
//     dependency the manifest names; public and hand-made versions are never removed;
//   - the order is flows (they call the functions), functions, then dependency versions (the
//     API refuses to delete a version still linked);
//   - a dependency version another function still links (another stage's, or one outside the
//     project) is kept, with the API's reason: that is not a failure;
//   - the first other failure stops the removal; what was removed stays removed and the deploy
//     state forgets it at once, so the same remove converges.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/state.hpp>

namespace fstage::deploy {

struct RemovalItem {
  enum class Kind { flow, function, dependency };
  enum class Outcome { pending, removed, kept };
  Kind kind = Kind::function;
  std::string name;    // flow or function name; "NAME@VERSION" for a dependency version
  std::string urn;     // flow or function URN; the version's id for a dependency
  std::string detail;  // "2 versions, 1 alias, 3 triggers"; "uploaded by fstage, 1.2 MB"
  std::string dep_id;  // dependency: its id and version number, for the DELETE
  long dep_version = 0;
  Outcome outcome = Outcome::pending;
  std::string note;  // kept: why
};

std::string_view to_string(RemovalItem::Kind k);  // "flow", "function", "dependency"

// Looks up each named flow, function and dependency (no writes) and lists what exists, in
// removal order.
Expected<std::vector<RemovalItem>> plan_removal(Api& api, const std::vector<std::string>& functions,
                                                const std::vector<std::string>& flows,
                                                const std::vector<std::string>& dependencies);

// Removes the items in order, calling `on_step` before each. Updates and saves `state` after
// every removal. Errors: the API's, with the item named in the context.
Expected<void> apply_removal(Api& api, std::vector<RemovalItem>& items, DeployState& state,
                             const std::function<void(const RemovalItem&)>& on_step);

}  // namespace fstage::deploy
