// SPDX-License-Identifier: Apache-2.0
#pragma once

// A function's platform settings, reconciled field by field, each through the API that owns it:
//
//   setting            API                                      reset when the manifest drops it
//   func_vpc           PUT …/config (the whole configuration)  the VPC is detached (no func_vpc)
//   xrole              PUT …/config                            xrole "" (no agency)
//   strategy_config    PUT …/config                            {concurrency -1, concurrent_num 1}
//   pre_stop           PUT …/config                            pre_stop_handler "" (none)
//   encrypted_user_data PUT …/config                           encrypted_user_data "" (none)
//   log_config         PUT …/config                            left as it is: every function logs
//                                                              to some LTS group, there is no
//                                                              "none"
//   reserved_instances PUT …/reservedinstances {count}         count 0
//   async_invoke       PUT / DELETE …/async-invoke-config      DELETE (1 retry, 3600 s, no
//                                                              destinations: the platform's
//                                                              defaults)
//   tags               POST …/tags/create, DELETE …/tags/delete  the tags fstage set are deleted
//
// fstage manages a setting once the manifest writes it, and records that in the deploy state
// (state.hpp: functions.<urn>.settings), so that a setting set in the console and never written
// in the manifest is left alone, while one the manifest dropped is reset. Tags likewise: only
// keys fstage set are ever deleted.
//
// The API does not return encrypted values (plain user_data is "displayed in plaintext ... in API
// responses", encrypted not: productdesc-functiongraph functiongraph_01_0203), so
// encrypted_user_data is compared through a SHA-256 per key kept in the deploy state, never the
// value; the plan names the keys added, removed or changed and says the values are hidden.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>

namespace fstage::manifest {
struct Function;
}

namespace fstage::deploy {

struct DesiredFunction;
struct Plan;
struct Change;

// The names of the settings, as recorded in the deploy state.
inline constexpr std::string_view k_setting_names[] = {
    "func_vpc",           "xrole",        "strategy_config",
    "pre_stop",           "log_config",   "encrypted_user_data",
    "reserved_instances", "async_invoke", "tags"};

struct DesiredSettings {
  std::set<std::string> written;  // the settings the manifest writes (k_setting_names)
  int reserved_instances = 0;
  Json async_invoke;  // the PUT body, null when not written
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> encrypted_digests;  // key -> SHA-256 (never the value)
};

// What the deploy state recorded after the last deploy of the function.
struct SettingsRecord {
  std::set<std::string> managed;
  std::map<std::string, std::string> encrypted_digests;
  std::set<std::string> tag_keys;  // the tags fstage set

  static SettingsRecord from_json(const Json& j);
  Json to_json() const;
};

struct RemoteSettings {
  std::optional<Json> async_invoke;                        // nullopt: none, or not read
  std::optional<std::map<std::string, std::string>> tags;  // nullopt: not read
};

class Api;

// The remote async configuration and tags, read only when the manifest writes them or fstage
// managed them before (a project without them makes no extra call), and only for a function
// that `exists`.
Expected<RemoteSettings> read_remote_settings(Api& api, const DesiredFunction& want,
                                              const SettingsRecord& record, bool exists);

// The record a successful deploy of `want` leaves.
SettingsRecord settings_record(const DesiredFunction& want);

// Fills `d.config` (func_vpc, xrole, strategy_config, pre_stop_*, log_config,
// encrypted_user_data) and `d.settings` from the manifest. The digests of encrypted values are
// HMAC-SHA256 under `digest_key` (digest_key.hpp) of the package, function, key and value.
void add_desired_settings(const manifest::Function& fn, const std::string& package,
                          std::string_view digest_key, DesiredFunction& d);

// The async body with each FunctionGraph destination's bare function name replaced by
// `urn_of(name)` (the API wants a URN there).
void resolve_destinations(Json& async_body,
                          const std::function<std::string(const std::string&)>& urn_of);

// `want` with the reset value of every config setting `record` manages and the manifest no
// longer writes (a null value: dropped from the PUT body).
DesiredFunction with_resets(const DesiredFunction& want, const SettingsRecord& record);

// Differences of the settings fields `want` carries (called by config_changes; the encrypted
// values are not among them: plan_settings compares their digests).
void settings_config_changes(const Json& want, const Json& remote, std::vector<Change>& out);

// The create body: reset values and what CreateFunction does not take (strategy_config, set by
// the configuration update that follows) removed.
void strip_for_create(Json& body);

// Adds to `p` the encrypted_user_data changes (to the configuration update, creating one when
// needed) and the reserved instance, async configuration and tag actions. `remote_config` is
// nullopt for a function that does not exist yet.
void plan_settings(Plan& p, const DesiredFunction& want, const std::optional<Json>& remote_config,
                   const RemoteSettings& remote, const SettingsRecord& record);

}  // namespace fstage::deploy
