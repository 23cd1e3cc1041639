// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <string>
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
  bool force = false;  // overwrite existing files
};

struct InitResult {
  std::filesystem::path dir;
  std::string name;
  std::string runtime;             // exact API name
  std::string template_id;         // built-in id or the git URL
  std::vector<std::string> files;  // written, relative to dir, sorted
  std::vector<std::string> warnings;
};

// Renders the template and writes the project. Everything is rendered and staged in a
// temporary directory beside `dir` first; then the staged files are renamed into place, so a
// failure leaves nothing half-written. Errors: usage, not_found (template/runtime), unsafe
// (a git template escaping the target), already_exists (files present, no force), io.
Expected<InitResult> init_project(const InitRequest& req);

// Renders a template to memory without writing: what init_project would write.
Expected<std::vector<RenderedFile>> render_project(const InitRequest& req, InitResult& meta);

// A function name derived from a directory name: lower-cased, invalid characters to '-',
// trimmed to the platform's rules. "" when nothing valid remains.
std::string function_name_from_dir(const std::filesystem::path& dir);

}  // namespace fstage::scaffolds
