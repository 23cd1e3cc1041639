// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include <fstage/serve/events.hpp>
#include <fstage/serve/log.hpp>

namespace fstage::serve {

namespace {

std::string dump(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

bool matches(const std::string& filter, const std::string& function) {
  return filter.empty() || function.empty() || filter == function;
}

std::string text_field(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number_field(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace

void Subscription::offer(const BusEventPtr& e) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_closed) {
      return;
    }
    if (m_queue.size() >= m_limit) {
      ++m_dropped;
      ++m_dropped_total;
      return;
    }
    m_queue.push_back(e);
  }
  m_cv.notify_one();
}

std::optional<std::vector<BusEventPtr>> Subscription::next(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_cv.wait_for(lock, wait, [&] { return !m_queue.empty() || m_dropped > 0 || m_closed; });
  if (m_queue.empty() && m_dropped == 0 && m_closed) {
    return std::nullopt;
  }
  std::vector<BusEventPtr> out;
  out.reserve(m_queue.size() + 1);
  if (m_dropped > 0) {
    // Where the gap is: before the events that follow, after those already taken.
    auto d = std::make_shared<BusEvent>();
    d->type = "dropped";
    OrderedJson j = OrderedJson::object();
    j["type"] = "dropped";
    j["time"] = clock_iso();
    j["count"] = m_dropped;
    j["message"] = std::to_string(m_dropped) +
                   " events were dropped: this subscriber read more slowly than serve wrote";
    d->json = dump(j);
    out.push_back(std::move(d));
    m_dropped = 0;
  }
  for (auto& e : m_queue) {
    out.push_back(std::move(e));
  }
  m_queue.clear();
  return out;
}

void Subscription::close() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
  }
  m_cv.notify_all();
}

std::uint64_t Subscription::dropped_total() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_dropped_total;
}

void EventBus::publish(const std::string& type, const std::string& function, OrderedJson data) {
  if (!data.is_object()) {
    data = OrderedJson::object();
  }
  if (!data.contains("type") || !data.contains("time")) {
    OrderedJson j = OrderedJson::object();
    j["type"] = type;
    j["time"] = clock_iso();
    for (auto it = data.begin(); it != data.end(); ++it) {
      j[it.key()] = std::move(it.value());
    }
    data = std::move(j);
  }
  // Nobody to tell and nothing to keep for a later subscriber's backlog (only log events are
  // kept): the recent invocations alone take note, and no event is made. Every request
  // publishes two or three of these (access, invocation_started, invocation_finished).
  if (type != "log") {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_closed) {
      return;
    }
    if (m_subscribers.empty()) {
      ++m_seq;
      remember_locked(type, function, data);
      return;
    }
  }
  auto e = std::make_shared<BusEvent>();
  e->type = type;
  e->function = function;
  e->json = dump(data);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_closed) {
    return;
  }
  // Numbered under the lock, so that every subscriber sees the same order.
  e->seq = ++m_seq;
  remember_locked(type, function, data);
  if (type == "log") {
    m_lines.push_back(e);
    if (m_lines.size() > m_options.recent_lines) {
      m_lines.pop_front();
    }
  }
  bool expired = false;
  for (const auto& w : m_subscribers) {
    auto s = w.lock();
    if (!s) {
      expired = true;
      continue;
    }
    if (matches(s->m_function, function)) {
      s->offer(e);
    }
  }
  if (expired) {
    std::erase_if(m_subscribers, [](const auto& w) { return w.expired(); });
  }
}

InvocationRecord* EventBus::record_locked(bool finishing, const std::string& function,
                                          std::string_view id, const std::string* time) {
  if (auto it = m_by_id.find(id); it != m_by_id.end()) {
    return it->second;
  }
  if (finishing && m_invocations.size() >= m_options.recent_invocations) {
    return nullptr;  // ended long ago, out of the ring: nothing to update
  }
  InvocationRecord r;
  r.function = function;
  r.request_id = std::string(id);
  r.started = time != nullptr ? *time : clock_iso();
  r.status = "running";
  m_invocations.push_back(std::move(r));
  m_by_id[m_invocations.back().request_id] = &m_invocations.back();
  if (m_invocations.size() > m_options.recent_invocations) {
    auto oldest = m_by_id.find(m_invocations.front().request_id);
    if (oldest != m_by_id.end() && oldest->second == &m_invocations.front()) {
      m_by_id.erase(oldest);
    }
    m_invocations.pop_front();
  }
  return &m_invocations.back();
}

bool EventBus::note_unheard(const std::string& type, const std::string& function,
                            std::string_view request_id, std::string_view status,
                            double duration_ms, double init_duration_ms) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_closed) {
    return true;
  }
  if (!m_subscribers.empty()) {
    return false;
  }
  ++m_seq;
  if (request_id.empty()) {
    return true;
  }
  InvocationRecord* rec =
      record_locked(type == "invocation_finished", function, request_id, nullptr);
  if (rec != nullptr && type == "invocation_finished") {
    rec->status = std::string(status);
    rec->duration_ms = duration_ms;
    rec->init_duration_ms = init_duration_ms;
  }
  return true;
}

void EventBus::remember_locked(const std::string& type, const std::string& function,
                               const OrderedJson& data) {
  if (type != "log" && type != "invocation_started" && type != "invocation_finished") {
    return;
  }
  const std::string id = text_field(data, "request_id");
  if (id.empty()) {
    return;
  }
  const std::string time = text_field(data, "time");
  InvocationRecord* rec = record_locked(type == "invocation_finished", function, id, &time);
  if (rec == nullptr) {
    return;
  }
  if (type == "log") {
    if (rec->lines.size() >= m_options.max_lines) {
      ++rec->lines_dropped;
      return;
    }
    OrderedJson line = OrderedJson::object();
    line["time"] = text_field(data, "time");
    line["level"] = text_field(data, "level");
    line["message"] = text_field(data, "message");
    rec->lines.push_back(std::move(line));
  } else if (type == "invocation_finished") {
    rec->status = text_field(data, "status");
    rec->duration_ms = number_field(data, "duration_ms");
    rec->init_duration_ms = number_field(data, "init_duration_ms");
  }
}

std::shared_ptr<Subscription> EventBus::subscribe(const std::string& function,
                                                  std::size_t backlog) {
  auto s = std::make_shared<Subscription>(function, m_options.queue_limit);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_closed) {
    return nullptr;
  }
  std::vector<BusEventPtr> earlier;
  for (auto it = m_lines.rbegin(); it != m_lines.rend() && earlier.size() < backlog; ++it) {
    if (matches(function, (*it)->function)) {
      earlier.push_back(*it);
    }
  }
  for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
    s->offer(*it);
  }
  m_subscribers.push_back(s);
  m_subscribed.notify_all();
  return s;
}

bool EventBus::wait_for_subscriber(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(m_mutex);
  auto live = [&] {
    return std::any_of(m_subscribers.begin(), m_subscribers.end(),
                       [](const auto& w) { return !w.expired(); });
  };
  m_subscribed.wait_for(lock, timeout, [&] { return m_closed || live(); });
  return !m_closed && live();
}

bool EventBus::unheard() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_subscribers.empty();
}

std::size_t EventBus::subscribers() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return static_cast<std::size_t>(std::count_if(m_subscribers.begin(), m_subscribers.end(),
                                                [](const auto& w) { return !w.expired(); }));
}

void EventBus::close() {
  std::vector<std::shared_ptr<Subscription>> open;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
    for (const auto& w : m_subscribers) {
      if (auto s = w.lock()) {
        open.push_back(std::move(s));
      }
    }
    m_subscribers.clear();
  }
  m_subscribed.notify_all();
  for (const auto& s : open) {
    s->close();
  }
}

std::vector<InvocationRecord> EventBus::recent_invocations(const std::string& function,
                                                           std::size_t limit) const {
  std::vector<InvocationRecord> out;
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto it = m_invocations.rbegin(); it != m_invocations.rend() && out.size() < limit; ++it) {
    if (function.empty() || it->function == function) {
      out.push_back(*it);
    }
  }
  return out;
}

std::vector<BusEventPtr> EventBus::recent_lines(const std::string& function,
                                                std::size_t limit) const {
  std::vector<BusEventPtr> out;
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto it = m_lines.rbegin(); it != m_lines.rend() && out.size() < limit; ++it) {
    if (function.empty() || (*it)->function == function) {
      out.push_back(*it);
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

OrderedJson to_json(const InvocationRecord& r) {
  OrderedJson j = OrderedJson::object();
  j["function"] = r.function;
  j["request_id"] = r.request_id;
  j["started"] = r.started;
  j["status"] = r.status;
  j["duration_ms"] = r.duration_ms;
  j["init_duration_ms"] = r.init_duration_ms;
  j["lines"] = OrderedJson::array();
  for (const auto& l : r.lines) {
    j["lines"].push_back(l);
  }
  j["lines_dropped"] = r.lines_dropped;
  return j;
}

std::string sse_frame(const BusEvent& e) {
  // The JSON is one line (dump without indent escapes newlines in strings).
  std::string out;
  out.reserve(e.json.size() + e.type.size() + 40);
  if (e.seq != 0) {
    out += "id: " + std::to_string(e.seq) + "\n";
  }
  out += "event: " + e.type + "\ndata: " + e.json + "\n\n";
  return out;
}

}  // namespace fstage::serve
