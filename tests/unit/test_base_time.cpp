// SPDX-License-Identifier: Apache-2.0
// utc_time agrees with gmtime_r, which it replaces on the invoke path.
#include <cstdint>
#include <ctime>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/time.hpp>

TEST_CASE("utc_time agrees with gmtime_r", "[base][time]") {
  // Around the epoch, leap days (2000 is one, 2100 is not), the 2038 boundary, before 1970,
  // and a stride through four centuries.
  std::vector<std::int64_t> points = {0,          -1,         86399,       86400,
                                      951782400,  951868800,  4107542400,  4107628800,
                                      2147483647, 2147483648, -2208988800, 1663674237};
  for (std::int64_t t = -12'000'000'000; t < 12'000'000'000; t += 7'777'777) {
    points.push_back(t);
  }
  for (std::int64_t t : points) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    REQUIRE(::gmtime_r(&tt, &tm) != nullptr);
    const fstage::UtcTime u = fstage::utc_time(t);
    INFO(t);
    CHECK(u.year == tm.tm_year + 1900);
    CHECK(u.month == tm.tm_mon + 1);
    CHECK(u.day == tm.tm_mday);
    CHECK(u.hour == tm.tm_hour);
    CHECK(u.minute == tm.tm_min);
    CHECK(u.second == tm.tm_sec);
  }
  CHECK(fstage::utc_iso8601(1663674237) == "2022-09-20T11:43:57Z");
}
