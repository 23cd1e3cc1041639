// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cstdio>
#include <vector>

#include <fstage/base/time.hpp>
#include <fstage/serve/requests.hpp>

namespace fstage::serve {

std::string iso8601_ms(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const UtcTime u = utc_time(ms / 1000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", u.year, u.month, u.day,
                u.hour, u.minute, u.second, static_cast<int>(ms % 1000));
  return buf;
}

namespace {

std::size_t size_of(const RecordedRequest& r) {
  std::size_t n = r.event.size() + r.request_id.size() + r.function.size();
  for (const auto& [k, v] : r.headers) {
    n += k.size() + v.size();
  }
  return n;
}

OrderedJson brief(const RecordedRequest& r) {
  OrderedJson j;
  j["request_id"] = r.request_id;
  j["function"] = r.function;
  j["time"] = r.time;
  j["bytes"] = r.event.size();
  return j;
}

}  // namespace

void RequestHistory::drop_oldest_locked(std::deque<RecordedRequest>& q) {
  m_bytes -= size_of(q.front());
  q.pop_front();
}

void RequestHistory::record(const std::string& function, const sandbox::InvokeRequest& request) {
  RecordedRequest r;
  r.request_id = request.request_id;
  r.function = function;
  r.time = iso8601_ms(std::chrono::system_clock::now());
  r.event = request.event;
  r.headers = request.headers;
  const std::size_t bytes = size_of(r);
  std::lock_guard<std::mutex> lock(m_mutex);
  auto& q = m_by_function[function];
  q.push_back(std::move(r));
  m_bytes += bytes;
  while (q.size() > m_per_function) {
    drop_oldest_locked(q);
  }
  // Over the byte budget: this function's oldest go first, then the other functions'
  // (the newest request itself always stays, so that it can be replayed).
  while (m_bytes > m_max_bytes && q.size() > 1) {
    drop_oldest_locked(q);
  }
  for (auto& [name, other] : m_by_function) {
    while (m_bytes > m_max_bytes && !other.empty() && &other != &q) {
      drop_oldest_locked(other);
    }
  }
}

OrderedJson RequestHistory::list(std::string_view function) const {
  std::vector<const RecordedRequest*> all;
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& [name, q] : m_by_function) {
    if (!function.empty() && name != function) {
      continue;
    }
    for (auto it = q.rbegin(); it != q.rend(); ++it) {
      all.push_back(&*it);  // newest first, as the sort below keeps equal times
    }
  }
  // ISO times with milliseconds sort as strings; within one function the deque is in order.
  std::stable_sort(all.begin(), all.end(), [](const RecordedRequest* a, const RecordedRequest* b) {
    return a->time > b->time;
  });
  OrderedJson out = OrderedJson::array();
  for (const auto* r : all) {
    out.push_back(brief(*r));
  }
  return out;
}

std::optional<OrderedJson> RequestHistory::find(std::string_view request_id) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& [name, q] : m_by_function) {
    for (const auto& r : q) {
      if (r.request_id == request_id) {
        OrderedJson j = brief(r);
        j["event"] = r.event;
        OrderedJson headers = OrderedJson::object();
        for (const auto& [k, v] : r.headers) {
          headers[k] = v;
        }
        j["headers"] = headers;
        return j;
      }
    }
  }
  return std::nullopt;
}

}  // namespace fstage::serve
