// SPDX-License-Identifier: Apache-2.0
// fstage remote metrics FUNC [--period 5m|15m|1h] and remote logs FUNC --follow: watching the
// deployed function through the statistics API and LTS.
#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/time.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "remote_common.hpp"

namespace fstage::cli {

namespace {

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double number(const Json& v) {
  return v.is_number() ? v.get<double>() : 0.0;
}

// The series' values by timestamp (the API answers one per minute).
std::map<long long, double> series(const Json& stats, const char* key) {
  std::map<long long, double> out;
  if (stats.is_object() && stats.contains(key) && stats[key].is_array()) {
    for (const auto& v : stats[key]) {
      if (v.is_object() && v.contains("timestamp") && v["timestamp"].is_number()) {
        out[v["timestamp"].get<long long>()] = v.contains("value") ? number(v["value"]) : 0.0;
      }
    }
  }
  return out;
}

// "14:05" (UTC) for a timestamp in seconds or milliseconds (SDK versions differ).
std::string minute_of(long long ts) {
  const UtcTime t = utc_time(ts > 100'000'000'000LL ? ts / 1000 : ts);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
  return buf;
}

}  // namespace

Expected<int> parse_statistics_period(const std::string& period) {
  if (period == "5m" || period == "5") {
    return 5;
  }
  if (period == "15m" || period == "15") {
    return 15;
  }
  if (period == "1h" || period == "60m" || period == "60") {
    return 60;
  }
  return fail(ErrorCode::usage,
              "--period " + quote(period) +
                  " is not one the platform keeps: its statistics API answers for the last 5 "
                  "minutes, 15 minutes or 1 hour",
              "use --period 5m, 15m or 1h; longer views are in the console (Monitoring > "
              "Metrics) or Cloud Eye");
}

Expected<int> remote_metrics(const Context& ctx, deploy::Session& s, const std::string& function,
                             const std::string& period, bool json) {
  const int minutes = FSTAGE_TRY(parse_statistics_period(period));
  Json stats = FSTAGE_TRY(s.api().function_statistics(function, minutes));
  const auto count = series(stats, "count");
  const auto fails = series(stats, "fail_count");
  const auto rejects = series(stats, "reject_count");
  const auto avg = series(stats, "duration");
  const auto max = series(stats, "max_duration");
  const auto min = series(stats, "min_duration");
  double total = 0, failed = 0, rejected = 0, weighted = 0, hi = 0, lo = -1;
  for (const auto& [ts, n] : count) {
    total += n;
    if (n > 0) {
      weighted += n * (avg.count(ts) ? avg.at(ts) : 0);
      hi = std::max(hi, max.count(ts) ? max.at(ts) : 0);
      const double m = min.count(ts) ? min.at(ts) : 0;
      lo = lo < 0 ? m : std::min(lo, m);
    }
  }
  for (const auto& [ts, n] : fails) {
    failed += n;
  }
  for (const auto& [ts, n] : rejects) {
    rejected += n;
  }
  const double average = total > 0 ? weighted / total : 0;
  if (json) {
    Json out = {{"function", function},
                {"period_minutes", minutes},
                {"totals",
                 {{"invocations", total},
                  {"errors", failed},
                  {"throttled", rejected},
                  {"average_duration_ms", average},
                  {"max_duration_ms", hi},
                  {"min_duration_ms", lo < 0 ? 0 : lo}}},
                {"statistics", stats}};
    *ctx.out << json_text(out, 2) << "\n";
    return k_exit_ok;
  }
  std::ostream& out = *ctx.out;
  char line[160];
  out << function << ": the last "
      << (minutes == 60 ? std::string("hour") : std::to_string(minutes) + " minutes") << " ("
      << s.target().region << ")\n";
  std::snprintf(line, sizeof line,
                "  invocations %.0f   errors %.0f   throttled %.0f\n  duration    avg %.1f ms   "
                "min %.0f ms   max %.0f ms\n",
                total, failed, rejected, average, lo < 0 ? 0 : lo, hi);
  out << line;
  bool header = false;
  for (const auto& [ts, n] : count) {
    if (n <= 0) {
      continue;
    }
    if (!header) {
      out << "  minute (UTC)  invocations  errors  avg ms\n";
      header = true;
    }
    std::snprintf(line, sizeof line, "  %-12s  %11.0f  %6.0f  %6.1f\n", minute_of(ts).c_str(), n,
                  fails.count(ts) ? fails.at(ts) : 0, avg.count(ts) ? avg.at(ts) : 0);
    out << line;
  }
  return k_exit_ok;
}

Expected<int> follow_logs(const Context& ctx, deploy::Session& s, const std::string& function,
                          long long since_ms, int limit, int interval_s, bool json) {
  auto print = [&](const std::string& line) {
    if (json) {
      *ctx.out << json_text(Json{{"function", function}, {"line", line}}) << "\n";
    } else {
      *ctx.out << line << "\n";
    }
  };
  Json detail = FSTAGE_TRY(s.api().log_detail(function));
  long long now = now_ms();
  for (const auto& l : FSTAGE_TRY(s.api().query_logs(detail, now - since_ms, now, limit))) {
    print(l);
  }
  ctx.out->flush();
  // Each poll asks again for the last k_overlap ms (LTS indexes a line some time after it was
  // written) and prints only the lines whose line_num it has not printed: those seen in the
  // overlap are remembered, older ones forgotten. The first poll starts where the tail ended;
  // its lines would repeat the tail's, whose line_nums `remote logs` does not keep, so it
  // starts just after the tail's end.
  constexpr long long k_overlap = 30'000;
  constexpr int k_page = 1000;
  std::map<std::string, long long> seen;  // line_num -> when first printed
  long long from = now + 1;
  while (!sleep_unless_interrupted(std::chrono::seconds(interval_s))) {
    now = now_ms();
    std::string after;
    while (true) {
      auto page = s.api().query_log_page(detail, from, now, k_page, after);
      if (!page) {
        if (page.error().code == ErrorCode::interrupted || interrupted()) {
          return k_exit_interrupted;
        }
        return fail(std::move(page).error());
      }
      for (const auto& l : *page) {
        if (seen.emplace(l.line_num, now).second || l.line_num.empty()) {
          print(l.content);
        }
      }
      if (page->size() < static_cast<std::size_t>(k_page) || page->back().line_num.empty()) {
        break;
      }
      after = page->back().line_num;
    }
    ctx.out->flush();
    from = std::max(from, now - k_overlap);
    std::erase_if(seen, [&](const auto& kv) { return kv.second < now - 2 * k_overlap; });
  }
  return k_exit_interrupted;
}

}  // namespace fstage::cli
