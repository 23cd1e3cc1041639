// SPDX-License-Identifier: Apache-2.0
// The AsyncInvoker: one scheduler thread moves due events from the per-function queues into the
// function's pool (at most max_in_flight each); a pool's worker reports the result, which ends
// the event (success, or failure once no retry is left) or queues it again after a backoff.
#include <algorithm>
#include <cstdio>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/time.hpp>
#include <fstage/serve/async_invoke.hpp>

namespace fstage::serve {

namespace fs = std::filesystem;
namespace sb = fstage::sandbox;

namespace {

constexpr std::size_t k_records_kept = 1000;  // per function, for ListFunctionAsyncInvocations

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-12-05T02:20:00" (UTC), the API's invocation times; with_ms adds ".123Z".
std::string iso(std::int64_t ms, bool with_ms) {
  UtcTime t = utc_time(ms / 1000);
  char buf[48];
  if (with_ms) {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day,
                  t.hour, t.minute, t.second, static_cast<int>(ms % 1000));
  } else {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
  }
  return buf;
}

}  // namespace

AsyncInvoker::AsyncInvoker(AsyncOptions options, Runner runner, DestinationSink sink, Logger& log)
    : m_opts(std::move(options)), m_runner(std::move(runner)), m_sink(std::move(sink)), m_log(log) {
  m_thread = std::thread([this] { schedule(); });
}

AsyncInvoker::~AsyncInvoker() {
  stop();
}

fs::path AsyncInvoker::journal_dir() const {
  return m_opts.root / ".fstage" / "pending" / "async";
}

std::string AsyncInvoker::function_urn(const std::string& function) const {
  return "urn:fss:" + m_opts.region + ":" + m_opts.project_id + ":function:" + m_opts.package +
         ":" + function + ":latest";
}

void AsyncInvoker::set_functions(const std::vector<manifest::Function>& functions) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_configs.clear();
  m_config_times.clear();
  std::map<std::string, Queue> kept;
  for (const auto& f : functions) {
    kept[f.name] = std::move(m_queues[f.name]);
    if (f.async_invoke) {
      m_configs[f.name] = *f.async_invoke;
    }
  }
  // A function the manifest no longer has: its queued events stay journaled for a later start.
  for (auto& [name, q] : m_queues) {
    if (kept.count(name) == 0 && !q.waiting.empty()) {
      m_log.event("warn", std::to_string(q.waiting.size()) + " asynchronous event(s) for " +
                              quote(name) +
                              ", which the manifest no longer has, stay in .fstage/pending/async/");
    }
  }
  m_queues = std::move(kept);
  m_cv.notify_all();
}

bool AsyncInvoker::serves(const std::string& function) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_queues.count(function) != 0;
}

std::vector<std::string> AsyncInvoker::functions() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<std::string> out;
  for (const auto& [name, q] : m_queues) {
    out.push_back(name);
  }
  return out;
}

Expected<void> AsyncInvoker::journal(const Event& e) {
  OrderedJson j;
  j["request_id"] = e.id;
  j["function"] = e.function;
  j["source"] = e.source;
  j["accepted_ms"] = e.accepted_ms;
  j["attempts"] = e.attempts;
  j["first_start"] = e.first_start;
  j["event"] = e.event;
  std::error_code ec;
  fs::create_directories(journal_dir(), ec);
  return write_file_atomic(journal_dir() / (e.id + ".json"), j.dump());
}

void AsyncInvoker::unjournal(const Event& e) {
  std::error_code ec;
  fs::remove(journal_dir() / (e.id + ".json"), ec);
}

void AsyncInvoker::record(const Event& e, const std::string& status, const std::string& error) {
  auto& list = m_records[e.function];
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const AsyncRecord& r) { return r.request_id == e.id; });
  if (it == list.end()) {
    list.push_front(AsyncRecord{e.id, e.function, status, error, "", ""});
    it = list.begin();
    if (list.size() > k_records_kept) {
      list.pop_back();
    }
  }
  it->status = status;
  it->error_message = error;
  if (status == "RUNNING" && it->start_time.empty()) {
    it->start_time = iso(wall_ms(), false);
  }
  if (status == "SUCCESS" || status == "FAIL" || status == "DISCARD") {
    it->end_time = iso(wall_ms(), false);
  }
}

Expected<std::string> AsyncInvoker::invoke(const std::string& function, std::string event,
                                           const std::string& source) {
  Event e;
  e.id = sb::new_request_id();
  e.function = function;
  e.event = std::move(event);
  e.source = source;
  e.accepted_ms = wall_ms();
  e.due = Clock::now();
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    // A destination's notification is journaled even while serve stops (it runs next start).
    if (m_draining && source != "async-destination") {
      return fail(ErrorCode::interrupted, "fstage serve is shutting down",
                  "send the event again once serve runs");
    }
    auto it = m_queues.find(function);
    if (it == m_queues.end()) {
      return fail(ErrorCode::not_found, "no function " + quote(function) + " is served");
    }
    if (it->second.pending >= m_opts.queue) {
      return fail(ErrorCode::limit,
                  "the asynchronous queue of " + quote(function) + " is full (" +
                      std::to_string(m_opts.queue) + " events not yet finished)",
                  "retry later, or start serve with a larger --queue");
    }
    // Journaled before it is acknowledged: an accepted event survives whatever comes next.
    if (auto j = journal(e); !j) {
      return tl::unexpected(std::move(j).error());
    }
    ++it->second.pending;
    record(e, "WAIT");
    it->second.waiting.push_back(e);
  }
  m_cv.notify_all();
  return e.id;
}

std::size_t AsyncInvoker::recover() {
  std::error_code ec;
  std::vector<Event> found;
  for (fs::directory_iterator it(journal_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json" || !it->is_regular_file(ec)) {
      continue;
    }
    auto text = read_file(it->path());
    OrderedJson j = text ? OrderedJson::parse(*text, nullptr, false) : OrderedJson();
    if (!j.is_object() || !j.contains("request_id") || !j.contains("function")) {
      m_log.event("warn", "asynchronous journal " + it->path().string() + " is not readable; left");
      continue;
    }
    Event e;
    e.id = j.value("request_id", "");
    e.function = j.value("function", "");
    e.source = j.value("source", "");
    e.accepted_ms = j.value("accepted_ms", std::int64_t{0});
    e.attempts = j.value("attempts", 0);
    e.first_start = j.value("first_start", "");
    e.event = j.value("event", "{}");
    e.due = Clock::now();
    found.push_back(std::move(e));
  }
  std::sort(found.begin(), found.end(),
            [](const Event& a, const Event& b) { return a.accepted_ms < b.accepted_ms; });
  std::size_t queued = 0;
  std::map<std::string, std::size_t> orphans;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& e : found) {
      auto it = m_queues.find(e.function);
      if (it == m_queues.end()) {
        ++orphans[e.function];
        continue;
      }
      ++it->second.pending;  // accepted before: the queue's bound does not refuse them
      record(e, "WAIT");
      it->second.waiting.push_back(std::move(e));
      ++queued;
    }
  }
  for (const auto& [name, n] : orphans) {
    m_log.event("warn", std::to_string(n) + " journaled asynchronous event(s) for " + quote(name) +
                            ", which the manifest does not have, stay in .fstage/pending/async/");
  }
  if (queued > 0) {
    m_log.event("info", "delivering " + std::to_string(queued) +
                            " asynchronous event(s) journaled by a previous run");
  }
  m_cv.notify_all();
  return queued;
}

void AsyncInvoker::schedule() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    Clock::time_point next = Clock::now() + std::chrono::seconds(1);
    std::vector<Event> ready;
    if (!m_draining) {
      const auto now = Clock::now();
      for (auto& [name, q] : m_queues) {
        for (auto it = q.waiting.begin();
             it != q.waiting.end() && q.in_flight < m_opts.max_in_flight;) {
          if (it->due <= now) {
            ++q.in_flight;
            m_starting.insert(it->id);
            ready.push_back(std::move(*it));
            it = q.waiting.erase(it);
          } else {
            next = std::min(next, it->due);
            ++it;
          }
        }
      }
    }
    if (!ready.empty()) {
      lock.unlock();
      for (auto& e : ready) {
        start(std::move(e));
      }
      lock.lock();
      continue;
    }
    m_cv.wait_until(lock, next);
  }
}

void AsyncInvoker::start(Event e) {
  // The platform's maximum validity period: an event that waited too long is not run again.
  const manifest::AsyncInvokeConfig cfg = effective(e.function);
  if (wall_ms() - e.accepted_ms >= std::int64_t{cfg.max_async_event_age_in_seconds} * 1000) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_starting.erase(e.id);
    }
    m_cv.notify_all();
    conclude(e, nullptr, "EventAgeExceeded");  // counts it out of in_flight and pending
    return;
  }
  ++e.attempts;
  if (e.first_start.empty()) {
    e.first_start = iso(wall_ms(), true);
  }
  sb::InvokeRequest ir;
  ir.request_id = e.id;
  ir.event = e.event;
  ir.headers["X-CFF-Invoke-Type"] = "async";
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    record(e, "RUNNING");
  }
  // The attempt's event, shared with its result: the journal records the attempt unless the
  // result (which may end the event and remove its journal) came first.
  struct Attempt {
    Event event;
    std::mutex mutex;
    bool over = false;
  };
  auto attempt = std::make_shared<Attempt>();
  attempt->event = e;
  const auto t0 = Clock::now();
  bool queued = m_runner(e.function, std::move(ir), [this, attempt, t0](sb::InvokeResult r) {
    {
      std::lock_guard<std::mutex> lock(attempt->mutex);
      attempt->over = true;
    }
    const Event& ev = attempt->event;
    if (m_opts.on_attempt && r.status != sb::InvokeStatus::cancelled) {
      m_opts.on_attempt(ev.function, ev.source, ev.id, r,
                        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    finished(attempt->event, std::move(r));
  });
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_starting.erase(e.id);
    if (!queued) {
      // The pool is full (sync requests share it) or stopping: not an attempt; again soon.
      --e.attempts;
      e.due = Clock::now() + std::chrono::milliseconds(100);
      if (auto it = m_queues.find(e.function); it != m_queues.end()) {
        --it->second.in_flight;
        record(e, "WAIT");
        it->second.waiting.push_front(std::move(e));
      }
    }
  }
  m_cv.notify_all();
  if (queued) {
    std::lock_guard<std::mutex> lock(attempt->mutex);
    if (!attempt->over) {
      (void)journal(attempt->event);  // the attempt counts even if serve dies during it
    }
  }
}

void AsyncInvoker::finished(Event e, sb::InvokeResult r) {
  if (r.status == sb::InvokeStatus::cancelled) {
    // serve is stopping (a drain answered it before it ran, or a second signal killed it): the
    // event stays journaled and runs at the next start, this attempt not counted.
    --e.attempts;
    (void)journal(e);
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto it = m_queues.find(e.function); it != m_queues.end()) {
      --it->second.in_flight;
    }
    record(e, "WAIT");
    return;
  }
  const bool ok = r.status == sb::InvokeStatus::ok;
  manifest::AsyncInvokeConfig cfg = effective(e.function);
  const std::int64_t age = wall_ms() - e.accepted_ms;
  if (!ok && async_should_retry(e.attempts, cfg.max_async_retry_attempts, age,
                                cfg.max_async_event_age_in_seconds)) {
    const auto wait = async_backoff(e.attempts, m_opts.retry_base);
    m_log.event("warn", "asynchronous " + quote(e.function) + " " + e.id + " failed (" +
                            std::string(sb::to_string(r.status)) + "), attempt " +
                            std::to_string(e.attempts) + " of " +
                            std::to_string(1 + cfg.max_async_retry_attempts) + "; retrying in " +
                            std::to_string(wait.count()) + " ms");
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_queues.find(e.function);
    if (it != m_queues.end()) {
      --it->second.in_flight;
      e.due = Clock::now() + wait;
      record(e, "WAIT", r.error);
      it->second.waiting.push_back(std::move(e));
    }
    m_cv.notify_all();
    return;
  }
  std::string condition;
  if (!ok) {
    condition = e.attempts <= cfg.max_async_retry_attempts ? "EventAgeExceeded"
                                                           : "UnhandledInvocationError";
  }
  conclude(e, &r, condition);
}

}  // namespace fstage::serve
