// SPDX-License-Identifier: Apache-2.0
#include <optional>
#include <set>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/crypto.hpp>
#include <fstage/deploy/dependencies.hpp>

namespace fstage::deploy {

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

std::string mib(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB";
}

long version_number(const Json& v) {
  const Json n = v.value("version", Json());
  return n.is_number_integer() ? n.get<long>() : 0;
}

// The newest of the account's versions of `dep.name` with this content, if any.
Expected<std::optional<Json>> find_version(Api& api, const DesiredDependency& dep,
                                           std::uint64_t size, const std::string& md5,
                                           std::set<std::string>& known) {
  std::optional<Json> best;
  for (const auto& d : FSTAGE_TRY(api.list_dependencies(dep.name))) {
    if (d.value("name", "") != dep.name || d.value("owner", "") == "public") {
      continue;
    }
    for (auto& v : FSTAGE_TRY(api.list_dependency_versions(d.value("id", "")))) {
      known.insert(v.value("id", ""));
      const Json s = v.value("size", Json());
      if (v.value("runtime", "") == dep.runtime && s.is_number_integer() &&
          s.get<std::uint64_t>() == size && to_lower(v.value("etag", "")) == md5 &&
          (!best || version_number(v) > version_number(*best))) {
        best = std::move(v);
      }
    }
  }
  return best;
}

Expected<std::uint64_t> checked_size(const DesiredDependency& dep) {
  if (!valid_dependency_name(dep.name)) {
    return fail(ErrorCode::invalid_input, "dependency name '" + dep.name + "' is not valid",
                "up to 96 letters, digits, '_', '.' and '-', starting with a letter and ending "
                "with a letter or digit");
  }
  if (dep.description.size() > 512) {
    return fail(ErrorCode::invalid_input,
                "dependency " + dep.name + ": the description is longer than 512 characters");
  }
  std::error_code err;
  const auto size = std::filesystem::file_size(dep.zip, err);
  if (err) {
    return fail(Error::from_error_code("stat", dep.zip.string(), err));
  }
  if (dep.obs && size > k_obs_code_limit) {
    return fail(ErrorCode::limit,
                "dependency " + dep.name + " is " + mib(size) + ", over the " +
                    mib(k_obs_code_limit) + " the platform takes even through OBS",
                "trim what goes into the dependency, or split it into several");
  }
  if (!dep.obs && size > k_dependency_zip_limit) {
    return fail(ErrorCode::limit,
                "dependency " + dep.name + " is " + mib(size) +
                    ", over the API's direct-upload limit (" + mib(k_dependency_zip_limit) + ")",
                "trim what goes into the dependency, split it into several, or upload the zip "
                "to OBS and create the version from its link in the console");
  }
  return static_cast<std::uint64_t>(size);
}

}  // namespace

bool valid_dependency_name(std::string_view name) {
  if (name.empty() || name.size() > 96 || !is_alpha(name.front()) || !is_alnum(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

Expected<ResolvedDependency> ensure_dependency(Api& api, const DesiredDependency& dep, bool dry_run,
                                               const DependencyUploader& upload) {
  const std::uint64_t size = FSTAGE_TRY(checked_size(dep));
  const std::string md5 = FSTAGE_TRY(md5_file_hex(dep.zip));
  std::set<std::string> known;
  auto found = find_version(api, dep, size, md5, known);
  if (!found) {
    Error e = std::move(found).error();
    return fail(std::move(e).with_context("while looking up dependency " + dep.name));
  }
  ResolvedDependency out;
  out.name = dep.name;
  if (*found) {
    out.version_id = (*found)->value("id", "");
    out.version = version_number(**found);
    return out;
  }
  if (dry_run) {
    out.pending = true;
    return out;
  }
  Json fields = {{"name", dep.name}, {"runtime", dep.runtime}};
  if (!dep.description.empty()) {
    fields["description"] = dep.description;
  }
  if (dep.obs) {
    if (!upload) {
      return fail(ErrorCode::internal,
                  "dependency " + dep.name + " through OBS without an uploader");
    }
    FSTAGE_TRY(upload(dep, md5));
    fields["depend_link"] = dep.obs->url();
  }
  auto created = api.create_dependency_version(fields, dep.zip, md5, known);
  if (!created) {
    Error e = std::move(created).error();
    if (e.code == ErrorCode::limit && e.hint.empty()) {
      e.hint = "the platform refused the zip's size (" + mib(size) +
               "; some regions take 10 MB directly): upload it to OBS, or trim it";
    }
    return fail(std::move(e).with_context("while uploading dependency " + dep.name));
  }
  out.version_id = created->value("id", "");
  out.version = version_number(*created);
  out.uploaded = true;
  if (out.version_id.empty()) {
    return fail(ErrorCode::remote,
                "dependency " + dep.name + ": the API's answer to the upload has no version id");
  }
  return out;
}

Expected<void> link_dependencies(DesiredFunction& want,
                                 const std::vector<ResolvedDependency>& deps) {
  if (deps.size() > k_max_dependencies_per_function) {
    return fail(ErrorCode::limit, want.name + ": " + std::to_string(deps.size()) +
                                      " dependencies, the platform "
                                      "links at most 20 per function");
  }
  std::vector<std::string> ids;
  std::set<std::string> names;
  want.dependency_labels.clear();
  for (const auto& d : deps) {
    if (!names.insert(d.name).second) {
      return fail(ErrorCode::invalid_input,
                  want.name + ": dependency " + d.name + " is listed twice");
    }
    const std::string id =
        d.pending ? d.name + "@" + std::string(k_new_dependency_version) : d.version_id;
    const std::string version =
        d.pending ? std::string(k_new_dependency_version) : std::to_string(d.version);
    ids.push_back(id);
    want.dependency_labels[id] = d.name + "@" + version;
  }
  want.depend_version_list = std::move(ids);
  return {};
}

}  // namespace fstage::deploy
