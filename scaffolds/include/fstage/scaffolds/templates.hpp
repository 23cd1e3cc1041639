// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/manifest/runtimes.hpp>

namespace fstage::scaffolds {

// A built-in template: templates/<id>/template.json (see templates/README.md for the format).
struct TemplateInfo {
  std::string id;
  std::string language;
  std::string description;
  std::vector<std::string> runtimes;  // exact API names, first is the default
  std::string handler;                // may contain {{vars}}
  std::string initializer;            // "" when none
  int memory = 128;
  int timeout = 3;
  std::vector<std::string> triggers;    // trigger variants: "apig", "timer", ...
  std::vector<std::string> executable;  // paths that get mode 0755
  std::string sdk;                      // "java", "go-runtime" or ""
  // A project of several functions (an example such as obs-pipeline): their names in its
  // fstage.yaml. Empty for a one-function template, whose function is named after the project.
  std::vector<std::string> functions;
};

// Parses a template.json (templates/README.md). `builtin`: one embedded in fstage, where
// every key is required and a broken one is ErrorCode::internal (a build bug); otherwise a git
// template's, which may leave out `id` and `language` and is invalid_input when broken.
// Runtimes are resolved to their exact API names.
Expected<TemplateInfo> parse_template_json(std::string_view text, std::string_view origin,
                                           bool builtin);

// Every built-in template, sorted by id. Parsed from the embedded assets once.
// Errors: internal (a template.json shipped broken is a build bug).
Expected<std::vector<TemplateInfo>> builtin_templates();

// The template with this id; not_found with a "did you mean" otherwise.
Expected<TemplateInfo> find_template(std::string_view id);

// The default template for a runtime's language (never an example project of several
// functions); not_found when fstage has none.
Expected<TemplateInfo> template_for_runtime(const manifest::RuntimeInfo& runtime);

// Trigger ids with a sample payload under templates/events/ ("apig", "apig-base64", ...).
std::vector<std::string> event_names();

// The sample payload for a trigger id, or not_found.
Expected<std::string> sample_event(std::string_view trigger);

// One file of a scaffolded project, ready to write.
struct RenderedFile {
  std::string path;  // relative, '/'-separated, checked with is_safe_relative
  std::string data;  // contents, or the link target for a symlink
  unsigned mode = 0644;
  bool symlink = false;
};

// A template laid out as templates/README.md describes: the files under `base/`, with those
// under `triggers/<trigger>/` replacing same-named ones, paths relative to those folders, and
// `t.executable` made 0755. Anything else in `all` (template.json) is left out.
std::vector<RenderedFile> layered_files(const std::vector<RenderedFile>& all, const TemplateInfo& t,
                                        const std::string& trigger);

// The {{name}} variables a template may use.
using Variables = std::map<std::string, std::string, std::less<>>;

// Replaces every {{key}} whose key is in `vars`; unknown {{...}} stay as they are.
std::string render(std::string_view text, const Variables& vars);

// True when `data` looks binary (a NUL byte or invalid UTF-8): such files are copied untouched.
bool is_binary(std::string_view data);

}  // namespace fstage::scaffolds
