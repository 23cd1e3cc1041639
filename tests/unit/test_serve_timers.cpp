// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/serve/log.hpp>
#include <fstage/serve/timers.hpp>

using namespace fstage;
using namespace fstage::serve;
using namespace std::chrono;

namespace {

SysSeconds at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

manifest::Schedule cron(const char* text) {
  auto s = manifest::parse_schedule("Cron", text);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("serve::next_fire steps rates and @every from the origin", "[serve][timers]") {
  auto s = manifest::parse_schedule("Rate", "5m");
  REQUIRE(s);
  SysSeconds origin = at(2024, 1, 1, 0, 0, 0);
  CHECK(*next_fire(*s, origin, origin, TimeZone::utc()) == origin + minutes(5));
  CHECK(*next_fire(*s, origin + minutes(5), origin, TimeZone::utc()) == origin + minutes(10));
  CHECK(*next_fire(*s, origin + minutes(7), origin, TimeZone::utc()) == origin + minutes(10));
  auto e = manifest::parse_schedule("Cron", "@every 2s");
  REQUIRE(e);
  CHECK(*next_fire(*e, origin, origin, TimeZone::utc()) == origin + seconds(2));
}

TEST_CASE("serve::next_fire matches 6-field cron expressions", "[serve][timers]") {
  auto utc = TimeZone::utc();
  CHECK(*next_fire(cron("0 */5 * * * *"), at(2024, 1, 1, 10, 2, 30), {}, utc) ==
        at(2024, 1, 1, 10, 5, 0));
  CHECK(*next_fire(cron("30 0 9 * * *"), at(2024, 1, 1, 10, 0, 0), {}, utc) ==
        at(2024, 1, 2, 9, 0, 30));
  // Strictly after: a time that matches gives the next one.
  CHECK(*next_fire(cron("* * * * * *"), at(2024, 1, 1, 0, 0, 0), {}, utc) ==
        at(2024, 1, 1, 0, 0, 1));
  // 29 February: the next leap year.
  CHECK(*next_fire(cron("0 0 0 29 2 ?"), at(2024, 3, 1, 0, 0, 0), {}, utc) ==
        at(2028, 2, 29, 0, 0, 0));
  // Day of week (2024-01-01 is a Monday): the next Friday.
  CHECK(*next_fire(cron("0 0 12 ? * FRI"), at(2024, 1, 1, 0, 0, 0), {}, utc) ==
        at(2024, 1, 5, 12, 0, 0));
  // Never: 30 February.
  CHECK_FALSE(next_fire(cron("0 0 0 30 2 ?"), at(2024, 1, 1, 0, 0, 0), {}, utc));
}

TEST_CASE("serve::next_fire honours CRON_TZ", "[serve][timers]") {
  auto s = cron("CRON_TZ=Asia/Shanghai 0 30 8 * * *");
  auto zone = TimeZone::load(s.time_zone);
  if (!zone) {
    WARN("no tzdata: " << zone.error().message);
    return;
  }
  // 08:30 in Shanghai (UTC+8) is 00:30 UTC.
  CHECK(*next_fire(s, at(2024, 6, 1, 0, 0, 0), {}, *zone) == at(2024, 6, 1, 0, 30, 0));
  CHECK(iso_time(at(2024, 6, 1, 0, 30, 0), *zone) == "2024-06-01T08:30:00+08:00");

  auto berlin = TimeZone::load("Europe/Berlin");
  REQUIRE(berlin);
  CHECK(berlin->offset_at(at(2024, 1, 15, 12, 0, 0).time_since_epoch().count()) == 3600);
  CHECK(berlin->offset_at(at(2024, 7, 15, 12, 0, 0).time_since_epoch().count()) == 7200);
  CHECK_FALSE(TimeZone::load("Nowhere/Atlantis"));
  CHECK_FALSE(TimeZone::load("../../etc/passwd"));
}

TEST_CASE("serve::timer_event has the platform's timer payload shape", "[serve][timers]") {
  auto real = read_file(std::string(FSTAGE_PLATFORM_EVENTS) + "/timer.json");
  REQUIRE(real);
  Json want = Json::parse(*real);
  Json got = Json::parse(timer_event("Timer_001", "hi", at(2023, 6, 1, 0, 30, 0), TimeZone::utc()));
  for (const auto& [k, v] : want.items()) {
    INFO(k);
    REQUIRE(got.contains(k));
    CHECK(got[k].type() == v.type());
  }
  CHECK(got["trigger_type"] == "TIMER");
  CHECK(got["trigger_name"] == "Timer_001");
  CHECK(got["user_event"] == "hi");
  CHECK(got["time"] == "2023-06-01T00:30:00+00:00");
}

TEST_CASE("serve::LineSplitter emits whole lines", "[serve][log]") {
  LineSplitter s;
  std::vector<std::string> lines;
  auto emit = [&](std::string_view l) { lines.emplace_back(l); };
  s.feed("a\nb", emit);
  s.feed("c\n\nd", emit);
  s.flush(emit);
  CHECK(lines == std::vector<std::string>{"a", "bc", "", "d"});
}
