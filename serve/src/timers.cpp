// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/serve/timers.hpp>

namespace fstage::serve {

namespace {

using namespace std::chrono;

std::int64_t be(const std::string& d, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<unsigned char>(d[at + static_cast<std::size_t>(i)]);
  }
  if (bytes == 4) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  }
  return static_cast<std::int64_t>(v);
}

bool day_matches(const manifest::Schedule& s, const year_month_day& ymd, weekday wd) {
  bool dom = s.days_of_month.test(static_cast<unsigned>(ymd.day()));
  bool dow = s.days_of_week.test(wd.c_encoding());
  bool any_dow = s.any_day_of_week || s.field_count < 6;
  if (s.any_day_of_month && any_dow) {
    return true;
  }
  if (s.any_day_of_month) {
    return dow;
  }
  if (any_dow) {
    return dom;
  }
  return dom || dow;
}

}  // namespace

Expected<TimeZone> TimeZone::load(const std::string& name) {
  std::string zone = name;
  std::string file;
  if (zone.empty()) {
    const char* tz = std::getenv("TZ");
    zone = tz != nullptr ? tz : "";
    if (!zone.empty() && zone.front() == ':') {
      zone.erase(0, 1);
    }
  }
  if (zone == "UTC" || zone == "Etc/UTC" || zone == "GMT") {
    return TimeZone();
  }
  if (zone.empty()) {
    file = "/etc/localtime";
  } else if (zone.find("..") != std::string::npos) {
    return fail(ErrorCode::invalid_input, "time zone " + zone + " is not a zone name");
  } else {
    file = zone.front() == '/' ? zone : "/usr/share/zoneinfo/" + zone;
  }
  auto data = read_file(file);
  if (!data) {
    if (name.empty()) {
      return TimeZone();  // no local zone configured: UTC
    }
    return fail(ErrorCode::not_found, "unknown time zone " + zone,
                "use an IANA name such as Asia/Shanghai or Europe/Berlin");
  }
  const std::string& d = *data;
  auto bad = [&] { return fail(ErrorCode::invalid_input, file + " is not a TZif time zone file"); };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) {
    return bad();
  }
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int i = 0; i < 6; ++i) {
      c[i] = be(d, at + 20 + static_cast<std::size_t>(i) * 4, 4);
    }
  };
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  std::int64_t c[6];
  counts(0, c);
  std::size_t at = 44;
  int time_bytes = 4;
  if (d[4] >= '2') {
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (d.size() < at + 44) {
      return bad();
    }
    counts(at, c);
    at += 44;
    time_bytes = 8;
  }
  std::size_t need = static_cast<std::size_t>(c[3] * time_bytes + c[3] + c[4] * 6);
  if (c[4] < 1 || d.size() < at + need) {
    return bad();
  }
  TimeZone z;
  z.m_name = zone.empty() ? "local" : zone;
  for (std::int64_t i = 0; i < c[3]; ++i) {
    z.m_transitions.push_back(be(d, at + static_cast<std::size_t>(i * time_bytes), time_bytes));
  }
  at += static_cast<std::size_t>(c[3] * time_bytes);
  for (std::int64_t i = 0; i < c[3]; ++i) {
    auto type = static_cast<std::uint8_t>(d[at + static_cast<std::size_t>(i)]);
    if (type >= c[4]) {
      return bad();
    }
    z.m_types.push_back(type);
  }
  at += static_cast<std::size_t>(c[3]);
  for (std::int64_t i = 0; i < c[4]; ++i) {
    z.m_offsets.push_back(
        static_cast<std::int32_t>(be(d, at + static_cast<std::size_t>(i) * 6, 4)));
  }
  z.m_initial = z.m_offsets.front();
  return z;
}

std::int64_t TimeZone::offset_at(std::int64_t t) const {
  if (m_transitions.empty()) {
    return m_offsets.empty() ? 0 : m_offsets.back();
  }
  auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), t);
  if (it == m_transitions.begin()) {
    return m_initial;
  }
  return m_offsets[m_types[static_cast<std::size_t>(it - m_transitions.begin() - 1)]];
}

std::optional<SysSeconds> next_fire(const manifest::Schedule& s, SysSeconds after,
                                    SysSeconds origin, const TimeZone& zone) {
  if (s.kind != manifest::Schedule::Kind::cron) {
    auto step = duration_cast<seconds>(s.interval);
    if (step < seconds(1)) {
      step = seconds(1);
    }
    if (after < origin) {
      return origin + step;
    }
    auto k = (after - origin) / step + 1;
    return origin + k * step;
  }
  std::int64_t t = after.time_since_epoch().count() + 1;
  const std::int64_t limit = t + std::int64_t{5} * 366 * 86400;
  while (t < limit) {
    std::int64_t local = t + zone.offset_at(t);
    auto day = floor<days>(sys_seconds(seconds(local)));
    std::int64_t sod = local - day.time_since_epoch().count() * 86400;
    year_month_day ymd(day);
    auto hour = static_cast<std::size_t>(sod / 3600);
    auto minute = static_cast<std::size_t>(sod / 60 % 60);
    auto second = static_cast<std::size_t>(sod % 60);
    if (!s.months.test(static_cast<unsigned>(ymd.month())) || !day_matches(s, ymd, weekday(day))) {
      t += 86400 - sod;
    } else if (!s.hours.test(hour)) {
      t += 3600 - static_cast<std::int64_t>(minute * 60 + second);
    } else if (!s.minutes.test(minute)) {
      t += 60 - static_cast<std::int64_t>(second);
    } else if (!s.seconds.test(second)) {
      t += 1;
    } else {
      return SysSeconds(seconds(t));
    }
  }
  return std::nullopt;
}

std::string iso_time(SysSeconds t, const TimeZone& zone) {
  std::int64_t off = zone.offset_at(t.time_since_epoch().count());
  auto local = t + seconds(off);
  auto day = floor<days>(local);
  year_month_day ymd(day);
  hh_mm_ss hms(local - day);
  char buf[128];
  std::int64_t a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02ld:%02ld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()),
                off < 0 ? '-' : '+', static_cast<long>(a / 3600), static_cast<long>(a / 60 % 60));
  return buf;
}

std::string timer_event(const std::string& trigger_name, const std::string& user_event,
                        SysSeconds t, const TimeZone& zone) {
  OrderedJson j = OrderedJson::object();
  j["version"] = "v1.0";
  j["time"] = iso_time(t, zone);
  j["trigger_type"] = "TIMER";
  j["trigger_name"] = trigger_name;
  j["user_event"] = user_event;
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

TimerScheduler::TimerScheduler(std::vector<TimerSpec> timers, Fire fire)
    : m_timers(std::move(timers)), m_fire(std::move(fire)) {
  if (!m_timers.empty()) {
    m_thread = std::thread([this] { run(); });
  }
}

TimerScheduler::~TimerScheduler() {
  stop();
}

void TimerScheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void TimerScheduler::run() {
  const SysSeconds origin = floor<seconds>(system_clock::now());
  std::vector<std::optional<SysSeconds>> next;
  for (const auto& t : m_timers) {
    next.push_back(next_fire(t.schedule, origin, origin, t.zone));
  }
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    std::optional<SysSeconds> soonest;
    for (const auto& n : next) {
      if (n && (!soonest || *n < *soonest)) {
        soonest = n;
      }
    }
    if (!soonest) {
      m_cv.wait(lock, [&] { return m_stop; });
      break;
    }
    if (m_cv.wait_until(lock, *soonest, [&] { return m_stop; })) {
      break;
    }
    lock.unlock();
    for (std::size_t i = 0; i < m_timers.size(); ++i) {
      if (next[i] && *next[i] <= *soonest) {
        m_fire(m_timers[i],
               timer_event(m_timers[i].name, m_timers[i].user_event, *next[i], m_timers[i].zone));
        next[i] = next_fire(m_timers[i].schedule, *next[i], origin, m_timers[i].zone);
      }
    }
    lock.lock();
  }
}

}  // namespace fstage::serve
