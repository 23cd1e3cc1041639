// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace fstage::scaffolds {

// The `triggers:` block of a scaffolded manifest for one trigger variant, indented to sit
// under a function (4 spaces), ending in a newline; "" for no trigger. Placeholder resource
// ids are obviously fake and valid by the manifest's rules.
std::string trigger_block(std::string_view trigger, std::string_view name, std::string_view region);

}  // namespace fstage::scaffolds
