// SPDX-License-Identifier: Apache-2.0
// TIMER triggers: when a schedule fires next, and a thread that fires them into the pools with
// the platform's timer payload {"version","time","trigger_type","trigger_name","user_event"}.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/manifest/schedule.hpp>

namespace fstage::serve {

using SysSeconds = std::chrono::sys_seconds;

// A time zone read from a TZif file (/usr/share/zoneinfo): UTC offsets over time.
class TimeZone {
 public:
  // "" = the host's zone (TZ, else /etc/localtime); "UTC"; or an IANA name like
  // "Europe/Berlin". Errors: not_found (no such zone), invalid_input (not a TZif file).
  static Expected<TimeZone> load(const std::string& name);
  static TimeZone utc() { return TimeZone(); }
  // Offset from UTC at instant `t`, in seconds (east positive).
  std::int64_t offset_at(std::int64_t unix_seconds) const;
  const std::string& name() const { return m_name; }

 private:
  std::string m_name = "UTC";
  std::vector<std::int64_t> m_transitions;
  std::vector<std::uint8_t> m_types;    // type index per transition
  std::vector<std::int32_t> m_offsets;  // per type
  std::int32_t m_initial = 0;
};

// The first time strictly after `after` at which `schedule` fires. Rate and @every fire every
// interval counted from `origin` (when serve started); cron fields are matched in `zone`.
// nullopt when a cron schedule matches nothing within five years (e.g. 30 February).
std::optional<SysSeconds> next_fire(const manifest::Schedule& schedule, SysSeconds after,
                                    SysSeconds origin, const TimeZone& zone);

// "2023-06-01T08:30:00+08:00": `t` in `zone`, as the timer payload's `time` field.
std::string iso_time(SysSeconds t, const TimeZone& zone);

// The timer trigger's event.
std::string timer_event(const std::string& trigger_name, const std::string& user_event,
                        SysSeconds t, const TimeZone& zone);

struct TimerSpec {
  std::string function;  // "" for a flow's FLOWTIMER
  std::string flow;      // a FLOWTIMER's flow; user_event is then the flow's input (JSON)
  std::string name;      // trigger_name
  std::string schedule_text;
  manifest::Schedule schedule;
  std::string user_event;
  TimeZone zone;
};

// Fires each timer on its schedule by calling `fire(spec, event)` from its own thread.
class TimerScheduler {
 public:
  using Fire = std::function<void(const TimerSpec&, const std::string& event)>;
  TimerScheduler(std::vector<TimerSpec> timers, Fire fire);
  ~TimerScheduler();
  TimerScheduler(const TimerScheduler&) = delete;
  TimerScheduler& operator=(const TimerScheduler&) = delete;
  void stop();

 private:
  void run();
  std::vector<TimerSpec> m_timers;
  Fire m_fire;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace fstage::serve
