// SPDX-License-Identifier: Apache-2.0
#include <fstage/deploy/deploy.hpp>

namespace fstage::deploy {

namespace {

struct Executor {
  Api& api;
  const DesiredFunction& want;
  DeployState& state;
  DeployOutcome& out;
  std::set<std::string> known_versions;

  std::string urn() const { return api.urn(want.name, ""); }

  const std::function<Expected<void>(const DesiredFunction&)>& upload;
  bool uploaded = false;

  // Code through OBS: the object first (once per deploy), then the API is pointed at it.
  Expected<void> ensure_object() {
    if (!want.obs || uploaded) {
      return {};
    }
    if (!upload) {
      return fail(ErrorCode::internal, want.name + ": code through OBS without an uploader");
    }
    FSTAGE_TRY(upload(want));
    uploaded = true;
    return {};
  }

  Expected<void> update_code() {
    FSTAGE_TRY(ensure_object());
    FSTAGE_TRY(api.update_code(want.name, want.artifact, want.depend_version_list,
                               want.obs ? want.obs->url() : std::string()));
    return {};
  }

  Expected<void> create_function(const Action& a) {
    FSTAGE_TRY(ensure_object());
    Json remote = FSTAGE_TRY(api.create_function(a.body, want.artifact));
    // The function may have existed after all (created by a lost earlier attempt, or by
    // someone else meanwhile): converge it like any existing one.
    if (remote.value("digest", "") != want.digest || dependencies_differ(want, remote)) {
      FSTAGE_TRY(update_code());
    }
    if (!config_changes(want.config, remote).empty()) {
      FSTAGE_TRY(api.update_config(want.name, config_update_body(want, remote)));
    }
    return {};
  }

  Expected<void> alias(const Action& a) {
    Json body = a.body;
    if (body.value("version", "") == k_published_now) {
      body["version"] = out.published_version;
    }
    const std::string name = body.value("name", "");
    if (a.step == Step::update_alias) {
      FSTAGE_TRY(api.update_alias(want.name, name, body));
      return {};
    }
    Json got = FSTAGE_TRY(api.create_alias(want.name, body));
    if (got.value("version", "") != body["version"] ||
        got.value("additional_version_weights", Json::object()) !=
            body["additional_version_weights"]) {
      FSTAGE_TRY(api.update_alias(want.name, name, body));
    }
    return {};
  }

  Expected<void> run(const Action& a) {
    switch (a.step) {
      case Step::create_function:
        return create_function(a);
      case Step::update_code:
        return update_code();
      case Step::update_config:
        FSTAGE_TRY(api.update_config(want.name, a.body));
        return {};
      case Step::publish_version: {
        Json v = FSTAGE_TRY(api.publish_version(want.name, a.body.value("version", ""), want.digest,
                                                known_versions));
        out.published_version = v.value("version", "");
        return {};
      }
      case Step::create_alias:
      case Step::update_alias:
        return alias(a);
      case Step::delete_trigger:
        FSTAGE_TRY(api.delete_trigger(want.name, a.trigger_type, a.trigger_id));
        state.remove_trigger(urn(), a.trigger_id);
        return state.save();
      case Step::create_trigger: {
        Json t = FSTAGE_TRY(api.create_trigger(want.name, a.body));
        state.add_trigger(urn(), t.value("trigger_id", ""));
        return state.save();
      }
      case Step::update_trigger:
        FSTAGE_TRY(api.update_trigger(want.name, a.trigger_type, a.trigger_id, a.body));
        return {};
      case Step::update_reserved_instances:
        FSTAGE_TRY(api.update_reserved_instances(want.name, a.body));
        return {};
      case Step::put_async_config:
        FSTAGE_TRY(api.put_async_config(want.name, a.body));
        return {};
      case Step::delete_async_config:
        return api.delete_async_config(want.name);
      case Step::delete_tags:
        return api.delete_tags(want.name, a.body);
      case Step::create_tags:
        return api.create_tags(want.name, a.body);
    }
    return {};
  }
};

}  // namespace

Expected<RemoteState> read_remote(Api& api, const DesiredFunction& want, const DeployRequest& req) {
  RemoteState r;
  r.config = FSTAGE_TRY(api.get_function(want.name));
  if (!r.config) {
    return r;
  }
  r.triggers = FSTAGE_TRY(api.list_triggers(want.name));
  if (req.publish.enabled || req.alias.enabled) {
    r.versions = FSTAGE_TRY(api.list_versions(want.name));
  }
  if (req.alias.enabled) {
    r.alias = FSTAGE_TRY(api.get_alias(want.name, req.alias.name));
  }
  return r;
}

Expected<DeployOutcome> plan_function(Api& api, const DesiredFunction& want,
                                      const DeployState& state, const DeployRequest& req) {
  RemoteState remote = FSTAGE_TRY(read_remote(api, want, req));
  DeployOutcome out;
  // Settings the manifest dropped are reset; async destinations name functions by URN.
  const SettingsRecord record = SettingsRecord::from_json(state.settings(api.urn(want.name, "")));
  DesiredFunction w = with_resets(want, record);
  resolve_destinations(w.settings.async_invoke,
                       [&](const std::string& n) { return api.urn(n, "latest"); });
  const RemoteSettings settings =
      FSTAGE_TRY(read_remote_settings(api, w, record, remote.config.has_value()));
  out.plan = FSTAGE_TRY(
      make_plan(w, remote, state.triggers(api.urn(want.name, "")), req.publish, req.alias));
  plan_settings(out.plan, w, remote.config, settings, record);
  for (const auto& v : remote.versions) {
    out.known_versions.insert(v.value("version", ""));
  }
  return out;
}

Expected<void> apply_function(Api& api, const DesiredFunction& want, DeployState& state,
                              const DeployRequest& req, DeployOutcome& out,
                              const std::function<void(const Action&)>& on_step) {
  if (req.dry_run) {
    return {};
  }
  for (const auto& id : want.depend_version_list.value_or(std::vector<std::string>{})) {
    if (id.find(k_new_dependency_version) != std::string::npos) {
      return fail(ErrorCode::internal,
                  want.name + ": dependency " + id + " was planned by a dry run, not uploaded");
    }
  }
  // The settings record: what the manifest writes now joins what fstage managed before it
  // is applied (a reset stays possible after a failure), and replaces it once all is applied.
  const std::string function_urn = api.urn(want.name, "");
  const Json recorded = state.settings(function_urn);
  SettingsRecord merged = SettingsRecord::from_json(recorded);
  const SettingsRecord now = settings_record(want);
  merged.managed.insert(now.managed.begin(), now.managed.end());
  merged.tag_keys.insert(now.tag_keys.begin(), now.tag_keys.end());
  if (!merged.managed.empty() && merged.to_json() != recorded) {
    state.set_settings(function_urn, merged.to_json());
    FSTAGE_TRY(state.save());
  }
  Executor ex{api, want, state, out, out.known_versions, req.upload_to_obs};
  for (const auto& a : out.plan.actions) {
    if (on_step) {
      on_step(a);
    }
    auto r = ex.run(a);
    if (!r) {
      Error e = std::move(r).error();
      return fail(std::move(e).with_context("while deploying " + want.name + ": " + a.summary));
    }
  }
  out.applied = !out.plan.empty();
  if (!merged.managed.empty() && now.to_json() != state.settings(function_urn)) {
    state.set_settings(function_urn, now.to_json());
    FSTAGE_TRY(state.save());
  }
  return {};
}

}  // namespace fstage::deploy
