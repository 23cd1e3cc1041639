// SPDX-License-Identifier: Apache-2.0
// What init checks of a project before it reports success: where it goes, and that its
// fstage.yaml is one `fstage validate` accepts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/scaffolds/init.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::scaffolds {

// The usage error for a project in `dir`, inside the project of `parent_manifest`.
Error nested_error(const std::filesystem::path& dir, const std::filesystem::path& parent_manifest);

// Checks the rendered files before anything is written: there is an fstage.yaml (else
// invalid_input). Returns the {{variables}} left in it, one "fstage.yaml:LINE: ..." line each.
Expected<std::vector<std::string>> check_rendered_manifest(const std::vector<RenderedFile>& files,
                                                           const InitResult& meta);

// Validates the staged project's fstage.yaml (in `staged_root`, every file written, nothing in
// place yet) as `fstage validate` would. Its warnings go to meta.warnings; errors, and the
// `placeholders` found before, make one invalid_input error that lists them.
Expected<void> validate_staged(const std::filesystem::path& staged_root, InitResult& meta,
                               const std::vector<std::string>& placeholders);

}  // namespace fstage::scaffolds
