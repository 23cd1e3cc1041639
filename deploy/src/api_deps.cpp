// SPDX-License-Identifier: Apache-2.0
// Dependency packages: list, create a version from a zip, show, delete
// (tests/fakecloud/DEPENDENCIES.md).
#include <fstage/base/strings.hpp>
#include <fstage/deploy/api.hpp>

namespace fstage::deploy {

namespace {

// Every page of a `{dependencies: [...], next_marker, count}` listing.
template <typename Call>
Expected<std::vector<Json>> all_pages(Call&& call_page) {
  std::vector<Json> out;
  long long marker = 0;
  while (true) {
    Json j = FSTAGE_TRY(call_page(marker));
    const Json page =
        j.contains("dependencies") && j["dependencies"].is_array() ? j["dependencies"] : Json();
    if (page.is_array()) {
      out.insert(out.end(), page.begin(), page.end());
    }
    const long long next = j.value("next_marker", 0LL);
    if (!page.is_array() || page.empty() || next <= marker || next >= j.value("count", 0LL)) {
      break;
    }
    marker = next;
  }
  return out;
}

}  // namespace

Expected<std::vector<Json>> Api::list_dependencies(const std::string& name) {
  return all_pages([&](long long marker) {
    Call c;
    c.path = fgs("/dependencies");
    c.query = {
        {"marker", std::to_string(marker)}, {"maxitems", "400"}, {"dependency_type", "private"}};
    if (!name.empty()) {
      c.query.emplace_back("name", name);
    }
    return call(c);
  });
}

Expected<std::vector<Json>> Api::list_dependency_versions(const std::string& depend_id) {
  return all_pages([&](long long marker) {
    Call c;
    c.path = fgs("/dependencies/" + depend_id + "/version");
    c.query = {{"marker", std::to_string(marker)}, {"maxitems", "400"}};
    return call(c);
  });
}

Expected<std::optional<Json>> Api::get_dependency_version(const std::string& depend_id,
                                                          long version) {
  Call c;
  c.path = fgs("/dependencies/" + depend_id + "/version/" + std::to_string(version));
  return call_or_none(c, "FSS.1056");
}

Expected<Json> Api::create_dependency_version(const Json& fields, const std::filesystem::path& zip,
                                              const std::string& md5,
                                              const std::set<std::string>& known) {
  Json head = fields;
  // With a depend_link the version is made from that OBS object; else the zip is in the body.
  head["depend_type"] = fields.contains("depend_link") ? "obs" : "zip";
  const std::string body = fields.contains("depend_link")
                               ? head.dump()
                               : FSTAGE_TRY(json_with_file(head, "depend_file", zip));
  Call c;
  c.method = "POST";
  c.path = fgs("/dependencies/version");
  c.body = body;
  c.retry_safe = false;
  c.progress = true;
  const std::string name = fields.value("name", "");
  return create(c, [&]() -> Expected<std::optional<Json>> {
    for (const auto& dep : FSTAGE_TRY(list_dependencies(name))) {
      if (dep.value("name", "") != name) {
        continue;
      }
      for (auto& v : FSTAGE_TRY(list_dependency_versions(dep.value("id", "")))) {
        if (!known.contains(v.value("id", "")) && to_lower(v.value("etag", "")) == md5) {
          return std::optional<Json>(std::move(v));
        }
      }
    }
    return std::optional<Json>();
  });
}

Expected<void> Api::delete_dependency_version(const std::string& depend_id, long version) {
  Call c;
  c.method = "DELETE";
  c.path = fgs("/dependencies/" + depend_id + "/version/" + std::to_string(version));
  HttpResponse r = FSTAGE_TRY(raw(c));
  // A 404 after a retry: the first attempt did it and lost its answer.
  if ((r.status >= 200 && r.status < 300) || (r.status == 404 && r.attempts > 1)) {
    return {};
  }
  return fail(api_error(r, "DELETE " + c.path, m_creds));
}

}  // namespace fstage::deploy
