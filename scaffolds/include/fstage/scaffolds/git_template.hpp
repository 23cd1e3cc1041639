// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::scaffolds {

// "git+URL[#ref][:subdir]" taken apart.
struct GitTemplateRef {
  std::string url;     // file:///x, /local/path, https://host/repo.git
  std::string ref;     // "" = the remote HEAD
  std::string subdir;  // "" = the repository root
};

// Parses a --template value that starts with "git+". Errors: usage.
Expected<GitTemplateRef> parse_git_template_ref(std::string_view value);

// Fetches the repository with libgit2 (a bare clone into a temporary directory, nothing is
// checked out) and reads the files of `ref`'s tree under `subdir`, without .git. Refuses, with
// ErrorCode::unsafe, entries whose path would leave the template ("..", absolute) and
// symlinks whose target points outside it. Submodules are skipped with a warning.
struct GitTemplateFiles {
  std::vector<RenderedFile> files;  // raw contents (not yet rendered), sorted by path
  std::vector<std::string> warnings;
  std::string commit;  // the resolved commit id
};
Expected<GitTemplateFiles> fetch_git_template(const GitTemplateRef& ref);

}  // namespace fstage::scaffolds
