// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace fstage::cli {

// fstage(1) in roff, generated from the command tree so it lists every command and option.
std::string man_page(const CLI::App& app);

}  // namespace fstage::cli
