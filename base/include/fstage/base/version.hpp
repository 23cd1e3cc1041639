// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace fstage {

// "0.1.0", baked in at configure time.
std::string_view version();
// Short git commit of the build, or "unknown".
std::string_view commit();

}  // namespace fstage
