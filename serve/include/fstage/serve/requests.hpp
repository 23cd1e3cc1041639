// SPDX-License-Identifier: Apache-2.0
// The last requests each function got in `fstage serve`, for `GET /_fstage/requests` and
// `fstage invoke --replay`: the event exactly as the function received it (an APIG route's
// event, a timer's, a flow state's input), its X-CFF-* headers, request id, time and source.
// Kept in memory only (the user's own data, never written to disk), the oldest dropped past
// k_kept_per_function per function or k_max_bytes in all.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <fstage/base/json.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::serve {

struct RecordedRequest {
  std::string request_id;
  std::string function;
  std::string time;  // ISO 8601 UTC with milliseconds
  std::string event;
  std::map<std::string, std::string> headers;
};

class RequestHistory {
 public:
  static constexpr std::size_t k_kept_per_function = 20;
  static constexpr std::size_t k_max_bytes = 64u << 20;

  explicit RequestHistory(std::size_t per_function = k_kept_per_function,
                          std::size_t max_bytes = k_max_bytes)
      : m_per_function(per_function), m_max_bytes(max_bytes) {}

  // A request submitted to `function`'s pool.
  void record(const std::string& function, const sandbox::InvokeRequest& request);
  // Newest first, without the events: {request_id, function, time, bytes}. "" = every function.
  OrderedJson list(std::string_view function = "") const;
  // One request, the whole of it: {request_id, function, time, event, headers}.
  std::optional<OrderedJson> find(std::string_view request_id) const;

 private:
  void drop_oldest_locked(std::deque<RecordedRequest>& q);

  std::size_t m_per_function;
  std::size_t m_max_bytes;
  mutable std::mutex m_mutex;
  std::map<std::string, std::deque<RecordedRequest>> m_by_function;  // oldest first
  std::size_t m_bytes = 0;
};

// "2026-12-04T20:00:00.123Z" for a system clock time.
std::string iso8601_ms(std::chrono::system_clock::time_point t);

}  // namespace fstage::serve
