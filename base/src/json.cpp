// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/json.hpp>

namespace fstage {

TextPos position_of(std::string_view text, std::size_t offset) {
  TextPos pos;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

template <typename J>
static Expected<J> parse_impl(std::string_view text, std::string_view origin) {
  try {
    return J::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports the byte *after* the offending one; step back to point at it.
    std::size_t off = e.byte > 0 ? e.byte - 1 : 0;
    TextPos p = position_of(text, off);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while
    // parsing value - invalid literal; last read: 'x'" -> keep the part after "- ".
    auto dash = what.find(" - ");
    std::string reason = dash == std::string::npos ? what : what.substr(dash + 3);
    return fail(ErrorCode::invalid_input,
                std::string(origin) + ":" + std::to_string(p.line) + ":" +
                    std::to_string(p.column) + ": invalid JSON: " + reason,
                "check the JSON syntax at that position (a trailing comma or a missing quote?)");
  }
}

Expected<Json> parse_json(std::string_view text, std::string_view origin) {
  return parse_impl<Json>(text, origin);
}

Expected<OrderedJson> parse_ordered_json(std::string_view text, std::string_view origin) {
  return parse_impl<OrderedJson>(text, origin);
}

}  // namespace fstage
