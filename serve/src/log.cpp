// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <cstdio>
#include <ctime>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
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

}  // namespace

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
  if (m_json) {
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
    write(dump(j));
    return;
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
  if (m_json) {
    OrderedJson j = OrderedJson::object();
    j["time"] = clock_iso();
    j["type"] = "log";
    j["function"] = function;
    j["request_id"] = request_id;
    j["line"] = line;
    write(dump(j));
    return;
  }
  if (m_quiet) {
    return;
  }
  write(clock_text() + " [" + std::string(function) + " " + std::string(request_id) + "] " +
        std::string(line));
}

void Logger::event(std::string_view level, std::string_view message) {
  if (m_json) {
    OrderedJson j = OrderedJson::object();
    j["time"] = clock_iso();
    j["type"] = "event";
    j["level"] = level;
    j["message"] = message;
    write(dump(j));
    return;
  }
  if (m_quiet && level != "warn") {
    return;
  }
  write(clock_text() + (level == "warn" ? " warning: " : " ") + std::string(message));
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
