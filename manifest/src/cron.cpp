// SPDX-License-Identifier: Apache-2.0
// Cron schedules of TIMER triggers (Huawei "Cron Expressions for a Function Timer Trigger"):
// "@every <Go duration>", the @daily-style macros, and six fields (day-of-week optional) with
// an optional CRON_TZ= prefix. Errors carry the byte offset of the bad field.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <fstage/base/strings.hpp>

#include "schedule_parse.hpp"

namespace fstage::manifest::detail {

namespace {

// --- @every <Go duration> ----------------------------------------------------------------------

// time.ParseDuration's grammar: [sign] (number [. fraction] unit)+, or "0".
std::optional<double> go_duration_ms(std::string_view s) {
  if (s == "0") {
    return 0.0;
  }
  if (s.empty()) {
    return std::nullopt;
  }
  struct Unit {
    std::string_view name;
    double ms;
  };
  static constexpr Unit k_units[] = {{"ns", 1e-6},        {"us", 1e-3}, {"\xC2\xB5s", 1e-3},
                                     {"\xCE\xBCs", 1e-3}, {"ms", 1.0},  {"s", 1e3},
                                     {"m", 60e3},         {"h", 3600e3}};
  double total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    double value = 0;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    bool whole = i > start;
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      std::size_t frac_start = i;
      while (i < s.size() && is_digit(s[i])) {
        value += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (!whole && i == frac_start) {
        return std::nullopt;
      }
    } else if (!whole) {
      return std::nullopt;
    }
    const Unit* found = nullptr;
    for (const auto& u : k_units) {
      // Longest match first: "ms" before "m" (the table lists it first).
      if (s.substr(i).starts_with(u.name) &&
          (found == nullptr || u.name.size() > found->name.size())) {
        found = &u;
      }
    }
    if (found == nullptr) {
      return std::nullopt;
    }
    i += found->name.size();
    total += value * found->ms;
  }
  return total;
}

// --- Cron fields -------------------------------------------------------------------------------

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  std::span<const std::string_view> names;  // index i names value min + i
  bool question;                            // '?' allowed
};

constexpr std::string_view k_month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                              "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view k_day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

const FieldSpec k_fields[] = {
    {"second", 0, 59, {}, false},
    {"minute", 0, 59, {}, false},
    {"hour", 0, 23, {}, false},
    {"day-of-month", 1, 31, {}, true},
    {"month", 1, 12, k_month_names, false},
    {"day-of-week", 0, 6, k_day_names, true},
};

std::string field_expected(const FieldSpec& f) {
  std::string out = std::to_string(f.min) + "-" + std::to_string(f.max);
  if (!f.names.empty()) {
    out += " or " + std::string(f.names.front()) + "-" + std::string(f.names.back());
  }
  out += " with , - * /";
  if (f.question) {
    out += " ?";
  }
  return std::string(f.name) + " " + out;
}

tl::expected<int, ScheduleError> field_value(std::string_view v, std::size_t at,
                                             const FieldSpec& f) {
  if (auto n = to_int(v)) {
    if (*n < f.min || *n > f.max) {
      return bad(at, std::string(f.name) + " " + quote(v) + " is out of range", field_expected(f));
    }
    return static_cast<int>(*n);
  }
  std::string lower = to_lower(v);
  for (std::size_t i = 0; i < f.names.size(); ++i) {
    if (lower == f.names[i]) {
      return f.min + static_cast<int>(i);
    }
  }
  return bad(at, std::string(f.name) + " " + quote(v) + " is not a valid value", field_expected(f));
}

// One comma-separated item: "*", "?", "a", "a-b", each with an optional "/step".
tl::expected<std::uint64_t, ScheduleError> field_item(std::string_view item, std::size_t at,
                                                      const FieldSpec& f) {
  std::string_view range = item;
  int step = 1;
  if (std::size_t slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    auto s = to_int(item.substr(slash + 1));
    if (!s || *s < 1 || *s > f.max - f.min + 1) {
      return bad(at + slash + 1,
                 std::string(f.name) + " step " + quote(item.substr(slash + 1)) + " is not valid",
                 "a step from 1 to " + std::to_string(f.max - f.min + 1));
    }
    step = static_cast<int>(*s);
  }
  int lo = f.min;
  int hi = f.max;
  if (range == "*" || range == "?") {
    if (range == "?" && !f.question) {
      return bad(at, "'?' is only allowed in day-of-month and day-of-week", field_expected(f));
    }
  } else if (range.empty()) {
    return bad(at, "empty " + std::string(f.name) + " value", field_expected(f));
  } else {
    std::size_t dash = range.find('-');
    auto a = field_value(range.substr(0, dash), at, f);
    if (!a) {
      return tl::unexpected(a.error());
    }
    lo = *a;
    hi = item.find('/') != std::string_view::npos ? f.max : lo;
    if (dash != std::string_view::npos) {
      auto b = field_value(range.substr(dash + 1), at + dash + 1, f);
      if (!b) {
        return tl::unexpected(b.error());
      }
      hi = *b;
      if (hi < lo) {
        return bad(at, std::string(f.name) + " range " + quote(range) + " runs backwards",
                   "low-high with low <= high");
      }
    }
  }
  std::uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step) {
    bits |= std::uint64_t{1} << v;
  }
  return bits;
}

tl::expected<std::uint64_t, ScheduleError> cron_field(std::string_view text, std::size_t at,
                                                      const FieldSpec& f) {
  std::uint64_t bits = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    auto b = field_item(item, at + start, f);
    if (!b) {
      return b;
    }
    bits |= *b;
    if (comma == std::string_view::npos) {
      return bits;
    }
    start = comma + 1;
  }
}

struct Word {
  std::string_view text;
  std::size_t at;
};

std::vector<Word> words(std::string_view s, std::size_t base) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) {
      ++i;
    }
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) {
      ++i;
    }
    if (i > start) {
      out.push_back(Word{s.substr(start, i - start), base + start});
    }
  }
  return out;
}

tl::expected<Schedule, ScheduleError> parse_fields(std::vector<Word> w, Schedule s);

tl::expected<Schedule, ScheduleError> parse_descriptor(std::vector<Word> w, Schedule s) {
  static const std::string k_expected =
      "@every <duration>, @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually";
  std::string name = to_lower(w[0].text);
  if (name == "@every") {
    if (w.size() != 2) {
      std::size_t at = w.size() > 2 ? w[2].at : w[0].at + w[0].text.size();
      return bad(at, "@every takes one duration",
                 "@every <duration>, e.g. @every 30m or @every 1h30m");
    }
    auto ms = go_duration_ms(w[1].text);
    if (!ms) {
      return bad(w[1].at, "duration " + quote(w[1].text) + " is not valid",
                 "a Go duration such as 30s, 5m, 1.5h or 2h30m (units ns us ms s m h)");
    }
    if (*ms < 1000) {
      return bad(w[1].at, "duration " + quote(w[1].text) + " is shorter than 1s",
                 "an interval of at least 1s");
    }
    s.kind = Schedule::Kind::every;
    s.interval = std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
    return s;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_macros = {{
      {"@yearly", "0 0 0 1 1 *"},
      {"@annually", "0 0 0 1 1 *"},
      {"@monthly", "0 0 0 1 * *"},
      {"@weekly", "0 0 0 * * 0"},
      {"@daily", "0 0 0 * * *"},
      {"@midnight", "0 0 0 * * *"},
      {"@hourly", "0 0 * * * *"},
  }};
  for (const auto& [macro, fields] : k_macros) {
    if (name == macro) {
      if (w.size() > 1) {
        return bad(w[1].at, std::string(macro) + " takes no arguments", k_expected);
      }
      return parse_fields(words(fields, 0), std::move(s));
    }
  }
  return bad(w[0].at, quote(w[0].text) + " is not a known schedule", k_expected);
}

tl::expected<Schedule, ScheduleError> parse_fields(std::vector<Word> w, Schedule s) {
  static const std::string k_expected =
      "6 fields: second minute hour day-of-month month [day-of-week], e.g. 0 */5 * * * *";
  if (w.size() < 5) {
    std::size_t at = w.empty() ? 0 : w.back().at + w.back().text.size();
    return bad(at, "cron has " + std::to_string(w.size()) + " field" + (w.size() == 1 ? "" : "s"),
               k_expected);
  }
  if (w.size() > 6) {
    return bad(w[6].at,
               "cron has " + std::to_string(w.size()) +
                   " fields (a year field is not "
                   "supported)",
               k_expected);
  }
  std::uint64_t bits[6] = {0, 0, 0, 0, 0, 0x7F};
  for (std::size_t i = 0; i < w.size(); ++i) {
    auto b = cron_field(w[i].text, w[i].at, k_fields[i]);
    if (!b) {
      return tl::unexpected(b.error());
    }
    bits[i] = *b;
  }
  s.kind = Schedule::Kind::cron;
  s.field_count = static_cast<int>(w.size());
  s.seconds = std::bitset<60>(bits[0]);
  s.minutes = std::bitset<60>(bits[1]);
  s.hours = std::bitset<24>(bits[2]);
  s.days_of_month = std::bitset<32>(bits[3]);
  s.months = std::bitset<13>(bits[4]);
  s.days_of_week = std::bitset<7>(bits[5]);
  auto star = [](std::string_view f) { return f == "*" || f == "?"; };
  s.any_day_of_month = star(w[3].text);
  s.any_day_of_week = w.size() < 6 || star(w[5].text);
  return s;
}

bool valid_zone(std::string_view z) {
  if (z.empty() || z.front() == '/' || z.back() == '/' || z.find("..") != std::string_view::npos ||
      z.find("//") != std::string_view::npos) {
    return false;
  }
  for (char c : z) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' ||
              c == '-' || c == '+' || c == '/';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

tl::expected<Schedule, ScheduleError> parse_cron(std::string_view text) {
  std::vector<Word> w = words(text, 0);
  if (w.empty()) {
    return bad(0, "the schedule is empty", "a cron expression or @every <duration>");
  }
  Schedule s;
  for (std::string_view prefix : {std::string_view("CRON_TZ="), std::string_view("TZ=")}) {
    if (w[0].text.starts_with(prefix)) {
      std::string_view zone = w[0].text.substr(prefix.size());
      if (!valid_zone(zone)) {
        return bad(w[0].at + prefix.size(), "time zone " + quote(zone) + " is not valid",
                   "an IANA zone such as Asia/Shanghai or UTC");
      }
      s.time_zone = std::string(zone);
      w.erase(w.begin());
      break;
    }
  }
  if (w.empty()) {
    return bad(text.size(), "nothing follows the time zone", "a cron expression after CRON_TZ=");
  }
  if (w[0].text.starts_with('@')) {
    return parse_descriptor(std::move(w), std::move(s));
  }
  return parse_fields(std::move(w), std::move(s));
}

}  // namespace fstage::manifest::detail
