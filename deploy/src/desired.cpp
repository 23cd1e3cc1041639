// SPDX-License-Identifier: Apache-2.0
// Manifest -> the API's shapes: function configuration and trigger event_data.
#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/plan.hpp>

namespace fstage::deploy {

namespace {

// A manifest field copied under the API's name when present.
void copy(const OrderedJson& from, const char* key, Json& to, const char* api_key = nullptr) {
  if (from.contains(key)) {
    to[api_key ? api_key : key] = Json::parse(from[key].dump());
  }
}

std::string text_of(const OrderedJson& f, const char* key) {
  return f.contains(key) && f[key].is_string() ? f[key].get<std::string>() : std::string();
}

// Types whose event_data carries a name: fstage names them "fstage_<hash>" so they are
// recognisable as its own even without the deploy state file.
bool has_name(std::string_view type) {
  return type == "TIMER" || type == "APIG" || type == "OBS" || type == "CTS";
}

}  // namespace

Expected<DesiredTrigger> desired_trigger(const manifest::Trigger& t) {
  const OrderedJson& f = t.fields;
  DesiredTrigger d;
  d.type = t.type;
  Json e = Json::object();
  if (t.type == "TIMER") {
    copy(f, "schedule_type", e);
    copy(f, "schedule", e);
    copy(f, "user_event", e);
    if (f.contains("enabled") && f["enabled"].is_boolean() && !f["enabled"].get<bool>()) {
      d.status = "DISABLED";
    }
    d.label = "TIMER " + text_of(f, "schedule_type") + " " + text_of(f, "schedule");
  } else if (t.type == "APIG") {
    // The API-gateway fields fstage fixes: a shared-gateway HTTPS API in the RELEASE stage.
    copy(f, "path", e);
    copy(f, "method", e, "req_method");
    copy(f, "auth", e);
    copy(f, "group_id", e);
    copy(f, "instance_id", e);
    e["protocol"] = "HTTPS";
    e["match_mode"] = "NORMAL";
    e["backend_type"] = "FUNCTION";
    e["env_name"] = "RELEASE";
    e["env_id"] = "DEFAULT_ENVIRONMENT_RELEASE_ID";
    e["type"] = 1;
    e["func_info"] = {{"timeout", f.contains("timeout") ? f["timeout"].get<int>() : 5000}};
    d.label = "APIG " + text_of(f, "method") + " " + text_of(f, "path");
  } else if (t.type == "SMN") {
    copy(f, "topic_urn", e);
    d.label = "SMN " + text_of(f, "topic_urn");
  } else if (t.type == "OBS") {
    if (text_of(f, "bucket").size() < 3) {
      return fail(ErrorCode::invalid_input,
                  "OBS bucket " + quote(text_of(f, "bucket")) +
                      " is shorter than OBS allows (3-63 characters)",
                  "short names are local buckets of fstage serve only; name a real bucket");
    }
    copy(f, "bucket", e);
    copy(f, "events", e);
    copy(f, "prefix", e);
    copy(f, "suffix", e);
    d.label = "OBS " + text_of(f, "bucket");
  } else if (t.type == "DIS") {
    copy(f, "stream_name", e);
    copy(f, "starting_position", e, "sharditerator_type");
    copy(f, "batch_size", e);
    copy(f, "polling_interval", e);
    d.label = "DIS " + text_of(f, "stream_name");
  } else if (t.type == "KAFKA") {
    copy(f, "instance_id", e);
    if (f.contains("topic")) {
      e["topic_ids"] = Json::array({text_of(f, "topic")});
    }
    copy(f, "batch_size", e);
    d.label = "KAFKA " + text_of(f, "topic");
  } else if (t.type == "LTS") {
    copy(f, "log_group_id", e);
    copy(f, "log_topic_id", e);
    d.label = "LTS " + text_of(f, "log_group_id");
  } else if (t.type == "CTS") {
    copy(f, "operations", e);
    d.label = "CTS";
  } else if (t.type == "DDS") {
    copy(f, "instance_id", e);
    copy(f, "db_name", e);
    copy(f, "collection", e, "collection_name");
    copy(f, "batch_size", e);
    d.label = "DDS " + text_of(f, "collection");
  } else if (t.type == "ROCKETMQ") {
    // The API's event_data for a DMS for RocketMQ trigger is not in the documents fstage
    // checks against (PLATFORM.md §3): refuse rather than guess its field names.
    return fail(ErrorCode::invalid_input,
                "ROCKETMQ triggers are served locally (fstage serve) but cannot be deployed by "
                "fstage yet: the API's event_data for them is not documented",
                "create the RocketMQ trigger in the FunctionGraph console, and leave it out of "
                "the manifest you deploy");
  } else {
    return fail(ErrorCode::invalid_input,
                "trigger type " + t.type + " cannot be deployed by fstage");
  }
  if (has_name(t.type)) {
    // The name is a hash of the content: a changed trigger is a new trigger.
    e["name"] = std::string(k_trigger_name_prefix) + sha256_hex(t.type + e.dump()).substr(0, 10);
    d.label += " (" + e["name"].get<std::string>() + ")";
  }
  d.event_data = std::move(e);
  return d;
}

Expected<DesiredFunction> desired_function(const manifest::Manifest& m,
                                           const manifest::Function& fn,
                                           const std::filesystem::path& artifact,
                                           const std::string& digest, std::uint64_t bytes,
                                           std::string_view digest_key) {
  DesiredFunction d;
  // The name on the platform: the stage's (name + name_suffix).
  d.name = fn.deploy_name.empty() ? fn.name : fn.deploy_name;
  d.digest = digest;
  d.artifact = artifact;
  d.artifact_bytes = bytes;
  Json env = Json::object();
  for (const auto& [k, v] : fn.env) {
    env[k] = v;
  }
  Json c = Json::object();
  c["func_name"] = d.name;
  c["package"] = m.package;
  c["runtime"] = std::string(fn.runtime.name);
  c["handler"] = fn.handler;
  c["memory_size"] = fn.memory;
  c["timeout"] = fn.timeout;
  c["user_data"] = env.empty() ? std::string() : env.dump();
  c["description"] = fn.description;
  c["initializer_handler"] = fn.initializer;
  c["initializer_timeout"] = fn.initializer.empty() ? 0 : fn.initializer_timeout;
  d.config = std::move(c);
  add_desired_settings(fn, m.package, digest_key, d);  // func_vpc, xrole, tags, ... (settings.hpp)
  for (const auto& t : fn.triggers) {
    d.triggers.push_back(FSTAGE_TRY(desired_trigger(t)));
  }
  return d;
}

}  // namespace fstage::deploy
