// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace fstage {

// JSON as fstage prints it: compact (indent -1) or indented. Invalid UTF-8 in a string (a file
// name from disk, a function's output, a manifest value) becomes U+FFFD instead of throwing,
// which nlohmann's dump() does by default and which would end a command as "internal error".
// Every JSON a command writes to stdout goes through here.
template <typename J>
std::string json_text(const J& j, int indent = -1) {
  return j.dump(indent, ' ', false, J::error_handler_t::replace);
}

}  // namespace fstage
