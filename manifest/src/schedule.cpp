// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/strings.hpp>
#include <fstage/manifest/schedule.hpp>

#include "schedule_parse.hpp"

namespace fstage::manifest {

namespace {

using detail::bad;
using detail::is_digit;
using detail::is_space;
using detail::to_int;

// --- Rate ------------------------------------------------------------------------------------

tl::expected<Schedule, ScheduleError> parse_rate(std::string_view text, std::size_t base) {
  const std::string expected = "a rate like 5m (minutes 1-60), 2h (hours 1-24) or 1d (days 1-30)";
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) {
    ++i;
  }
  if (i == 0) {
    return bad(base, "rate " + quote(text) + " does not start with a number", expected);
  }
  auto n = to_int(text.substr(0, i));
  std::size_t unit_at = i;
  while (unit_at < text.size() && is_space(text[unit_at])) {
    ++unit_at;
  }
  std::string_view unit = text.substr(unit_at);
  struct Unit {
    std::string_view name;
    std::int64_t max;
    std::int64_t ms;
    std::string_view word;
  };
  static constexpr Unit k_units[] = {
      {"m", 60, 60'000, "minutes"}, {"h", 24, 3'600'000, "hours"}, {"d", 30, 86'400'000, "days"}};
  for (const auto& u : k_units) {
    if (unit != u.name) {
      continue;
    }
    if (!n || *n < 1 || *n > u.max) {
      return bad(base,
                 "rate " + quote(text) + ": " + std::string(u.word) + " must be 1-" +
                     std::to_string(u.max),
                 expected);
    }
    Schedule s;
    s.kind = Schedule::Kind::rate;
    s.interval = std::chrono::milliseconds(*n * u.ms);
    return s;
  }
  return bad(base + unit_at, "rate unit " + quote(unit) + " is not m, h or d", expected);
}

}  // namespace

std::string_view infer_schedule_type(std::string_view schedule) {
  std::string_view t = trim(schedule);
  std::size_t i = 0;
  while (i < t.size() && is_digit(t[i])) {
    ++i;
  }
  if (i == 0) {
    return "Cron";
  }
  while (i < t.size() && is_space(t[i])) {
    ++i;
  }
  std::size_t unit = i;
  while (i < t.size() && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z'))) {
    ++i;
  }
  return i == t.size() && i > unit ? "Rate" : "Cron";
}

tl::expected<Schedule, ScheduleError> parse_schedule(std::string_view type,
                                                     std::string_view schedule) {
  std::string kind = to_lower(type);
  if (kind == "rate") {
    std::string_view t = trim(schedule);
    std::size_t base = t.empty() ? 0 : static_cast<std::size_t>(t.data() - schedule.data());
    if (t.empty()) {
      return bad(0, "the schedule is empty", "a rate like 5m, 2h or 1d");
    }
    return parse_rate(t, base);
  }
  if (kind == "cron") {
    return detail::parse_cron(schedule);
  }
  return bad(0, "schedule type " + quote(type) + " is not Rate or Cron", "Rate or Cron");
}

}  // namespace fstage::manifest
