// SPDX-License-Identifier: Apache-2.0
#pragma once

// When and how long to wait before repeating an API call. Pure: the HTTP client feeds it the
// outcome of each attempt and a random number, so the schedule is unit-testable.

#include <chrono>
#include <optional>
#include <string_view>

namespace fstage::deploy {

struct RetryPolicy {
  int max_attempts = 5;                              // including the first
  std::chrono::milliseconds base{250};               // first backoff ceiling
  std::chrono::milliseconds cap{8000};               // backoff ceiling never exceeds this
  std::chrono::milliseconds max_retry_after{60000};  // longer Retry-After: give up instead
};

// Statuses worth repeating: 429 (throttled, never processed), 500, 502, 503, 504.
bool is_retryable_status(long status);

// "Full jitter" exponential backoff: uniform in [0, min(cap, base * 2^(attempt-1))], where
// `attempt` is the attempt that just failed (1-based) and `random01` is in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt, double random01);

// A Retry-After header value: delta-seconds ("3") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00
// GMT", relative to `now`). nullopt when unparsable; a date in the past gives 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// An HTTP-date (IMF-fixdate) as a time point; nullopt when unparsable. Used for Retry-After and
// to detect clock skew from a response's Date header.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value);

}  // namespace fstage::deploy
