// SPDX-License-Identifier: Apache-2.0
// The shape comparison of an event against the platform's payload (tests/fixtures/
// platform-events): the same keys and the same JSON types, recursively. Shared by the sample
// events' test and the event sources' test.
#pragma once

#include <string>

#include <fstage/base/json.hpp>

namespace fstage::test {

// Differences between the shapes of `a` (ours) and `b` (the platform's), one per line.
inline void compare_shape(const Json& a, const Json& b, const std::string& path,
                          std::string& diff) {
  if (std::string(a.type_name()) != b.type_name()) {
    diff += path + ": " + a.type_name() + " here, " + b.type_name() + " on the platform\n";
    return;
  }
  if (a.is_object()) {
    for (const auto& [k, v] : b.items()) {
      if (!a.contains(k)) {
        diff += path + "." + k + ": missing\n";
      } else {
        compare_shape(a.at(k), v, path + "." + k, diff);
      }
    }
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) {
        diff += path + "." + k + ": not in the platform's payload\n";
      }
    }
  } else if (a.is_array() && !a.empty() && !b.empty()) {
    compare_shape(a.front(), b.front(), path + "[0]", diff);
  }
}

}  // namespace fstage::test
