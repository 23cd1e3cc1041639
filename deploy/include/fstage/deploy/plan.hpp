// SPDX-License-Identifier: Apache-2.0
#pragma once

// The plan: what must change on the platform to make one function match the manifest and its
// artifact. Pure (no network): built from the desired state and a snapshot of the remote one,
// so every rule is unit-tested without a server.
//
// Rules:
//   - absent function: create it with the code (one POST);
//   - code: uploaded only when the artifact's SHA-512 differs from the remote `digest`, or when
//     the linked dependency versions differ from the remote `depend_version_list` (compared as
//     sets: nothing says the platform gives their order a meaning); PUT …/code carries both;
//   - configuration: PUT only when a managed field differs (runtime, handler, memory_size,
//     timeout, user_data as a JSON object, description, initializer_handler/_timeout);
//   - --publish [V]: skipped when the newest version already has this code and configuration
//     (the platform's FSS.1016), an error when V exists with different content;
//   - --alias NAME[=V]: created, moved, or left alone when it already points there;
//   - triggers: a manifest trigger matches a remote one of the same type whose event_data holds
//     the same values; unmatched manifest triggers are created; unmatched remote triggers are
//     deleted only when fstage created them (recorded in the deploy state, or named "fstage_…");
//     a status-only difference (enabled: false) is an update.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/deploy/obs.hpp>
#include <fstage/deploy/settings.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::deploy {

// Name prefix of the triggers fstage creates (for the types whose event_data has a name).
inline constexpr std::string_view k_trigger_name_prefix = "fstage_";

struct DesiredTrigger {
  std::string type;  // trigger_type_code
  Json event_data;   // as the API wants it
  std::string status = "ACTIVE";
  std::string label;  // for the plan: "TIMER Rate 5m"
};

struct DesiredFunction {
  std::string name;
  Json config;         // func_name, package, runtime, handler, memory_size, timeout, user_data, ...
  std::string digest;  // SHA-512 hex of the artifact
  std::filesystem::path artifact;
  std::uint64_t artifact_bytes = 0;
  std::vector<DesiredTrigger> triggers;
  // Dependency version ids to link, in manifest order (dependencies.hpp: link_dependencies).
  // nullopt: fstage leaves the function's links alone (e.g. set in the console); a value, even
  // empty, is the exact list wanted.
  std::optional<std::vector<std::string>> depend_version_list;
  // "name@version" per id, for the plan ("name@(new version)" for a dry run's placeholder).
  std::map<std::string, std::string> dependency_labels;
  // Set when the code goes through OBS (over the direct-upload limit): the object it is put
  // into and the artifact's MD5 hex (the object's ETag when it is already there).
  std::optional<ObsLocation> obs;
  std::string artifact_md5;
  // Reserved instances, async configuration, tags, encrypted env digests (settings.hpp).
  DesiredSettings settings;
};

// The API's view of a manifest trigger. Errors: invalid_input (a type fstage cannot map).
Expected<DesiredTrigger> desired_trigger(const manifest::Trigger& t);

// Desired state of `fn` from the manifest and its packaged artifact; `digest_key` keys the
// digests of its encrypted values (add_desired_settings).
Expected<DesiredFunction> desired_function(const manifest::Manifest& m,
                                           const manifest::Function& fn,
                                           const std::filesystem::path& artifact,
                                           const std::string& digest, std::uint64_t bytes,
                                           std::string_view digest_key);

struct RemoteState {
  std::optional<Json> config;  // nullopt: the function does not exist
  std::vector<Json> triggers;
  std::vector<Json> versions;  // as listed (may include "latest")
  std::optional<Json> alias;   // the alias named in AliasRequest, when it exists
};

struct PublishRequest {
  bool enabled = false;
  std::string version;  // "" = let the platform name it
};

struct AliasRequest {
  bool enabled = false;
  std::string name;
  std::string version;                 // "" = the version published now, else the newest one
  std::map<std::string, int> weights;  // additional_version_weights
};

enum class Step {
  create_function,
  update_code,
  update_config,
  publish_version,
  create_alias,
  update_alias,
  delete_trigger,
  create_trigger,
  update_trigger,
  // Function settings with their own APIs (settings.hpp).
  update_reserved_instances,
  put_async_config,
  delete_async_config,
  delete_tags,
  create_tags,
};

std::string_view to_string(Step s);

struct Change {
  std::string field;
  std::string from;
  std::string to;
  // An environment value (user_data.KEY): the renderings say added/removed/changed and hide
  // both values unless asked to show them (--show-values).
  bool secret = false;
};

struct Action {
  Step step;
  std::string summary;  // one line, e.g. "update configuration"
  std::vector<Change> changes;
  Json body;               // what to send (config fields, trigger, alias); code comes separately
  std::string trigger_id;  // update/delete trigger
  std::string trigger_type;
};

// Placeholder for a dependency version a dry run would upload (in labels and placeholder ids).
inline constexpr std::string_view k_new_dependency_version = "(new version)";

// The desired dependency ids differ (as sets) from `remote`'s depend_version_list.
bool dependencies_differ(const DesiredFunction& want, const Json& remote);

// Placeholder alias version meaning "the version this deploy publishes".
inline constexpr std::string_view k_published_now = "(the version published now)";

struct Plan {
  std::string function;
  bool exists = false;
  std::vector<Action> actions;
  std::vector<std::string> notes;  // things left alone, and why
  bool empty() const { return actions.empty(); }
};

// Errors: already_exists (--publish V where V holds other content), usage (--alias without a
// version to point at).
Expected<Plan> make_plan(const DesiredFunction& want, const RemoteState& have,
                         const std::set<std::string>& owned_trigger_ids,
                         const PublishRequest& publish, const AliasRequest& alias);

// The config body for PUT …/config: the remote's updatable fields overlaid with the desired.
Json config_update_body(const DesiredFunction& want, const Json& remote);

// Field-by-field differences of the managed configuration ("" when equal); user_data key by
// key ("user_data.KEY", secret).
std::vector<Change> config_changes(const Json& want, const Json& remote);

// Human rendering, one line per action (indented), for stderr. Environment values are masked
// unless `show_values`.
std::string render_plan(const Plan& p, bool show_values = false);
Json plan_to_json(const Plan& p, bool show_values = false);

}  // namespace fstage::deploy
