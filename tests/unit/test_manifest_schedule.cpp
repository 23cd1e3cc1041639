// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/schedule.hpp>

using namespace fstage::manifest;
using namespace std::chrono_literals;

TEST_CASE("manifest::infer_schedule_type tells rates from crons", "[manifest][schedule]") {
  CHECK(infer_schedule_type("5m") == "Rate");
  CHECK(infer_schedule_type(" 2 h ") == "Rate");
  CHECK(infer_schedule_type("61x") == "Rate");  // reported as a bad rate unit
  CHECK(infer_schedule_type("@every 5m") == "Cron");
  CHECK(infer_schedule_type("0 */5 * * * *") == "Cron");
  CHECK(infer_schedule_type("5") == "Cron");
  CHECK(infer_schedule_type("") == "Cron");
}

TEST_CASE("manifest::parse_schedule reads rates within the platform's limits",
          "[manifest][schedule]") {
  struct Row {
    const char* text;
    std::chrono::milliseconds interval;
  };
  for (const auto& r : {Row{"1m", 1min}, Row{"60m", 60min}, Row{"1h", 1h}, Row{"24h", 24h},
                        Row{"1d", 24h}, Row{"30d", 720h}, Row{" 5 m", 5min}}) {
    INFO(r.text);
    auto s = parse_schedule("Rate", r.text);
    REQUIRE(s);
    CHECK(s->kind == Schedule::Kind::rate);
    CHECK(s->interval == r.interval);
  }
  struct Bad {
    const char* text;
    std::size_t offset;
    const char* message;
  };
  for (const auto& b : {Bad{"0m", 0, "minutes must be 1-60"}, Bad{"61m", 0, "minutes must be 1-60"},
                        Bad{"25h", 0, "hours must be 1-24"}, Bad{"31d", 0, "days must be 1-30"},
                        Bad{"5s", 1, "rate unit 's'"}, Bad{"m", 0, "does not start with a number"},
                        Bad{"", 0, "empty"}, Bad{"5 mins", 2, "rate unit 'mins'"}}) {
    INFO(b.text);
    auto s = parse_schedule("rate", b.text);
    REQUIRE_FALSE(s);
    CHECK(s.error().offset == b.offset);
    CHECK_THAT(s.error().message, Catch::Contains(b.message));
  }
}

TEST_CASE("manifest::parse_schedule reads @every with Go durations", "[manifest][schedule]") {
  struct Row {
    const char* text;
    std::chrono::milliseconds interval;
  };
  for (const auto& r :
       {Row{"@every 30m", 30min}, Row{"@every 1.5h", 90min}, Row{"@every 2h30m", 150min},
        Row{"@every 1s", 1s}, Row{"@every 1500ms", 1500ms}, Row{"@EVERY 1h", 1h},
        Row{"@every .5m", 30s}}) {
    INFO(r.text);
    auto s = parse_schedule("Cron", r.text);
    REQUIRE(s);
    CHECK(s->kind == Schedule::Kind::every);
    CHECK(s->interval == r.interval);
  }
  for (const char* bad : {"@every", "@every 5", "@every 5x", "@every m", "@every 500ms",
                          "@every 1h 2m", "@every -5m", "@every 0"}) {
    INFO(bad);
    CHECK_FALSE(parse_schedule("Cron", bad));
  }
}

TEST_CASE("manifest::parse_schedule reads six-field crons", "[manifest][schedule]") {
  auto s = parse_schedule("Cron", "0 */15 9-17 ? * MON-FRI");
  REQUIRE(s);
  CHECK(s->kind == Schedule::Kind::cron);
  CHECK(s->field_count == 6);
  CHECK(s->seconds.count() == 1);
  CHECK(s->seconds[0]);
  CHECK(s->minutes.count() == 4);
  CHECK(s->minutes[45]);
  CHECK(s->hours.count() == 9);
  CHECK(s->any_day_of_month);
  CHECK_FALSE(s->any_day_of_week);
  CHECK(s->days_of_week.count() == 5);
  CHECK_FALSE(s->days_of_week[0]);
  CHECK(s->months.count() == 12);

  s = parse_schedule("Cron", "CRON_TZ=Europe/Berlin 30 0 12 1,15 jan,Jul *");
  REQUIRE(s);
  CHECK(s->time_zone == "Europe/Berlin");
  CHECK(s->days_of_month.count() == 2);
  CHECK(s->months[1]);
  CHECK(s->months[7]);
  CHECK(s->months.count() == 2);

  s = parse_schedule("Cron", "0 0 0 1 *");  // day-of-week is optional
  REQUIRE(s);
  CHECK(s->field_count == 5);
  CHECK(s->days_of_week.count() == 7);

  s = parse_schedule("Cron", "5/20 * * * * *");  // start/step runs to the maximum
  REQUIRE(s);
  CHECK(s->seconds.count() == 3);
  CHECK(s->seconds[45]);

  s = parse_schedule("Cron", "@daily");
  REQUIRE(s);
  CHECK(s->kind == Schedule::Kind::cron);
  CHECK(s->hours.count() == 1);
  CHECK(parse_schedule("Cron", "@hourly"));
  CHECK(parse_schedule("Cron", "@weekly"));
  CHECK(parse_schedule("Cron", "@monthly"));
  CHECK(parse_schedule("Cron", "@yearly"));
  CHECK(parse_schedule("Cron", "@annually"));
  CHECK(parse_schedule("Cron", "@midnight"));
}

TEST_CASE("manifest::parse_schedule points at the bad cron field", "[manifest][schedule]") {
  struct Bad {
    const char* text;
    std::size_t offset;
    const char* message;
  };
  const Bad rows[] = {
      {"60 * * * * *", 0, "second '60' is out of range"},
      {"0 60 * * * *", 2, "minute '60' is out of range"},
      {"0 0 24 * * *", 4, "hour '24' is out of range"},
      {"0 0 0 0 * *", 6, "day-of-month '0' is out of range"},
      {"0 0 0 32 * *", 6, "day-of-month '32'"},
      {"0 0 0 * 13 *", 8, "month '13'"},
      {"0 0 0 * JANUARY *", 8, "month 'JANUARY' is not a valid value"},
      {"0 0 0 * * 7", 10, "day-of-week '7' is out of range"},
      {"0 0 0 * * MON-SUNDAY", 14, "day-of-week 'SUNDAY'"},
      {"0 0 1,2,,3 * * *", 8, "empty hour value"},
      {"0 0 5-1 * * *", 4, "runs backwards"},
      {"0 0 ? * * *", 4, "'?' is only allowed"},
      {"0 0 L * * *", 4, "hour 'L' is not a valid value"},
      {"0 0 0 L * *", 6, "day-of-month 'L'"},
      {"0 0 0 * * 1#2", 10, "day-of-week '1#2'"},
      {"*/0 * * * * *", 2, "second step '0'"},
      {"*/61 * * * * *", 2, "second step '61'"},
      {"0 0 * *", 7, "cron has 4 fields"},
      {"0 0 0 1 1 * 2030", 12, "cron has 7 fields"},
      {"CRON_TZ= 0 * * * * *", 8, "time zone '' is not valid"},
      {"CRON_TZ=Asia/Shanghai", 21, "nothing follows the time zone"},
      {"@often", 0, "'@often' is not a known schedule"},
      {"@daily 5", 7, "takes no arguments"},
      {"", 0, "empty"},
  };
  for (const auto& b : rows) {
    INFO(b.text);
    auto s = parse_schedule("Cron", b.text);
    REQUIRE_FALSE(s);
    CHECK(s.error().offset == b.offset);
    CHECK_THAT(s.error().message, Catch::Contains(b.message));
    CHECK_FALSE(s.error().expected.empty());
  }
  CHECK_FALSE(parse_schedule("Weekly", "5m"));
}
