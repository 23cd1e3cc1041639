// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/fs.hpp>
#include <fstage/deploy/state.hpp>

namespace fstage::deploy {

std::filesystem::path state_file(const std::filesystem::path& root, std::string_view stage) {
  const std::string name = stage.empty() || stage == "dev"
                               ? std::string("deploy-state.json")
                               : "deploy-state." + std::string(stage) + ".json";
  return root / ".fstage" / name;
}

DeployState DeployState::load(const std::filesystem::path& file) {
  DeployState s;
  s.m_file = file;
  s.m_data = {{"version", 1}, {"functions", Json::object()}};
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return s;
  }
  auto text = read_file(file);
  auto j = text ? parse_json(*text, file.string()) : Expected<Json>(fail(text.error()));
  if (!j || !j->is_object() || !j->contains("functions") || !(*j)["functions"].is_object()) {
    s.m_problem = file.string() +
                  " is unreadable; triggers fstage created before cannot be told "
                  "apart (they are left alone)";
    return s;
  }
  s.m_data = std::move(*j);
  return s;
}

std::set<std::string> DeployState::triggers(const std::string& function_urn) const {
  std::set<std::string> out;
  const Json& fns = m_data["functions"];
  if (fns.contains(function_urn) && fns[function_urn].contains("triggers")) {
    for (const auto& id : fns[function_urn]["triggers"]) {
      if (id.is_string()) {
        out.insert(id.get<std::string>());
      }
    }
  }
  return out;
}

void DeployState::add_trigger(const std::string& function_urn, const std::string& id) {
  auto ids = triggers(function_urn);
  ids.insert(id);
  m_data["functions"][function_urn]["triggers"] = ids;
}

void DeployState::remove_trigger(const std::string& function_urn, const std::string& id) {
  auto ids = triggers(function_urn);
  ids.erase(id);
  m_data["functions"][function_urn]["triggers"] = ids;
}

Json DeployState::settings(const std::string& function_urn) const {
  const Json& fns = m_data["functions"];
  if (fns.contains(function_urn) && fns[function_urn].contains("settings") &&
      fns[function_urn]["settings"].is_object()) {
    return fns[function_urn]["settings"];
  }
  return Json::object();
}

void DeployState::set_settings(const std::string& function_urn, Json record) {
  m_data["functions"][function_urn]["settings"] = std::move(record);
}

void DeployState::forget(const std::string& function_urn) {
  m_data["functions"].erase(function_urn);
}

std::map<std::string, std::string> DeployState::flows() const {
  std::map<std::string, std::string> out;
  if (!m_data.contains("flows") || !m_data["flows"].is_object()) {
    return out;
  }
  for (const auto& [urn, entry] : m_data["flows"].items()) {
    if (entry.is_object() && entry.contains("id") && entry["id"].is_string()) {
      out[urn] = entry["id"].get<std::string>();
    }
  }
  return out;
}

void DeployState::set_flow(const std::string& workflow_urn, const std::string& id) {
  if (!m_data.contains("flows") || !m_data["flows"].is_object()) {
    m_data["flows"] = Json::object();
  }
  m_data["flows"][workflow_urn] = {{"id", id}};
}

void DeployState::forget_flow(const std::string& workflow_urn) {
  if (m_data.contains("flows") && m_data["flows"].is_object()) {
    m_data["flows"].erase(workflow_urn);
  }
}

Expected<void> DeployState::save() const {
  std::error_code ec;
  std::filesystem::create_directories(m_file.parent_path(), ec);
  if (ec) {
    return fail(Error::from_error_code("mkdir", m_file.parent_path().string(), ec));
  }
  return write_file_atomic(m_file, m_data.dump(2) + "\n", 0644);
}

}  // namespace fstage::deploy
