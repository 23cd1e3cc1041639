// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <sched.h>

#include <fstage/serve/admission.hpp>

namespace fstage::serve {

bool should_start_instance(const AdmissionState& s) {
  if (s.instances >= s.concurrency) {
    return false;
  }
  const auto takers = static_cast<std::size_t>(std::max(0, s.idle) + std::max(0, s.starting));
  if (s.queued <= takers) {
    return false;
  }
  const int cores = std::max(1, s.cores);
  if (s.starting >= cores) {
    return false;
  }
  if (s.instances < cores) {
    return true;
  }
  const int warm = s.instances - s.starting;
  if (warm <= 0) {
    return true;  // none warm yet: nothing else will take the queue
  }
  if (s.avg_duration_ms < 0) {
    // Nothing has finished yet. Requests that have run a few milliseconds already are not the
    // quick kind that warm instances clear sooner than a start: start another, as the
    // platform gives concurrent requests instances of their own (a flow's parallel branches
    // each run at once). Requests that have only just begun are given that moment.
    return s.oldest_busy_ms >= k_unknown_slow_ms;
  }
  // After that, the average: the longest request in flight is an outlier as often as not (an
  // instance that waits for a core looks busy), and starting instances for it takes cores
  // from the warm ones. Unless it has run far beyond the average: then the average no longer
  // says what runs now (quick calls, then a flow's parallel branches that wait on I/O), and
  // the requests waiting get instances of their own, as the platform gives them.
  // (Not while an instance starts: a start takes the cores, and the warm ones' requests wait
  // for them, which looks the same.)
  if (s.starting == 0 &&
      s.oldest_busy_ms >= std::max(k_known_slow_ms, k_known_slow_factor * s.avg_duration_ms)) {
    return true;
  }
  const double ahead = static_cast<double>(s.queued - takers);
  const double wait_ms = ahead * s.avg_duration_ms / warm;
  const double init_ms = s.avg_init_ms < 0 ? k_assumed_init_ms : s.avg_init_ms;
  return wait_ms > init_ms;
}

double moving_average(double avg, double sample) {
  constexpr double k_weight = 0.1;  // about the last ten samples
  return avg < 0 ? sample : avg + k_weight * (sample - avg);
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) {
    return 1;
  }
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace fstage::serve
