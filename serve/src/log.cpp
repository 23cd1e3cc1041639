// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <cstdio>
#include <ctime>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/serve/events.hpp>
#include <fstage/serve/log.hpp>

namespace fstage::serve {

namespace {

struct Now {
  std::tm tm{};
  long ms = 0;
};

Now now(bool utc) {
  auto t = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  Now n;
  n.ms = static_cast<long>(ms % 1000);
  if (utc) {
    ::gmtime_r(&secs, &n.tm);
  } else {
    ::localtime_r(&secs, &n.tm);
  }
  return n;
}

std::string dump(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string_view next_word(std::string_view& rest) {
  std::size_t end = rest.find(' ');
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return word;
}

}  // namespace

LineLevel classify_line(std::string_view line, std::string_view request_id) {
  std::string_view rest = line;
  std::string_view stamp = next_word(rest);
  std::string_view id = next_word(rest);
  std::string_view level = next_word(rest);
  // The time is "2024-01-02T03:04:05.678Z"; the id the invocation's.
  const bool logger_line = stamp.size() >= 20 && stamp[4] == '-' && stamp[10] == 'T' &&
                           !id.empty() && (request_id.empty() || id == request_id);
  if (logger_line) {
    static constexpr std::string_view k_levels[] = {"DEBUG",   "INFO",  "WARN",
                                                    "WARNING", "ERROR", "CRITICAL"};
    for (auto k : k_levels) {
      if (level == k) {
        std::string lower;
        for (char c : k == "WARNING" ? std::string_view("WARN") : k) {
          lower += static_cast<char>(c - 'A' + 'a');
        }
        return {lower, rest};
      }
    }
  }
  return {"info", line};
}

std::string clock_text() {
  Now n = now(false);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03ld", n.tm.tm_hour, n.tm.tm_min, n.tm.tm_sec,
                n.ms);
  return buf;
}

std::string clock_iso() {
  Now n = now(true);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", n.tm.tm_year + 1900,
                n.tm.tm_mon + 1, n.tm.tm_mday, n.tm.tm_hour, n.tm.tm_min, n.tm.tm_sec, n.ms);
  return buf;
}

void Logger::write(const std::string& line) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_pending += line;
  m_pending += '\n';
  if (m_writing) {
    return;  // the writing thread takes this line with its next batch
  }
  m_writing = true;
  std::string batch;
  while (!m_pending.empty()) {
    batch.swap(m_pending);
    m_pending.clear();
    lock.unlock();
    // One write(2) for the batch: stderr is unbuffered, and `<< line << '\n'` was two.
    m_out.write(batch.data(), static_cast<std::streamsize>(batch.size()));
    m_out.flush();
    lock.lock();
  }
  m_writing = false;
}

void Logger::access(const AccessRecord& r) {
  double ms = round_to(r.duration_ms, 3);
  const bool tell = m_bus != nullptr && !m_bus->unheard();  // once per request: made only if heard
  if (m_json || tell) {
    OrderedJson j = OrderedJson::object();
    j["time"] = clock_iso();
    j["type"] = "access";
    j["source"] = r.source.empty() ? "http" : r.source;
    j["method"] = r.method;
    j["path"] = r.path;
    j["status"] = r.status;
    j["duration_ms"] = ms;
    j["bytes"] = r.bytes;
    j["function"] = r.function;
    j["request_id"] = r.request_id;
    if (m_json) {
      write(dump(j));
    }
    if (tell) {
      m_bus->publish("access", r.function, std::move(j));
    }
    if (m_json) {
      return;
    }
  }
  if (m_quiet) {
    return;
  }
  char dur[32];
  std::snprintf(dur, sizeof(dur), "%.1fms", r.duration_ms);
  write(clock_text() + " " + r.method + " " + r.path + " " + std::to_string(r.status) + " " + dur +
        " " + (r.function.empty() ? "-" : r.function) + " " + r.request_id);
}

void Logger::function_line(std::string_view function, std::string_view request_id,
                           std::string_view line) {
  if (m_json || m_bus != nullptr) {
    const LineLevel l = classify_line(line, request_id);
    OrderedJson j = OrderedJson::object();
    j["time"] = clock_iso();
    j["type"] = "log";
    j["function"] = function;
    j["request_id"] = request_id;
    j["line"] = line;  // whole, as printed: where it was before level and message came
    j["level"] = l.level;
    j["message"] = l.message;
    if (m_json) {
      write(dump(j));
    }
    if (m_bus != nullptr) {
      m_bus->publish("log", std::string(function), std::move(j));
    }
    if (m_json) {
      return;
    }
  }
  if (m_quiet) {
    return;
  }
  write(clock_text() + " [" + std::string(function) + " " + std::string(request_id) + "] " +
        std::string(line));
}

void Logger::event(std::string_view level, std::string_view message) {
  if (m_json || m_bus != nullptr) {
    OrderedJson j = OrderedJson::object();
    j["time"] = clock_iso();
    j["type"] = "event";
    j["level"] = level;
    j["message"] = message;
    if (m_json) {
      write(dump(j));
    }
    if (m_bus != nullptr) {
      m_bus->publish("gateway", "", std::move(j));
    }
    if (m_json) {
      return;
    }
  }
  if (m_quiet && level != "warn") {
    return;
  }
  write(clock_text() + (level == "warn" ? " warning: " : " ") + std::string(message));
}

void Logger::invocation_started(std::string_view function, std::string_view request_id) {
  if (m_bus == nullptr ||
      m_bus->note_unheard("invocation_started", std::string(function), request_id)) {
    return;
  }
  OrderedJson j = OrderedJson::object();
  j["function"] = function;
  j["request_id"] = request_id;
  m_bus->publish("invocation_started", std::string(function), std::move(j));
}

void Logger::invocation_finished(std::string_view function, std::string_view request_id,
                                 std::string_view status, double duration_ms,
                                 double init_duration_ms, bool cold) {
  if (m_bus == nullptr ||
      m_bus->note_unheard("invocation_finished", std::string(function), request_id, status,
                          round_to(duration_ms, 3), round_to(init_duration_ms, 3))) {
    return;
  }
  OrderedJson j = OrderedJson::object();
  j["function"] = function;
  j["request_id"] = request_id;
  j["status"] = status;
  j["duration_ms"] = round_to(duration_ms, 3);
  j["init_duration_ms"] = round_to(init_duration_ms, 3);
  j["cold"] = cold;
  m_bus->publish("invocation_finished", std::string(function), std::move(j));
}

void Logger::event_once(std::string_view level, std::string_view message) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_once.emplace(message).second) {
      return;
    }
  }
  event(level, message);
}

}  // namespace fstage::serve
