// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::scaffolds {

struct InitRequest {
  std::filesystem::path dir;  // target directory (created if missing)
  std::string runtime;        // exact name or alias; "" = the template's default
  std::string template_ref;   // built-in id, "git+URL[#ref][:subdir]", or "" = from runtime
  std::string name;           // function name; "" = derived from the directory name
  std::string trigger;        // "" or a trigger id the template supports
  std::string region = "cn-north-4";
  bool force = false;   // overwrite existing files
  bool nested = false;  // allow `dir` inside another project's directory
  // The function-flow example instead of a template (templates/flows/python/): three Python
  // functions, flows/orders.json and its tests. Takes no template or trigger; a Python runtime.
  bool flow = false;
};

struct InitResult {
  std::filesystem::path dir;
  std::string name;
  std::string runtime;             // exact API name
  std::string template_id;         // built-in id or the git URL
  std::vector<std::string> files;  // written, relative to dir, sorted
  std::vector<std::string> warnings;
  // An example project's functions (TemplateInfo::functions): its README walks through it.
  std::vector<std::string> functions;
};

// Renders the template and writes the project. Everything is rendered and staged in a
// temporary directory beside `dir` first and the staged fstage.yaml is validated as `fstage
// validate` does; only then are the staged files renamed into place, so a failure leaves
// nothing half-written. Errors: usage (a bad name, `dir` inside another project without
// `nested`), not_found (template/runtime), invalid_input (the template makes no fstage.yaml,
// or one that does not validate), unsafe (a git template escaping the target), already_exists
// (files present, no force), io (the directory cannot be created or written, said in words).
Expected<InitResult> init_project(const InitRequest& req);

// Renders a template to memory without writing: what init_project would write.
Expected<std::vector<RenderedFile>> render_project(const InitRequest& req, InitResult& meta);

// The function name of a project: `name`, or else the base name of `dir` as it is. Never
// mangled: a name the platform refuses (PLATFORM.md §2.2) is a usage error that says which
// rule it breaks and suggests a valid one.
Expected<std::string> function_name_for(const std::filesystem::path& dir, std::string_view name);

// Why the platform refuses `name` as a function name ("it starts with a digit"), or "".
std::string function_name_problem(std::string_view name);

// A valid function name close to `text`, for suggestions: "9lives" -> "fn-9lives",
// "bad name!" -> "bad-name". Never empty.
std::string suggest_function_name(std::string_view text);

// The fstage.yaml of the project whose directory encloses `dir` (strictly above it), if any.
std::optional<std::filesystem::path> enclosing_manifest(const std::filesystem::path& dir);

}  // namespace fstage::scaffolds
