// SPDX-License-Identifier: Apache-2.0
// The settings part of a plan (settings.hpp): the configuration fields compared one by one, and
// the reserved instance, async configuration and tag actions, each only when it differs.
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/plan.hpp>

namespace fstage::deploy {

namespace {

std::string show(const Json& v) {
  if (v.is_null() || (v.is_string() && v.get<std::string>().empty()) ||
      (v.is_object() && v.empty())) {
    return "(none)";
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

const Json& field(const Json& j, const char* key) {
  static const Json null;
  return j.is_object() && j.contains(key) ? j[key] : null;
}

// The remote VPC, null when there is none (absent, null, or without a vpc_id).
Json remote_vpc(const Json& remote) {
  const Json& v = field(remote, "func_vpc");
  return v.is_object() && !v.value("vpc_id", "").empty() ? v : Json();
}

// The remote log group and stream: log_config, else the model's log_group_id/log_stream_id.
std::string remote_log(const Json& remote, const char* key, const char* model_key) {
  const Json& lc = field(remote, "log_config");
  if (lc.is_object() && lc.contains(key) && lc[key].is_string()) {
    return lc[key].get<std::string>();
  }
  const Json& v = field(remote, model_key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// An async configuration in comparable form: destinations with their param as an object.
Json async_normal(const Json& a) {
  Json out = {{"max_async_event_age_in_seconds", a.value("max_async_event_age_in_seconds", 3600)},
              {"max_async_retry_attempts", a.value("max_async_retry_attempts", 1)},
              {"enable_async_status_log", a.value("enable_async_status_log", false)}};
  const Json& dc = field(a, "destination_config");
  for (const char* which : {"on_success", "on_failure"}) {
    const Json& d = field(dc, which);
    if (!d.is_object() || d.value("destination", "").empty()) {
      out[which] = nullptr;
      continue;
    }
    Json param = field(d, "param");
    if (param.is_string()) {
      auto parsed = parse_json(param.get<std::string>(), "param");
      param = parsed ? *parsed : param;
    }
    out[which] = {{"destination", d["destination"]}, {"param", param}};
  }
  return out;
}

std::string tag_list(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : tags) {
    parts.push_back(k + "=" + v);
  }
  return join(parts, ", ");
}

Json tag_body(const std::vector<std::pair<std::string, std::string>>& tags, const char* action) {
  Json list = Json::array();
  for (const auto& [k, v] : tags) {
    list.push_back({{"key", k}, {"value", v}});
  }
  return {{"tags", list}, {"action", action}};
}

// Where a settings action goes: after the function exists and its configuration is updated.
std::size_t after_config(const Plan& p) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    const Step s = p.actions[i].step;
    if (s == Step::create_function || s == Step::update_code || s == Step::update_config) {
      at = i + 1;
    }
  }
  return at;
}

void plan_encrypted(Plan& p, const DesiredFunction& want, const std::optional<Json>& remote_config,
                    const SettingsRecord& record) {
  const bool written = want.settings.written.contains("encrypted_user_data");
  if (!written && !record.managed.contains("encrypted_user_data")) {
    return;
  }
  const auto& now = want.settings.encrypted_digests;  // empty when dropped: all removed
  const auto& before = record.encrypted_digests;
  std::vector<Change> changes;
  const std::string hidden = "(encrypted)";
  for (const auto& [k, d] : before) {
    if (!now.contains(k)) {
      changes.push_back({"encrypted_user_data." + k, hidden, "(none)", true});
    } else if (now.at(k) != d) {
      changes.push_back({"encrypted_user_data." + k, hidden, hidden, true});
    }
  }
  for (const auto& [k, d] : now) {
    if (!before.contains(k)) {
      changes.push_back({"encrypted_user_data." + k, "(none)", hidden, true});
    }
  }
  if (changes.empty()) {
    return;
  }
  p.notes.push_back(
      "encrypted_user_data compared through the keyed digests kept in the deploy state: the "
      "API does not return encrypted values");
  auto it = std::find_if(p.actions.begin(), p.actions.end(), [](const Action& a) {
    return a.step == Step::update_config || a.step == Step::create_function;
  });
  if (it != p.actions.end()) {
    it->changes.insert(it->changes.end(), changes.begin(), changes.end());
    return;
  }
  if (!remote_config) {
    return;  // created with it
  }
  Action a{Step::update_config,
           "update configuration",
           std::move(changes),
           config_update_body(want, *remote_config),
           "",
           ""};
  p.actions.insert(p.actions.begin() + static_cast<std::ptrdiff_t>(after_config(p)), std::move(a));
}

void plan_reserved(Plan& p, const DesiredFunction& want, const std::optional<Json>& remote_config,
                   const SettingsRecord& record) {
  const bool written = want.settings.written.contains("reserved_instances");
  if (!written && !record.managed.contains("reserved_instances")) {
    return;
  }
  const int to = written ? want.settings.reserved_instances : 0;
  const Json& r = remote_config ? field(*remote_config, "reserved_instance_count") : Json();
  const int from = r.is_number_integer() ? r.get<int>() : 0;
  if (to == from) {
    return;
  }
  Action a{Step::update_reserved_instances,
           "set reserved instances to " + std::to_string(to),
           {{"reserved_instances", std::to_string(from), std::to_string(to)}},
           {{"count", to}},
           "",
           ""};
  // Fewer reserved instances first, so a lower concurrency in the same deploy is not refused.
  std::size_t at = after_config(p);
  if (to < from) {
    auto it = std::find_if(p.actions.begin(), p.actions.end(),
                           [](const Action& x) { return x.step == Step::update_config; });
    if (it != p.actions.end()) {
      at = static_cast<std::size_t>(it - p.actions.begin());
    }
  }
  p.actions.insert(p.actions.begin() + static_cast<std::ptrdiff_t>(at), std::move(a));
}

void plan_async(Plan& p, const DesiredFunction& want, const RemoteSettings& remote,
                const SettingsRecord& record) {
  const bool written = want.settings.written.contains("async_invoke");
  if (!written) {
    if (record.managed.contains("async_invoke") && remote.async_invoke) {
      p.actions.push_back({Step::delete_async_config,
                           "delete async configuration (back to the platform's defaults: 1 "
                           "retry, 3600 s, no destinations)",
                           {},
                           Json(),
                           "",
                           ""});
    }
    return;
  }
  const Json w = async_normal(want.settings.async_invoke);
  const Json r = remote.async_invoke ? async_normal(*remote.async_invoke) : Json();
  if (w == r) {
    return;
  }
  Action a{
      Step::put_async_config, "set async configuration", {}, want.settings.async_invoke, "", ""};
  for (const auto& [k, v] : w.items()) {
    const Json from = r.is_object() ? r[k] : Json();
    if (from != v) {
      a.changes.push_back({k, show(from), show(v)});
    }
  }
  p.actions.push_back(std::move(a));
}

void plan_tags(Plan& p, const DesiredFunction& want, const RemoteSettings& remote,
               const SettingsRecord& record) {
  const bool written = want.settings.written.contains("tags");
  if (!written && !record.managed.contains("tags")) {
    return;
  }
  const auto& desired = want.settings.tags;  // empty when dropped
  const std::map<std::string, std::string> have =
      remote.tags.value_or(std::map<std::string, std::string>{});
  std::vector<std::pair<std::string, std::string>> removes;
  std::vector<std::pair<std::string, std::string>> adds;
  for (const auto& [k, v] : have) {
    auto it = desired.find(k);
    if (it != desired.end() ? it->second != v : record.tag_keys.contains(k)) {
      removes.emplace_back(k, v);
    } else if (it == desired.end()) {
      p.notes.push_back("tag " + k + " was not set by fstage: left alone");
    }
  }
  for (const auto& [k, v] : desired) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) {
      adds.emplace_back(k, v);
    }
  }
  // A changed value is the old tag deleted and the new one created (CreateTags adds).
  if (!removes.empty()) {
    p.actions.push_back({Step::delete_tags,
                         "remove tags " + tag_list(removes),
                         {},
                         tag_body(removes, "delete"),
                         "",
                         ""});
  }
  if (!adds.empty()) {
    p.actions.push_back(
        {Step::create_tags, "add tags " + tag_list(adds), {}, tag_body(adds, "create"), "", ""});
  }
}

}  // namespace

void settings_config_changes(const Json& want, const Json& remote, std::vector<Change>& out) {
  if (want.contains("xrole")) {
    const Json& r = field(remote, "xrole");
    const std::string from = r.is_string() ? r.get<std::string>() : "";
    if (from != want["xrole"].get<std::string>()) {
      out.push_back({"xrole", show(from), show(want["xrole"])});
    }
  }
  if (want.contains("func_vpc")) {
    const Json& w = want["func_vpc"];
    const Json r = remote_vpc(remote);
    bool differs = w.is_null() != r.is_null();
    if (!differs && w.is_object()) {
      for (const auto& [k, v] : w.items()) {
        differs = differs || !r.contains(k) || r[k] != v;
      }
    }
    if (differs) {
      out.push_back({"func_vpc", show(r), show(w)});
    }
  }
  if (want.contains("strategy_config")) {
    Json r = {{"concurrency", -1}, {"concurrent_num", 1}};
    if (const Json& sc = field(remote, "strategy_config"); sc.is_object()) {
      for (const auto& [k, v] : sc.items()) {
        r[k] = v;
      }
    }
    for (const auto& [k, v] : want["strategy_config"].items()) {
      if (r[k] != v) {
        out.push_back({"strategy_config." + k, show(r[k]), show(v)});
      }
    }
  }
  if (want.contains("pre_stop_handler")) {
    const Json& r = field(remote, "pre_stop_handler");
    const std::string from = r.is_string() ? r.get<std::string>() : "";
    const std::string to = want["pre_stop_handler"].get<std::string>();
    if (from != to) {
      out.push_back({"pre_stop_handler", show(from), show(to)});
    }
    const Json& rt = field(remote, "pre_stop_timeout");
    const Json& wt = field(want, "pre_stop_timeout");
    if (!to.empty() && wt.is_number_integer() &&
        (!rt.is_number_integer() || rt.get<int>() != wt.get<int>())) {
      out.push_back({"pre_stop_timeout", show(rt), show(wt)});
    }
  }
  if (want.contains("log_config") && want["log_config"].is_object()) {
    const Json& w = want["log_config"];
    const std::pair<const char*, const char*> ids[] = {{"group_id", "log_group_id"},
                                                       {"stream_id", "log_stream_id"}};
    for (const auto& [key, model_key] : ids) {
      const std::string from = remote_log(remote, key, model_key);
      if (from != w.value(key, "")) {
        out.push_back({std::string("log_config.") + key, show(from), w.value(key, "")});
      }
    }
  }
}

void plan_settings(Plan& p, const DesiredFunction& want, const std::optional<Json>& remote_config,
                   const RemoteSettings& remote, const SettingsRecord& record) {
  plan_encrypted(p, want, remote_config, record);
  plan_reserved(p, want, remote_config, record);
  plan_async(p, want, remote, record);
  plan_tags(p, want, remote, record);
  if (record.managed.contains("log_config") && !want.settings.written.contains("log_config")) {
    p.notes.push_back(
        "log_config left out of the manifest: the function keeps its LTS group and stream (the "
        "platform has no function without one)");
  }
}

}  // namespace fstage::deploy
