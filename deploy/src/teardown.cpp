// SPDX-License-Identifier: Apache-2.0
// Removing what a project deployed: rules in teardown.hpp.
#include <set>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/teardown.hpp>

namespace fstage::deploy {

namespace {

// The API's code for "the dependency version is linked by a function" (412).
constexpr std::string_view k_in_use = "FSS.1033:";

std::string counted(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// fstage's own dependency versions (dependencies.hpp: "fstage: <sha256>"), not public ones.
bool uploaded_by_fstage(const Json& dep) {
  return dep.is_object() && dep.value("description", "").rfind("fstage:", 0) == 0 &&
         !dep.value("is_shared", false);
}

// A dependency version (as the API shows it) fstage uploaded, once.
void add_dependency(const Json& dep, const std::string& dep_id, std::set<std::string>& seen,
                    std::vector<RemovalItem>& out) {
  const std::string id = dep.value("id", "");
  if (!uploaded_by_fstage(dep) || id.empty() || !seen.insert(id).second) {
    return;
  }
  RemovalItem item;
  item.kind = RemovalItem::Kind::dependency;
  item.dep_version = dep.value("version", 0L);
  item.name = dep.value("name", "") + "@" + std::to_string(item.dep_version);
  item.urn = id;
  item.dep_id = dep_id.empty() ? dep.value("dep_id", "") : dep_id;
  item.detail = "uploaded by fstage";
  out.push_back(std::move(item));
}

// The dependency versions a function (config or published version) links, as the API shows
// them in `dependencies`.
void add_linked(const Json& config, std::set<std::string>& seen, std::vector<RemovalItem>& out) {
  auto it = config.find("dependencies");
  if (it == config.end() || !it->is_array()) {
    return;
  }
  for (const auto& dep : *it) {
    add_dependency(dep, "", seen, out);
  }
}

Error in_context(Expected<void>&& r, const RemovalItem& item) {
  Error e = std::move(r).error();
  return std::move(e).with_context("removing " + std::string(to_string(item.kind)) + " " +
                                   item.name);
}

}  // namespace

std::string_view to_string(RemovalItem::Kind k) {
  switch (k) {
    case RemovalItem::Kind::flow:
      return "flow";
    case RemovalItem::Kind::function:
      return "function";
    case RemovalItem::Kind::dependency:
      return "dependency";
  }
  return "function";
}

Expected<std::vector<RemovalItem>> plan_removal(Api& api, const std::vector<std::string>& functions,
                                                const std::vector<std::string>& flows,
                                                const std::vector<std::string>& dependencies) {
  std::vector<RemovalItem> out;
  for (const auto& name : flows) {
    auto remote = FSTAGE_TRY(api.find_workflow(name));
    if (!remote) {
      continue;
    }
    RemovalItem item;
    item.kind = RemovalItem::Kind::flow;
    item.name = name;
    item.urn = remote->value("workflow_urn", api.workflow_urn(name));
    out.push_back(std::move(item));
  }
  std::vector<RemovalItem> versions_out;
  std::set<std::string> seen;
  for (const auto& name : functions) {
    auto config = FSTAGE_TRY(api.get_function(name));
    if (!config) {
      continue;
    }
    add_linked(*config, seen, versions_out);
    std::size_t versions = 0;
    for (const auto& v : FSTAGE_TRY(api.list_versions(name))) {
      if (v.value("version", "") != "latest") {
        ++versions;
        add_linked(v, seen, versions_out);
      }
    }
    const auto aliases = FSTAGE_TRY(api.list_aliases(name)).size();
    const auto triggers = FSTAGE_TRY(api.list_triggers(name)).size();
    RemovalItem item;
    item.kind = RemovalItem::Kind::function;
    item.name = name;
    item.urn = api.urn(name, "");  // the deploy state's key (no qualifier)
    item.detail = counted(versions, "published version", "published versions") + ", " +
                  counted(aliases, "alias", "aliases") + ", " +
                  counted(triggers, "trigger", "triggers");
    out.push_back(std::move(item));
  }
  // Versions of the manifest's dependencies that no removed function links (any more): older
  // uploads, or ones a removal that stopped part-way left behind.
  for (const auto& name : dependencies) {
    for (const auto& dep : FSTAGE_TRY(api.list_dependencies(name))) {
      if (dep.value("name", "") != name) {
        continue;  // the API matches names loosely
      }
      const std::string dep_id = dep.value("id", "");
      for (const auto& v : FSTAGE_TRY(api.list_dependency_versions(dep_id))) {
        add_dependency(v, dep_id, seen, versions_out);
      }
    }
  }
  out.insert(out.end(), versions_out.begin(), versions_out.end());
  return out;
}

Expected<void> apply_removal(Api& api, std::vector<RemovalItem>& items, DeployState& state,
                             const std::function<void(const RemovalItem&)>& on_step) {
  for (auto& item : items) {
    if (item.outcome != RemovalItem::Outcome::pending) {
      continue;
    }
    on_step(item);
    if (item.kind == RemovalItem::Kind::flow) {
      auto r = api.delete_workflows({item.urn});
      if (!r && r.error().code != ErrorCode::not_found) {
        return fail(in_context(std::move(r), item));
      }
      state.forget_flow(item.urn);
    } else if (item.kind == RemovalItem::Kind::function) {
      auto r = api.delete_function(item.name);
      if (!r && r.error().code != ErrorCode::not_found) {
        return fail(in_context(std::move(r), item));
      }
      state.forget(item.urn);
    } else {
      auto r = api.delete_dependency_version(item.dep_id, item.dep_version);
      const std::size_t in_use = r ? std::string::npos : r.error().message.find(k_in_use);
      if (in_use != std::string::npos) {
        // Linked by a function outside this removal: not ours to break.
        item.outcome = RemovalItem::Outcome::kept;
        item.note =
            std::string(trim(std::string_view(r.error().message).substr(in_use + k_in_use.size())));
        continue;
      }
      if (!r && r.error().code != ErrorCode::not_found) {
        return fail(in_context(std::move(r), item));
      }
    }
    item.outcome = RemovalItem::Outcome::removed;
    FSTAGE_TRY(state.save());
  }
  return {};
}

}  // namespace fstage::deploy
