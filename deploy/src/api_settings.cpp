// SPDX-License-Identifier: Apache-2.0
// The settings with APIs of their own (settings.hpp says which field goes where):
//   PUT    …/fgs/functions/{urn}/reservedinstances {count}   UpdateFunctionReservedInstancesCount
//          (support.huaweicloud.com/api-functiongraph/functiongraph_06_0112_1.html)
//   GET/PUT/DELETE …/fgs/functions/{urn}/async-invoke-config  (PLATFORM.md §4.2)
//   GET    /v2/{project}/functions/{urn}/tags;  POST …/tags/create;  DELETE …/tags/delete
//          (ShowResInstanceInfo/CreateTags/DeleteTags, api-functiongraph functiongraph_06_1023,
//          _1024, functiongraph_23_1031_01: resource_type "functions", resource_id the URN)
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/plan.hpp>

namespace fstage::deploy {

Expected<Json> Api::update_reserved_instances(const std::string& name, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/functions/" + urn(name) + "/reservedinstances");
  c.body = text;
  return call(c);
}

Expected<std::optional<Json>> Api::get_async_config(const std::string& name) {
  Call c;
  c.path = fgs("/functions/" + urn(name) + "/async-invoke-config");
  return call_or_none(c);
}

Expected<Json> Api::put_async_config(const std::string& name, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/functions/" + urn(name) + "/async-invoke-config");
  c.body = text;
  return call(c);
}

Expected<void> Api::delete_async_config(const std::string& name) {
  Call c;
  c.method = "DELETE";
  c.path = fgs("/functions/" + urn(name) + "/async-invoke-config");
  auto r = call(c);
  if (!r && r.error().code != ErrorCode::not_found) {
    return fail(std::move(r).error());
  }
  return {};
}

namespace {

std::string tags_path(const std::string& project, const std::string& function_urn) {
  return "/v2/" + project + "/functions/" + function_urn + "/tags";
}

}  // namespace

Expected<Json> Api::list_tags(const std::string& name) {
  Call c;
  c.path = tags_path(m_target.project_id, urn(name, ""));
  Json j = FSTAGE_TRY(call(c));
  return j.is_object() ? j : Json::object();
}

Expected<void> Api::create_tags(const std::string& name, const Json& body) {
  return tags_call(name, "POST", "/create", body);
}

Expected<void> Api::delete_tags(const std::string& name, const Json& body) {
  return tags_call(name, "DELETE", "/delete", body);
}

Expected<void> Api::tags_call(const std::string& name, const char* method, const char* action,
                              const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = method;
  c.path = tags_path(m_target.project_id, urn(name, "")) + action;
  c.body = text;
  FSTAGE_TRY(call(c));
  return {};
}

Expected<RemoteSettings> read_remote_settings(Api& api, const DesiredFunction& want,
                                              const SettingsRecord& record, bool exists) {
  RemoteSettings r;
  if (!exists) {
    return r;
  }
  auto involved = [&](const char* name) {
    return want.settings.written.contains(name) || record.managed.contains(name);
  };
  if (involved("async_invoke")) {
    r.async_invoke = FSTAGE_TRY(api.get_async_config(want.name));
  }
  if (involved("tags")) {
    Json j = FSTAGE_TRY(api.list_tags(want.name));
    std::map<std::string, std::string> tags;
    if (j.contains("tags") && j["tags"].is_array()) {
      for (const auto& t : j["tags"]) {
        if (t.is_object() && t.contains("key") && t["key"].is_string()) {
          const Json v = t.value("value", Json(""));
          tags[t["key"].get<std::string>()] = v.is_string() ? v.get<std::string>() : v.dump();
        }
      }
    }
    r.tags = std::move(tags);
  }
  return r;
}

}  // namespace fstage::deploy
