// SPDX-License-Identifier: Apache-2.0
// The v2 workflow routes (FLOW.md §3): list, show, create, update, batch delete.
#include <fstage/deploy/api.hpp>

namespace fstage::deploy {

std::string Api::workflow_urn(const std::string& name) const {
  return "urn:fss:" + m_target.region + ":" + m_target.project_id + ":workflow:default:" + name +
         ":latest";
}

Expected<std::vector<Json>> Api::list_workflows(const std::string& name) {
  std::vector<Json> out;
  long long offset = 0;
  constexpr long long k_page = 200;
  while (true) {
    Call c;
    c.path = fgs("/workflows");
    c.query = {{"offset", std::to_string(offset)}, {"limit", std::to_string(k_page)}};
    if (!name.empty()) {
      c.query.emplace_back("workflow_name", name);
    }
    Json j = FSTAGE_TRY(call(c));
    const Json page = j.is_object() && j.contains("workflows") && j["workflows"].is_array()
                          ? j["workflows"]
                          : Json::array();
    out.insert(out.end(), page.begin(), page.end());
    offset += static_cast<long long>(page.size());
    if (page.empty() || offset >= j.value("total", 0LL)) {
      break;
    }
  }
  return out;
}

Expected<std::optional<Json>> Api::find_workflow(const std::string& name) {
  // The name filter may match loosely (as the function list's does): compare exactly here.
  auto all = FSTAGE_TRY(list_workflows(name));
  for (const auto& w : all) {
    if (w.value("name", "") != name) {
      continue;
    }
    Call c;
    c.path = fgs("/workflows/" + w.value("id", ""));
    auto shown = call(c);
    if (!shown && shown.error().code == ErrorCode::not_found) {
      return std::optional<Json>();  // deleted meanwhile
    }
    return std::optional<Json>(FSTAGE_TRY(std::move(shown)));
  }
  return std::optional<Json>();
}

Expected<Json> Api::create_workflow(const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.path = fgs("/workflows");
  c.body = text;
  c.retry_safe = false;
  const std::string name = body.value("name", "");
  return create(c, [&]() { return find_workflow(name); });
}

Expected<Json> Api::update_workflow(const std::string& id, const Json& body) {
  const std::string text = body.dump();
  Call c;
  c.method = "PUT";
  c.path = fgs("/workflows/" + id);
  c.body = text;
  return call(c);  // the whole definition each time: repeating it is harmless
}

Expected<void> Api::delete_workflows(const std::vector<std::string>& urns) {
  const std::string text = Json{{"workflow_urns", urns}}.dump();
  Call c;
  c.method = "DELETE";
  c.path = fgs("/workflows");
  c.body = text;
  FSTAGE_TRY(call(c));
  return {};
}

}  // namespace fstage::deploy
