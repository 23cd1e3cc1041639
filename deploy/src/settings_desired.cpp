// SPDX-License-Identifier: Apache-2.0
// Manifest settings -> the API's shapes (settings.hpp), the deploy state's record of them, and
// the reset values of settings the manifest dropped.
#include <iterator>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/plan.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::deploy {

namespace {

Json plain(const OrderedJson& j) {
  return Json::parse(j.dump());
}

Json destination(const manifest::AsyncDestination& d) {
  // The API's param is a JSON string (UpdateFunctionAsyncInvokeConfig, FuncDestinationConfig).
  return {{"destination", d.destination}, {"param", d.param.dump()}};
}

std::string digest(std::string_view digest_key, const std::string& package,
                   const std::string& function, const std::string& key, const std::string& value) {
  return hmac_sha256_hex(digest_key, "fstage encrypted_user_data\n" + package + ":" + function +
                                         "\n" + key + "\n" + value);
}

}  // namespace

SettingsRecord SettingsRecord::from_json(const Json& j) {
  SettingsRecord r;
  if (!j.is_object()) {
    return r;
  }
  auto strings = [&](const char* key, std::set<std::string>& out) {
    if (j.contains(key) && j[key].is_array()) {
      for (const auto& v : j[key]) {
        if (v.is_string()) {
          out.insert(v.get<std::string>());
        }
      }
    }
  };
  strings("managed", r.managed);
  strings("tag_keys", r.tag_keys);
  if (j.contains("encrypted_user_data") && j["encrypted_user_data"].is_object()) {
    for (const auto& [k, v] : j["encrypted_user_data"].items()) {
      if (v.is_string()) {
        r.encrypted_digests[k] = v.get<std::string>();
      }
    }
  }
  return r;
}

Json SettingsRecord::to_json() const {
  Json j = Json::object();
  j["managed"] = managed;
  j["tag_keys"] = tag_keys;
  j["encrypted_user_data"] = encrypted_digests;
  return j;
}

SettingsRecord settings_record(const DesiredFunction& want) {
  SettingsRecord r;
  r.managed = want.settings.written;
  r.encrypted_digests = want.settings.encrypted_digests;
  for (const auto& [k, v] : want.settings.tags) {
    r.tag_keys.insert(k);
  }
  return r;
}

void add_desired_settings(const manifest::Function& fn, const std::string& package,
                          std::string_view digest_key, DesiredFunction& d) {
  const manifest::FunctionSettings& s = fn.settings;
  DesiredSettings& out = d.settings;
  Json& c = d.config;
  if (s.func_vpc) {
    c["func_vpc"] = plain(*s.func_vpc);
    out.written.insert("func_vpc");
  }
  if (s.xrole) {
    c["xrole"] = *s.xrole;
    out.written.insert("xrole");
  }
  if (s.strategy_config) {
    c["strategy_config"] = plain(*s.strategy_config);
    out.written.insert("strategy_config");
  }
  if (!s.pre_stop_handler.empty()) {
    c["pre_stop_handler"] = s.pre_stop_handler;
    c["pre_stop_timeout"] = s.pre_stop_timeout;
    out.written.insert("pre_stop");
  }
  if (s.log_config) {
    c["log_config"] = plain(*s.log_config);
    out.written.insert("log_config");
  }
  if (s.encrypted_env) {
    Json env = Json::object();
    for (const auto& [k, v] : *s.encrypted_env) {
      env[k] = v;
      out.encrypted_digests[k] = digest(digest_key, package, fn.name, k, v);
    }
    c["encrypted_user_data"] = env.empty() ? std::string() : env.dump();
    out.written.insert("encrypted_user_data");
  }
  if (s.reserved_instances_written) {
    out.reserved_instances = fn.reserved_instances;
    out.written.insert("reserved_instances");
  }
  if (fn.async_invoke) {
    const manifest::AsyncInvokeConfig& a = *fn.async_invoke;
    Json body = Json::object();
    body["max_async_event_age_in_seconds"] = a.max_async_event_age_in_seconds;
    body["max_async_retry_attempts"] = a.max_async_retry_attempts;
    body["enable_async_status_log"] = a.enable_async_status_log;
    Json dc = Json::object();
    if (a.on_success) {
      dc["on_success"] = destination(*a.on_success);
    }
    if (a.on_failure) {
      dc["on_failure"] = destination(*a.on_failure);
    }
    body["destination_config"] = std::move(dc);
    out.async_invoke = std::move(body);
    out.written.insert("async_invoke");
  }
  if (s.tags) {
    for (const auto& [k, v] : *s.tags) {
      out.tags[k] = v;
    }
    out.written.insert("tags");
  }
}

void resolve_destinations(Json& async_body,
                          const std::function<std::string(const std::string&)>& urn_of) {
  if (!async_body.is_object() || !async_body.contains("destination_config")) {
    return;
  }
  for (auto& [which, d] : async_body["destination_config"].items()) {
    if (!d.is_object() || d.value("destination", "") != "FunctionGraph") {
      continue;
    }
    auto param = parse_json(d.value("param", "{}"), "param");
    if (!param || !param->is_object()) {
      continue;
    }
    const std::string target = param->value("func_urn", "");
    if (!target.empty() && !starts_with(target, "urn:")) {
      (*param)["func_urn"] = urn_of(target);
      d["param"] = param->dump();
    }
  }
}

DesiredFunction with_resets(const DesiredFunction& want, const SettingsRecord& record) {
  DesiredFunction w = want;
  auto dropped = [&](const char* name) {
    return record.managed.contains(name) && !want.settings.written.contains(name);
  };
  if (dropped("func_vpc")) {
    w.config["func_vpc"] = nullptr;
  }
  if (dropped("xrole")) {
    w.config["xrole"] = "";
  }
  if (dropped("strategy_config")) {
    w.config["strategy_config"] = {{"concurrency", -1}, {"concurrent_num", 1}};
  }
  if (dropped("pre_stop")) {
    w.config["pre_stop_handler"] = "";
    w.config["pre_stop_timeout"] = nullptr;
  }
  if (dropped("encrypted_user_data")) {
    w.config["encrypted_user_data"] = "";
  }
  return w;
}

void strip_for_create(Json& body) {
  body.erase("strategy_config");
  for (auto it = body.begin(); it != body.end();) {
    it = it->is_null() ? body.erase(it) : std::next(it);
  }
}

}  // namespace fstage::deploy
