// SPDX-License-Identifier: Apache-2.0
// The serve log: one access line per request, the functions' output line by line tagged with
// function and request id, and gateway events. Text for people, or one JSON object per line
// (--log-format json). Thread-safe; every line is written whole. With an EventBus attached,
// every record is also published there (events.hpp), with the invocations' start and end,
// which the written log leaves out.
#pragma once

#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

namespace fstage::serve {

struct AccessRecord {
  std::string method;
  std::string path;
  int status = 0;
  double duration_ms = 0;
  std::string request_id;
  std::string function;  // "" when no route matched
  std::size_t bytes = 0;
  std::string source;  // "http" or "timer"
};

class EventBus;

// A function's output line split as the runtimes' loggers write it ("<time> <request id>
// <LEVEL> <message>"): its level (lower case) and message. A plain print is "info", whole.
struct LineLevel {
  std::string level;
  std::string_view message;
};
LineLevel classify_line(std::string_view line, std::string_view request_id);

class Logger {
 public:
  Logger(std::ostream& out, bool json, bool quiet) : m_out(out), m_json(json), m_quiet(quiet) {}

  void access(const AccessRecord& r);
  // One line of a function's output (without the newline).
  void function_line(std::string_view function, std::string_view request_id, std::string_view line);
  // A gateway event ("listening", "recycled", "timer fired", ...). `level` is info or warn.
  void event(std::string_view level, std::string_view message);
  // event(), unless this very message was logged by event_once before.
  void event_once(std::string_view level, std::string_view message);

  // Publishes every record to `bus` from now on (nullptr: none). Set before serving starts.
  void attach(EventBus* bus) { m_bus = bus; }
  EventBus* bus() const { return m_bus; }
  // An invocation began on an instance / ended (status: ok, function_error, timeout, ...):
  // published to the bus only.
  void invocation_started(std::string_view function, std::string_view request_id);
  void invocation_finished(std::string_view function, std::string_view request_id,
                           std::string_view status, double duration_ms, double init_duration_ms,
                           bool cold);

 private:
  // Lines are written at once, one write(2) each when the gateway is quiet; under load the
  // lines that arrive while one thread writes go out together in its next write (group
  // commit), in order, and no thread holds the lock while writing.
  void write(const std::string& line);
  std::mutex m_mutex;
  std::string m_pending;                      // lines waiting for the writer
  bool m_writing = false;                     // a thread is writing m_out (outside the lock)
  std::set<std::string, std::less<>> m_once;  // what event_once logged
  std::ostream& m_out;
  bool m_json;
  bool m_quiet;
  EventBus* m_bus = nullptr;
};

// Local wall-clock time with milliseconds, "12:34:56.789", for text lines; ISO-8601 UTC for
// JSON lines.
std::string clock_text();
std::string clock_iso();

// Collects a function's output chunks and emits whole lines.
class LineSplitter {
 public:
  template <typename F>
  void feed(std::string_view chunk, F&& emit) {
    m_partial.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl; (nl = m_partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      emit(std::string_view(m_partial).substr(start, nl - start));
    }
    m_partial.erase(0, start);
  }
  template <typename F>
  void flush(F&& emit) {
    if (!m_partial.empty()) {
      emit(std::string_view(m_partial));
      m_partial.clear();
    }
  }

 private:
  std::string m_partial;
};

}  // namespace fstage::serve
