// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/retry.hpp>

namespace fstage::deploy {

bool is_retryable_status(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt, double random01) {
  const int shift = std::clamp(attempt - 1, 0, 20);
  const double ceiling =
      std::min(static_cast<double>(p.cap.count()),
               static_cast<double>(p.base.count()) * static_cast<double>(std::int64_t{1} << shift));
  const double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * r));
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form servers must send).
  static constexpr std::array<std::string_view, 12> k_months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::vector<std::string> parts = split(trim(value), ' ');
  if (parts.size() != 6 || parts[5] != "GMT") {
    return std::nullopt;
  }
  std::tm tm{};
  auto month = std::find(k_months.begin(), k_months.end(), parts[2]);
  if (month == k_months.end()) {
    return std::nullopt;
  }
  tm.tm_mon = static_cast<int>(month - k_months.begin());
  const std::vector<std::string> hms = split(parts[4], ':');
  if (hms.size() != 3) {
    return std::nullopt;
  }
  try {
    tm.tm_mday = std::stoi(parts[1]);
    tm.tm_year = std::stoi(parts[3]) - 1900;
    tm.tm_hour = std::stoi(hms[0]);
    tm.tm_min = std::stoi(hms[1]);
    tm.tm_sec = std::stoi(hms[2]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(t);
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) {
      return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    }
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  auto when = parse_http_date(value);
  if (!when) {
    return std::nullopt;
  }
  auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
  return std::max(delta, std::chrono::milliseconds(0));
}

}  // namespace fstage::deploy
