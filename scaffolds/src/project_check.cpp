// SPDX-License-Identifier: Apache-2.0
#include "project_check.hpp"

#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::scaffolds {

namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view k_manifest = "fstage.yaml";

std::string template_name(const InitResult& meta) {
  return "template " + quote(meta.template_id);
}

// The {{...}} a template's fstage.yaml kept because fstage has no value for them.
std::vector<std::string> placeholders_in(std::string_view text) {
  static const std::vector<std::string> k_known = {
      "name",    "project",  "runtime",      "handler",           "initializer", "region",
      "trigger", "triggers", "java_package", "java_package_path", "go_module"};
  std::vector<std::string> out;
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      continue;
    }
    if (text.compare(i, 2, "{{") != 0) {
      continue;
    }
    std::size_t close = text.find("}}", i + 2);
    if (close == std::string_view::npos ||
        text.substr(i, close - i).find('\n') != std::string_view::npos) {
      continue;
    }
    std::string key(text.substr(i + 2, close - i - 2));
    std::string why = key == "handler" || key == "initializer"
                          ? "the template has no template.json to give it (templates/README.md)"
                      : std::find(k_known.begin(), k_known.end(), key) == k_known.end()
                          ? "fstage has no such variable (templates/README.md lists them)"
                          : "fstage has no value for it";
    out.push_back(std::string(k_manifest) + ":" + std::to_string(line) + ": {{" + key +
                  "}} was not replaced: " + why);
    i = close + 1;
  }
  return out;
}

}  // namespace

Error nested_error(const stdfs::path& dir, const stdfs::path& parent_manifest) {
  const std::string parent_dir = parent_manifest.parent_path().string();
  return Error(ErrorCode::usage,
               dir.lexically_normal().string() + " is inside the project of " +
                   parent_manifest.string() + "; a project there would be nested in that one",
               "to add a function to that project, add it under `functions:` in " +
                   parent_manifest.string() +
                   " with `code:` naming its directory; for a separate project, choose a "
                   "directory outside " +
                   parent_dir +
                   ", or pass --nested (the outer project's builds and packages then leave "
                   "the nested one out)");
}

Expected<std::vector<std::string>> check_rendered_manifest(const std::vector<RenderedFile>& files,
                                                           const InitResult& meta) {
  auto it = std::find_if(files.begin(), files.end(),
                         [](const RenderedFile& f) { return f.path == k_manifest && !f.symlink; });
  if (it == files.end()) {
    return fail(ErrorCode::invalid_input,
                template_name(meta) +
                    " has no fstage.yaml at its root, so it makes no fstage "
                    "project; nothing was written",
                "add an fstage.yaml to the template ({{name}}, {{runtime}}, {{handler}} and "
                "{{triggers}} are filled in: templates/README.md)");
  }
  return placeholders_in(it->data);
}

Expected<void> validate_staged(const stdfs::path& staged_root, InitResult& meta,
                               const std::vector<std::string>& placeholders) {
  manifest::Validation v = manifest::validate_file(staged_root / k_manifest, k_manifest);
  std::vector<std::string> problems = placeholders;
  for (const auto& d : v.errors) {
    problems.push_back(d.str());
  }
  if (problems.empty()) {
    for (const auto& d : v.warnings) {
      meta.warnings.push_back(d.str());
    }
    return {};
  }
  std::string hint;
  if (meta.runtime.empty()) {
    hint =
        "the template names no runtime: pass -r RUNTIME, or give the template a template.json "
        "that lists its runtimes and handler (templates/README.md)";
  } else if (!placeholders.empty()) {
    hint =
        "give the template a template.json with its handler, or write the value into its "
        "fstage.yaml (templates/README.md)";
  } else {
    hint = "fix the template's fstage.yaml: these are the errors 'fstage validate' would report";
  }
  Error e(ErrorCode::invalid_input,
          "the fstage.yaml that " + template_name(meta) +
              " makes does not validate; nothing was written",
          hint);
  e.details = std::move(problems);
  return fail(std::move(e));
}

}  // namespace fstage::scaffolds
