// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a module fstage opens at run time lives (fstage-httpd.so for serve,
// fstage-graphviz.so for flow graph): the path in `env_var` when set, else beside the
// executable (the build tree), then ../lib/fstage/ from it (where `cmake --install` and the
// .deb put them).

#include <filesystem>
#include <string_view>
#include <vector>

namespace fstage {

std::vector<std::filesystem::path> module_candidates(std::string_view file, const char* env_var);

}  // namespace fstage
