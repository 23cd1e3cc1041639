// SPDX-License-Identifier: Apache-2.0
// Versions, aliases, triggers, invocation and logs.
#include <fstage/base/strings.hpp>
#include <fstage/deploy/api.hpp>
#include <fstage/deploy/crypto.hpp>

namespace fstage::deploy {

namespace {

std::vector<Json> as_list(const Json& j, const char* key) {
  const Json& arr = j.is_array() ? j : (j.contains(key) ? j[key] : Json::array());
  std::vector<Json> out;
  if (arr.is_array()) {
    out.assign(arr.begin(), arr.end());
  }
  return out;
}

}  // namespace

Expected<std::vector<Json>> Api::list_versions(const std::string& name) {
  std::vector<Json> out;
  long long marker = 0;
  while (true) {
    Call c;
    c.path = fgs("/functions/" + urn(name) + "/versions");
    c.query = {{"marker", std::to_string(marker)}, {"maxitems", "400"}};
    Json j = FSTAGE_TRY(call(c));
    auto page = as_list(j, "versions");
    out.insert(out.end(), page.begin(), page.end());
    const long long next = j.value("next_marker", 0LL);
    if (page.empty() || next <= marker || next >= j.value("count", 0LL)) {
      break;
    }
    marker = next;
  }
  return out;
}

Expected<Json> Api::publish_version(const std::string& name, const std::string& version,
                                    const std::string& digest, const std::set<std::string>& known) {
  Json body = Json::object();
  if (!version.empty()) {
    body["version"] = version;
  }
  body["description"] = "published by fstage";
  body["digest"] = digest;
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.path = fgs("/functions/" + urn(name) + "/versions");
  c.body = text;
  c.retry_safe = false;
  return create(c, [&]() -> Expected<std::optional<Json>> {
    auto versions = FSTAGE_TRY(list_versions(name));
    for (auto& v : versions) {
      const std::string vname = v.value("version", "");
      if (vname == "latest" || known.contains(vname)) {
        continue;
      }
      if (version.empty() ? v.value("digest", "") == digest : vname == version) {
        return std::optional<Json>(std::move(v));
      }
    }
    return std::optional<Json>();
  });
}

Expected<std::vector<Json>> Api::list_aliases(const std::string& name) {
  Call c;
  c.path = fgs("/functions/" + urn(name) + "/aliases");
  Json j = FSTAGE_TRY(call(c));
  return as_list(j, "aliases");
}

Expected<std::optional<Json>> Api::get_alias(const std::string& name, const std::string& alias) {
  Call c;
  c.path = fgs("/functions/" + urn(name) + "/aliases/" + alias);
  return call_or_none(c);
}

Expected<Json> Api::create_alias(const std::string& name, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.path = fgs("/functions/" + urn(name) + "/aliases");
  c.body = text;
  c.retry_safe = false;
  const std::string alias = body.value("name", "");
  return create(c, [&]() { return get_alias(name, alias); });
}

Expected<Json> Api::update_alias(const std::string& name, const std::string& alias,
                                 const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/functions/" + urn(name) + "/aliases/" + alias);
  c.body = text;
  return call(c);
}

Expected<std::vector<Json>> Api::list_triggers(const std::string& name) {
  Call c;
  c.path = fgs("/triggers/" + urn(name));
  Json j = FSTAGE_TRY(call(c));
  return as_list(j, "triggers");
}

Expected<Json> Api::create_trigger(const std::string& name, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.path = fgs("/triggers/" + urn(name));
  c.body = text;
  c.retry_safe = false;
  return create(c, [&]() -> Expected<std::optional<Json>> {
    auto triggers = FSTAGE_TRY(list_triggers(name));
    for (auto& t : triggers) {
      if (t.value("trigger_type_code", "") == body.value("trigger_type_code", "") &&
          t.contains("event_data") && t["event_data"] == body["event_data"]) {
        return std::optional<Json>(std::move(t));
      }
    }
    return std::optional<Json>();
  });
}

Expected<Json> Api::update_trigger(const std::string& name, const std::string& type,
                                   const std::string& id, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/triggers/" + urn(name) + "/" + type + "/" + id);
  c.body = text;
  return call(c);
}

Expected<void> Api::delete_trigger(const std::string& name, const std::string& type,
                                   const std::string& id) {
  Call c;
  c.method = "DELETE";
  c.path = fgs("/triggers/" + urn(name) + "/" + type + "/" + id);
  HttpResponse r = FSTAGE_TRY(raw(c));
  if ((r.status >= 200 && r.status < 300) || r.status == 404) {
    return {};
  }
  return fail(api_error(r, "DELETE " + c.path, m_creds));
}

Expected<InvokeResult> Api::invoke(const std::string& name, const std::string& qualifier,
                                   const std::string& event, bool async, int timeout_seconds) {
  Call c;
  c.method = "POST";
  c.path =
      fgs("/functions/" + urn(name, qualifier) + (async ? "/invocations-async" : "/invocations"));
  c.body = event;
  c.retry_safe = false;  // an invocation has effects; never repeat one that may have run
  c.timeout_seconds = timeout_seconds;
  if (!async) {
    c.headers = {{"X-Cff-Log-Type", "tail"}, {"X-CFF-Request-Version", "v1"}};
  }
  HttpResponse r = FSTAGE_TRY(raw(c));
  if (r.status < 200 || r.status >= 300) {
    return fail(api_error(r, "POST " + c.path, m_creds));
  }
  InvokeResult out;
  out.status = r.status;
  auto j = parse_json(r.body, "invoke response");
  if (j && j->is_object()) {
    out.request_id = j->value("request_id", "");
    if (j->contains("result")) {
      out.result =
          (*j)["result"].is_string() ? (*j)["result"].get<std::string>() : (*j)["result"].dump();
    }
    out.log = j->value("log", "");
  }
  if (out.log.empty()) {
    if (auto it = r.headers.find("x-cff-function-log"); it != r.headers.end()) {
      out.log = base64_decode(it->second).value_or("");
    }
  }
  if (auto it = r.headers.find("x-cff-request-id");
      out.request_id.empty() && it != r.headers.end()) {
    out.request_id = it->second;
  }
  if (auto it = r.headers.find("x-is-func-err"); it != r.headers.end()) {
    out.function_error = to_lower(it->second) == "true";
  }
  return out;
}

Expected<Json> Api::log_detail(const std::string& name) {
  Call c;
  c.path = fgs("/functions/" + urn(name) + "/lts-log-detail");
  return call(c);
}

}  // namespace fstage::deploy
