// SPDX-License-Identifier: Apache-2.0
// Private to fstage_manifest: helpers shared by the Rate (schedule.cpp) and Cron (cron.cpp)
// schedule parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fstage/manifest/schedule.hpp>

namespace fstage::manifest::detail {

using Unexpected = tl::unexpected<ScheduleError>;

inline Unexpected bad(std::size_t offset, std::string message, std::string expected) {
  return Unexpected(ScheduleError{offset, std::move(message), std::move(expected)});
}

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}

inline std::optional<std::int64_t> to_int(std::string_view s) {
  if (s.empty() || s.size() > 9) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

// "@every ...", "@daily", or "[CRON_TZ=zone] sec min hour dom month [dow]".
tl::expected<Schedule, ScheduleError> parse_cron(std::string_view text);

}  // namespace fstage::manifest::detail
