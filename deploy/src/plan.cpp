// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/plan.hpp>

namespace fstage::deploy {

namespace {

constexpr const char* k_managed[] = {
    "runtime",   "handler",     "memory_size",         "timeout",
    "user_data", "description", "initializer_handler", "initializer_timeout"};

// Remote fields PUT …/config accepts besides the managed ones: sent back unchanged so an update
// never resets what was set elsewhere (console, other tools).
// (Not encrypted_user_data: the API does not return it, and keeps it when it is left out.)
constexpr const char* k_preserved[] = {"xrole",
                                       "app_xrole",
                                       "func_vpc",
                                       "mount_config",
                                       "strategy_config",
                                       "custom_image",
                                       "extend_config",
                                       "pre_stop_handler",
                                       "pre_stop_timeout",
                                       "ephemeral_storage",
                                       "log_config",
                                       "network_controller",
                                       "enable_dynamic_memory",
                                       "enable_auth_in_header",
                                       "domain_names",
                                       "enable_lts_log",
                                       "lts_custom_tag",
                                       "gpu_memory",
                                       "gpu_type"};

// A managed field, normalised for comparison: user_data as a JSON object, absent = empty.
Json normalised(const Json& config, const std::string& field) {
  const Json v = config.contains(field) && !config[field].is_null() ? config[field] : Json();
  if (field == "user_data") {
    if (v.is_string() && !v.get<std::string>().empty()) {
      auto parsed = parse_json(v.get<std::string>(), "user_data");
      return parsed ? *parsed : v;
    }
    return Json::object();
  }
  if (field == "initializer_timeout" || field == "memory_size" || field == "timeout") {
    return v.is_number() ? Json(v.get<long long>()) : Json(0);
  }
  return v.is_null() ? Json("") : v;
}

std::string show(const Json& v) {
  if (v.is_string()) {
    return v.get<std::string>().empty() ? "(none)" : v.get<std::string>();
  }
  if (v.is_object() && v.empty()) {
    return "(none)";
  }
  return v.dump();
}

// One change per environment key added, removed or changed, marked secret so that the
// renderings show the key and what happened, never a value (unless asked to).
void environment_changes(const Json& want, const Json& remote, std::vector<Change>& out) {
  for (const auto& [k, v] : remote.items()) {
    if (!want.contains(k)) {
      out.push_back({"user_data." + k, show(v), "(none)", true});
    } else if (want[k] != v) {
      out.push_back({"user_data." + k, show(v), show(want[k]), true});
    }
  }
  for (const auto& [k, v] : want.items()) {
    if (!remote.contains(k)) {
      out.push_back({"user_data." + k, "(none)", show(v), true});
    }
  }
}

// What a secret change says without its values.
std::string masked_change(const Change& c) {
  return c.from == "(none)" ? "added" : c.to == "(none)" ? "removed" : "changed";
}

// Does remote event_data hold every desired value?
bool event_data_matches(const Json& want, const Json& have) {
  if (!have.is_object()) {
    return false;
  }
  for (const auto& [k, v] : want.items()) {
    if (!have.contains(k) || have[k] != v) {
      return false;
    }
  }
  return true;
}

std::string short_digest(const std::string& d) {
  return d.size() > 12 ? d.substr(0, 12) + "…" : (d.empty() ? "(none)" : d);
}

std::string trigger_label(const Json& t) {
  std::string label = t.value("trigger_type_code", "?");
  const Json& e = t.contains("event_data") ? t["event_data"] : Json::object();
  for (const char* k : {"name", "schedule", "path", "topic_urn", "bucket"}) {
    if (e.contains(k) && e[k].is_string()) {
      label += ' ';
      label += e[k].get<std::string>();
    }
  }
  return label + " [" + t.value("trigger_id", "") + "]";
}

bool owned(const Json& t, const std::set<std::string>& owned_ids) {
  if (owned_ids.contains(t.value("trigger_id", ""))) {
    return true;
  }
  const Json& e = t.contains("event_data") ? t["event_data"] : Json::object();
  return e.contains("name") && e["name"].is_string() &&
         e["name"].get<std::string>().starts_with(k_trigger_name_prefix);
}

const Json* newest_version(const std::vector<Json>& versions) {
  const Json* newest = nullptr;
  for (const auto& v : versions) {
    if (v.value("version", "") != "latest") {
      newest = &v;  // the API lists oldest first after latest
    }
  }
  return newest;
}

bool same_content(const Json& version, const DesiredFunction& want) {
  return version.value("digest", "") == want.digest &&
         config_changes(want.config, version).empty() && !dependencies_differ(want, version);
}

std::vector<std::string> remote_dependency_ids(const Json& remote) {
  std::vector<std::string> ids;
  if (remote.contains("depend_version_list") && remote["depend_version_list"].is_array()) {
    for (const auto& id : remote["depend_version_list"]) {
      if (id.is_string()) {
        ids.push_back(id.get<std::string>());
      }
    }
  }
  return ids;
}

// "a@1, b@3" in the given order, ids without a label as they are; "(none)" when empty.
std::string dependency_list_label(const std::vector<std::string>& ids,
                                  const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& id : ids) {
    auto it = labels.find(id);
    out += (out.empty() ? "" : ", ") + (it != labels.end() ? it->second : id);
  }
  return out.empty() ? "(none)" : out;
}

// The remote's labels, from the `dependencies` objects returned beside depend_version_list.
std::map<std::string, std::string> remote_dependency_labels(const Json& remote) {
  std::map<std::string, std::string> labels;
  if (remote.contains("dependencies") && remote["dependencies"].is_array()) {
    for (const auto& d : remote["dependencies"]) {
      if (d.is_object() && d.contains("id") && d["id"].is_string()) {
        const Json v = d.value("version", Json());
        labels[d["id"].get<std::string>()] =
            d.value("name", "?") + "@" + (v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
  }
  return labels;
}

Change dependency_change(const DesiredFunction& want, const Json& remote) {
  return {"dependencies",
          dependency_list_label(remote_dependency_ids(remote), remote_dependency_labels(remote)),
          dependency_list_label(want.depend_version_list.value_or(std::vector<std::string>{}),
                                want.dependency_labels)};
}

Expected<void> plan_publish(Plan& p, const DesiredFunction& want, const RemoteState& have,
                            const PublishRequest& publish, std::string& alias_target) {
  if (!publish.version.empty()) {
    for (const auto& v : have.versions) {
      if (v.value("version", "") == publish.version) {
        if (!same_content(v, want)) {
          return fail(ErrorCode::already_exists,
                      want.name + ": version " + publish.version +
                          " exists with other code or configuration",
                      "versions are immutable: publish under a new name");
        }
        p.notes.push_back("version " + publish.version + " already has this code");
        alias_target = publish.version;
        return {};
      }
    }
  } else if (const Json* newest = newest_version(have.versions);
             newest && same_content(*newest, want)) {
    alias_target = newest->value("version", "");
    p.notes.push_back("newest version " + alias_target + " already has this code");
    return {};
  }
  Action a{
      Step::publish_version,
      "publish version " + (publish.version.empty() ? "(named by the platform)" : publish.version),
      {},
      Json::object(),
      "",
      ""};
  a.body["version"] = publish.version;
  p.actions.push_back(std::move(a));
  alias_target = publish.version.empty() ? std::string(k_published_now) : publish.version;
  return {};
}

Expected<void> plan_alias(Plan& p, const DesiredFunction& want, const RemoteState& have,
                          const AliasRequest& alias, std::string target) {
  if (!alias.version.empty()) {
    target = alias.version;
  }
  if (target.empty()) {
    if (const Json* newest = newest_version(have.versions)) {
      target = newest->value("version", "");
    }
  }
  if (target.empty()) {
    return fail(ErrorCode::usage,
                want.name + ": alias " + alias.name + " needs a version, and none is published",
                "add --publish, or give one: --alias " + alias.name + "=VERSION");
  }
  Json body = {{"name", alias.name}, {"version", target}, {"description", ""}};
  body["additional_version_weights"] = Json::object();
  for (const auto& [v, w] : alias.weights) {
    body["additional_version_weights"][v] = w;
  }
  if (!have.alias) {
    p.actions.push_back(
        {Step::create_alias, "create alias " + alias.name + " -> " + target, {}, body, "", ""});
    return {};
  }
  const std::string from = have.alias->value("version", "");
  const Json from_w = have.alias->contains("additional_version_weights") &&
                              (*have.alias)["additional_version_weights"].is_object()
                          ? (*have.alias)["additional_version_weights"]
                          : Json::object();
  if (from == target && from_w == body["additional_version_weights"]) {
    p.notes.push_back("alias " + alias.name + " already points to " + target);
    return {};
  }
  Action a{Step::update_alias, "move alias " + alias.name, {}, body, "", ""};
  a.changes.push_back({"version", from, target});
  if (from_w != body["additional_version_weights"]) {
    a.changes.push_back({"weights", from_w.dump(), body["additional_version_weights"].dump()});
  }
  p.actions.push_back(std::move(a));
  return {};
}

void plan_triggers(Plan& p, const DesiredFunction& want, const RemoteState& have,
                   const std::set<std::string>& owned_ids) {
  std::vector<bool> matched(have.triggers.size(), false);
  std::vector<Action> creates;
  for (const auto& d : want.triggers) {
    bool found = false;
    for (std::size_t i = 0; i < have.triggers.size() && !found; ++i) {
      const Json& r = have.triggers[i];
      if (matched[i] || r.value("trigger_type_code", "") != d.type ||
          !event_data_matches(d.event_data, r.contains("event_data") ? r["event_data"] : Json())) {
        continue;
      }
      matched[i] = found = true;
      const std::string status = r.value("trigger_status", "ACTIVE");
      if (status != d.status) {
        Action a{Step::update_trigger,           "update trigger " + d.label, {},
                 {{"trigger_status", d.status}}, r.value("trigger_id", ""),   d.type};
        a.changes.push_back({"trigger_status", status, d.status});
        p.actions.push_back(std::move(a));
      }
    }
    if (!found) {
      Json body = {{"trigger_type_code", d.type},
                   {"trigger_status", d.status},
                   {"event_data", d.event_data}};
      creates.push_back({Step::create_trigger, "create trigger " + d.label, {}, body, "", d.type});
    }
  }
  // Deletes first: the platform allows 10 triggers per version.
  for (std::size_t i = 0; i < have.triggers.size(); ++i) {
    const Json& r = have.triggers[i];
    if (matched[i]) {
      continue;
    }
    if (owned(r, owned_ids)) {
      p.actions.push_back({Step::delete_trigger,
                           "delete trigger " + trigger_label(r),
                           {},
                           Json(),
                           r.value("trigger_id", ""),
                           r.value("trigger_type_code", "")});
    } else {
      p.notes.push_back("trigger " + trigger_label(r) + " was not created by fstage: left alone");
    }
  }
  for (auto& a : creates) {
    p.actions.push_back(std::move(a));
  }
}

}  // namespace

std::string_view to_string(Step s) {
  switch (s) {
    case Step::create_function:
      return "create_function";
    case Step::update_code:
      return "update_code";
    case Step::update_config:
      return "update_config";
    case Step::publish_version:
      return "publish_version";
    case Step::create_alias:
      return "create_alias";
    case Step::update_alias:
      return "update_alias";
    case Step::delete_trigger:
      return "delete_trigger";
    case Step::create_trigger:
      return "create_trigger";
    case Step::update_trigger:
      return "update_trigger";
    case Step::update_reserved_instances:
      return "update_reserved_instances";
    case Step::put_async_config:
      return "put_async_config";
    case Step::delete_async_config:
      return "delete_async_config";
    case Step::delete_tags:
      return "delete_tags";
    case Step::create_tags:
      return "create_tags";
  }
  return "unknown";
}

bool dependencies_differ(const DesiredFunction& want, const Json& remote) {
  if (!want.depend_version_list) {
    return false;
  }
  std::vector<std::string> a = *want.depend_version_list;
  std::vector<std::string> b = remote_dependency_ids(remote);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a != b;
}

std::vector<Change> config_changes(const Json& want, const Json& remote) {
  std::vector<Change> out;
  const bool has_init = !normalised(want, "initializer_handler").get<std::string>().empty();
  for (const char* f : k_managed) {
    if (std::string_view(f) == "initializer_timeout" && !has_init) {
      continue;
    }
    const Json w = normalised(want, f);
    const Json r = normalised(remote, f);
    if (w != r && std::string_view(f) == "user_data" && w.is_object() && r.is_object()) {
      environment_changes(w, r, out);
    } else if (w != r) {
      out.push_back({f, show(r), show(w)});
    }
  }
  settings_config_changes(want, remote, out);
  return out;
}

Json config_update_body(const DesiredFunction& want, const Json& remote) {
  Json body = Json::object();
  for (const char* f : k_preserved) {
    if (remote.contains(f) && !remote[f].is_null()) {
      body[f] = remote[f];
    }
  }
  for (const auto& [k, v] : want.config.items()) {
    if (v.is_null()) {
      body.erase(k);  // a setting reset by leaving it out (settings.hpp)
    } else if (k != "package") {
      body[k] = v;
    }
  }
  return body;
}

Expected<Plan> make_plan(const DesiredFunction& want, const RemoteState& have,
                         const std::set<std::string>& owned_trigger_ids,
                         const PublishRequest& publish, const AliasRequest& alias) {
  Plan p;
  p.function = want.name;
  p.exists = have.config.has_value();
  const std::string size = std::to_string(want.artifact_bytes) + " bytes";
  if (!have.config) {
    Action a{Step::create_function,
             "create function (" + std::string(want.config["runtime"]) + ", " + size + ", sha512 " +
                 short_digest(want.digest) + ")",
             {},
             want.config,
             "",
             ""};
    strip_for_create(a.body);
    a.body["code_type"] = "zip";
    a.body["code_filename"] = want.name + ".zip";
    if (want.obs) {
      a.summary.insert(a.summary.size() - 1, ", through OBS bucket " + want.obs->bucket);
      a.body["code_type"] = "obs";
      a.body["code_url"] = want.obs->url();
    }
    if (want.depend_version_list && !want.depend_version_list->empty()) {
      a.body["depend_version_list"] = *want.depend_version_list;
      a.changes.push_back(dependency_change(want, Json::object()));
    }
    p.actions.push_back(std::move(a));
  } else {
    const std::string remote_digest = have.config->value("digest", "");
    const bool code = remote_digest != want.digest;
    const bool deps = dependencies_differ(want, *have.config);
    if (code || deps) {
      const std::string via = want.obs ? ", through OBS bucket " + want.obs->bucket : "";
      Action a{Step::update_code,
               code ? "update code (" + size + via + ")"
                    : "update code (same zip, " + size + via + ": the dependencies changed)",
               {},
               Json(),
               "",
               ""};
      if (code) {
        a.changes.push_back({"digest", short_digest(remote_digest), short_digest(want.digest)});
      }
      if (deps) {
        a.changes.push_back(dependency_change(want, *have.config));
      }
      p.actions.push_back(std::move(a));
    }
    if (!code) {
      p.notes.push_back("code unchanged (sha512 " + short_digest(want.digest) + ")");
    }
    auto changes = config_changes(want.config, *have.config);
    if (!changes.empty()) {
      p.actions.push_back({Step::update_config, "update configuration", std::move(changes),
                           config_update_body(want, *have.config), "", ""});
    }
  }
  std::string alias_target;
  if (publish.enabled) {
    FSTAGE_TRY(plan_publish(p, want, have, publish, alias_target));
  }
  if (alias.enabled) {
    FSTAGE_TRY(plan_alias(p, want, have, alias, alias_target));
  }
  plan_triggers(p, want, have, owned_trigger_ids);
  return p;
}

std::string render_plan(const Plan& p, bool show_values) {
  std::string out;
  if (p.empty()) {
    return p.function + ": up to date, nothing to change\n";
  }
  out += p.function + (p.exists ? ":\n" : " (new):\n");
  for (const auto& a : p.actions) {
    const char mark = a.step == Step::delete_trigger || a.step == Step::delete_tags ||
                              a.step == Step::delete_async_config
                          ? '-'
                      : a.step == Step::create_function || a.step == Step::create_trigger ||
                              a.step == Step::create_alias || a.step == Step::publish_version ||
                              a.step == Step::create_tags
                          ? '+'
                          : '~';
    out += "  " + std::string(1, mark) + " " + a.summary + "\n";
    for (const auto& c : a.changes) {
      if (c.secret && !show_values) {
        out += "      " + c.field + ": " + masked_change(c) + " (value hidden)\n";
      } else {
        out += "      " + c.field + ": " + c.from + " -> " + c.to + "\n";
      }
    }
  }
  return out;
}

Json plan_to_json(const Plan& p, bool show_values) {
  Json actions = Json::array();
  for (const auto& a : p.actions) {
    Json changes = Json::array();
    for (const auto& c : a.changes) {
      if (c.secret && !show_values) {
        changes.push_back({{"field", c.field}, {"change", masked_change(c)}, {"masked", true}});
      } else {
        changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
      }
    }
    actions.push_back(
        {{"action", std::string(to_string(a.step))}, {"summary", a.summary}, {"changes", changes}});
  }
  return {{"function", p.function}, {"exists", p.exists}, {"actions", actions}, {"notes", p.notes}};
}

}  // namespace fstage::deploy
