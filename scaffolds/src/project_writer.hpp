// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::scaffolds {

// Writes `files` under `dir` so that either all of them land or none do:
//  - every file is first written to a staging directory on the same filesystem;
//  - a new `dir` is then renamed into place whole;
//  - into an existing `dir`, each file is renamed into place, and with `force` the file it
//    replaces is first moved aside, so a failure part-way puts every old file back.
// `check`, when set, runs on the staged files (the staging root: every file written, nothing
// in place yet); an error from it is returned and leaves nothing behind.
// Errors: already_exists (files present and !force, all of them listed), unsafe (a symlink
// target leaving `dir`, a path through an existing symlink), io (a directory that cannot be
// created or written: the project's path and the reason in words, not the failing call).
using StagedCheck = std::function<Expected<void>(const std::filesystem::path& staged_root)>;
Expected<void> write_project(const std::filesystem::path& dir,
                             const std::vector<RenderedFile>& files, bool force,
                             const StagedCheck& check = {});

}  // namespace fstage::scaffolds
