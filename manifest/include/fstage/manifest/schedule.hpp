// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <bitset>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace fstage::manifest {

// A TIMER trigger's schedule, parsed (PLATFORM.md §3; Huawei "Cron Expressions for a Function
// Timer Trigger").
struct Schedule {
  enum class Kind { rate, every, cron };
  Kind kind = Kind::rate;
  std::chrono::milliseconds interval{0};  // rate and @every
  std::string time_zone;                  // cron: the CRON_TZ= value, "" = the region's zone
  int field_count = 0;                    // cron: 5 (no day-of-week) or 6
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bits 1..31
  std::bitset<13> months;         // bits 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday
  // Whether day-of-month / day-of-week were '*' or '?' (cron matches a day when both
  // restricted fields match either one, else the restricted one).
  bool any_day_of_month = true;
  bool any_day_of_week = true;
};

// Why a schedule does not parse: `offset` is the byte offset of the bad part in the text.
struct ScheduleError {
  std::size_t offset = 0;
  std::string message;
  std::string expected;
};

// "Rate" when the text is a number and a unit ("5m", "2 h"), else "Cron".
std::string_view infer_schedule_type(std::string_view schedule);

// Parses `schedule` as `type` ("Rate" or "Cron", case-insensitive).
// Rate: N followed by m (1–60), h (1–24) or d (1–30).
// Cron: "@every <Go duration>" (e.g. 30m, 1.5h, 2h30m; at least 1s), "@hourly", "@daily",
// "@midnight", "@weekly", "@monthly", "@yearly", "@annually", or the fields
// "sec min hour day-of-month month [day-of-week]" with *, ?, lists, ranges, /steps and month /
// day names, optionally prefixed with "CRON_TZ=Area/City ".
tl::expected<Schedule, ScheduleError> parse_schedule(std::string_view type,
                                                     std::string_view schedule);

}  // namespace fstage::manifest
