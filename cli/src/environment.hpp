// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace fstage::cli {

// An environment variable fstage reads, or sets for a function's `build:` command.
struct EnvVar {
  std::string_view name;
  std::string_view meaning;
  bool set_for_build = false;  // fstage sets it for build commands instead of reading it
};

// Every environment variable fstage reads or sets, in the order `fstage help environment`
// and the man page's ENVIRONMENT section list them. tests/e2e/help/environment.sh greps the
// sources for the names they read and fails on one missing here.
std::span<const EnvVar> environment_table();

}  // namespace fstage::cli
