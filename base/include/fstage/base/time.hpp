// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace fstage {

struct UtcTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// Seconds since the epoch as a UTC calendar time (proleptic Gregorian). Not gmtime_r: glibc
// loads the local time zone (opens and parses /etc/localtime) the first time any of its
// time conversions runs, UTC included, and `fstage invoke` needs none.
UtcTime utc_time(std::int64_t unix_seconds);

// "2022-09-20T11:43:57Z".
std::string utc_iso8601(std::int64_t unix_seconds);

}  // namespace fstage
