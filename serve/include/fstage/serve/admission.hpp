// SPDX-License-Identifier: Apache-2.0
// When a function's pool starts another instance (issue 24 item 2). Instances start in the
// background, without a request attached: a queued request goes to whichever instance is free
// first, a warm one finishing its request or a new one done starting, so requests that a warm
// instance can serve never wait behind a cold start. Whether to start one at all is decided
// here, from numbers the pool keeps, so the rule can be tested without a sandbox:
//  - never beyond --concurrency, and never while the queued requests all have a taker (an
//    idle instance or one already starting);
//  - at most `cores` starts at once: a start is CPU-bound (interpreter, imports, initializer)
//    and competes with the warm instances for the same cores;
//  - up to one instance per core, start freely (what --concurrency 2 gives on 2 cores);
//  - beyond that, start one only when the warm instances would not clear the requests ahead
//    of the newest queued one within about one start's time: a 1 ms handler is served sooner
//    by the busy instances than by a new one that takes 50 ms to start, and sixteen warm
//    interpreters time-sharing two cores serve no faster than two. A slow handler (one that
//    waits on I/O) scales out as before;
//  - how long a request takes is the recent average. Before any has finished, requests in
//    flight that have run k_unknown_slow_ms already are slow (start, as the platform gives
//    concurrent requests their own instances), and ones that have only just begun are given
//    that moment: warm instances whose first requests had just begun used to count as slow,
//    which left sixteen connections on four instances, 10-20% slower on two cores than on
//    two. After that, a request in flight that has run k_known_slow_factor times the
//    average (k_known_slow_ms at least) is slow whatever the average says, unless an
//    instance is starting (a start takes the cores: requests waiting for one look slow). While
//    requests wait and another instance may start, the pool looks again on its own (every few
//    milliseconds before anything finished; after that, when the oldest request in flight
//    would turn slow), so requests that keep running make their case in time.
#pragma once

#include <cstddef>

namespace fstage::serve {

struct AdmissionState {
  int instances = 0;            // alive: starting, idle or busy
  int starting = 0;             // being started in the background (no request attached)
  int idle = 0;                 // ready to take a request now
  std::size_t queued = 0;       // requests waiting for an instance (the new one included)
  int concurrency = 1;          // the ceiling (--concurrency)
  int cores = 1;                // CPUs this process may run on
  double avg_duration_ms = -1;  // recent invocations (< 0: none finished yet)
  double oldest_busy_ms = 0;    // how long the longest-running request in flight has run
  double avg_init_ms = -1;      // recent starts (< 0: none yet)
};

// A start's time assumed before one has been measured (a Python or Node.js hello starts in
// 30-100 ms here).
inline constexpr double k_assumed_init_ms = 100;

// Before any request has finished: how long the oldest in flight must have run for its
// handler to count as slow (a hello answers in well under a millisecond).
inline constexpr double k_unknown_slow_ms = 5;
// After that: a request in flight is slow once it has run this many times the average, and at
// least k_known_slow_ms (an instance waiting for a core stays well under it), while no
// instance is starting.
inline constexpr double k_known_slow_factor = 10;
inline constexpr double k_known_slow_ms = 50;

bool should_start_instance(const AdmissionState& s);

// Exponentially weighted moving average; `avg` < 0 means no sample yet.
double moving_average(double avg, double sample);

// CPUs this process may run on (sched_getaffinity), at least 1.
int usable_cores();

}  // namespace fstage::serve
