// SPDX-License-Identifier: Apache-2.0
// Text for XML documents fstage writes (JUnit reports, Graphviz's HTML-like labels in SVG).
#pragma once

#include <string>
#include <string_view>

namespace fstage::flow {

// `text` as XML 1.0 character data, or (`attribute`) as an attribute value in double quotes:
// markup characters escaped; bytes that are not UTF-8 and characters XML 1.0 cannot hold
// (control characters, U+FFFE, U+FFFF) replaced by U+FFFD; in attributes, tabs and line
// breaks kept as character references so a parser does not fold them into spaces.
std::string xml_escape(std::string_view text, bool attribute = false);

}  // namespace fstage::flow
