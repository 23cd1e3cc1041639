// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/serve/admission.hpp>

using fstage::serve::AdmissionState;
using fstage::serve::moving_average;
using fstage::serve::should_start_instance;

namespace {

// Two cores, --concurrency 16, a 0.2 ms handler whose instances start in 50 ms.
AdmissionState busy_pool(int instances, std::size_t queued) {
  AdmissionState s;
  s.instances = instances;
  s.queued = queued;
  s.concurrency = 16;
  s.cores = 2;
  s.avg_duration_ms = 0.2;
  s.avg_init_ms = 50;
  return s;
}

}  // namespace

TEST_CASE("admission: the first request starts an instance, one per core at first",
          "[serve][admission]") {
  AdmissionState s = busy_pool(0, 1);
  s.avg_duration_ms = -1;
  s.avg_init_ms = -1;
  CHECK(should_start_instance(s));
  s.instances = 1;
  s.starting = 1;
  s.queued = 2;
  CHECK(should_start_instance(s));  // a second core is free
  s.instances = 2;
  s.starting = 2;
  s.queued = 16;
  CHECK_FALSE(should_start_instance(s));  // as many starts at once as cores
}

TEST_CASE("admission: a request with a taker starts nothing", "[serve][admission]") {
  AdmissionState s = busy_pool(1, 1);
  s.idle = 1;
  CHECK_FALSE(should_start_instance(s));
  s.idle = 0;
  s.starting = 1;
  CHECK_FALSE(should_start_instance(s));  // the one starting takes it
  s.queued = 2;
  CHECK(should_start_instance(s));  // below one instance per core
}

TEST_CASE("admission: never beyond --concurrency", "[serve][admission]") {
  AdmissionState s = busy_pool(16, 100);
  s.avg_duration_ms = 1000;
  CHECK_FALSE(should_start_instance(s));
  s.concurrency = 1;
  s.instances = 0;
  s.queued = 1;
  CHECK(should_start_instance(s));
  s.instances = 1;
  CHECK_FALSE(should_start_instance(s));
}

TEST_CASE("admission: a fast handler queues to the warm instances instead of a cold start",
          "[serve][admission]") {
  // 16 connections on 2 warm instances: 14 wait, each ~0.2 ms of work: cleared in ~1.4 ms,
  // well before a 50 ms start would be ready.
  CHECK_FALSE(should_start_instance(busy_pool(2, 14)));
  // No start measured yet: 100 ms assumed.
  AdmissionState s = busy_pool(2, 14);
  s.avg_init_ms = -1;
  CHECK_FALSE(should_start_instance(s));
}

TEST_CASE("admission: a slow handler scales out", "[serve][admission]") {
  AdmissionState s = busy_pool(2, 14);
  s.avg_duration_ms = 100;  // 14 x 100 ms / 2 = 700 ms of waiting > 50 ms
  CHECK(should_start_instance(s));
  s.avg_duration_ms = 10;  // 70 ms > 50 ms
  CHECK(should_start_instance(s));
  s.avg_duration_ms = 5;  // 35 ms < 50 ms
  CHECK_FALSE(should_start_instance(s));
}

TEST_CASE("admission: before anything finishes, the requests' running time decides",
          "[serve][admission]") {
  // Two instances just warm, nothing finished: their requests have run 1 ms, so the 14
  // queued ones are served sooner by them than by a 50 ms start.
  AdmissionState s = busy_pool(2, 14);
  s.avg_duration_ms = -1;
  s.oldest_busy_ms = 1;
  CHECK_FALSE(should_start_instance(s));
  // They keep running (the pool looks again every tick): now they are slow, start.
  s.oldest_busy_ms = 6;
  CHECK(should_start_instance(s));
  // One queued request behind two slow ones (a flow's third parallel branch): start too.
  s.queued = 1;
  CHECK(should_start_instance(s));
  // Once requests have finished, their average decides: one request in flight that waits
  // for a core is no reason to start another instance.
  s.avg_duration_ms = 0.2;
  CHECK_FALSE(should_start_instance(s));
}

TEST_CASE("admission: a request running far beyond the average is slow after all",
          "[serve][admission]") {
  // Quick calls made the average; then three that wait on I/O (a flow's parallel branches).
  AdmissionState s = busy_pool(2, 2);
  s.oldest_busy_ms = 1;
  CHECK_FALSE(should_start_instance(s));  // the warm ones clear it sooner than a start
  s.oldest_busy_ms = 30;
  CHECK_FALSE(should_start_instance(s));  // a wait for a core can look like this
  s.oldest_busy_ms = 55;
  CHECK(should_start_instance(s));  // ten times the average and 50 ms: slow
  s.starting = 1;
  s.queued = 3;
  CHECK_FALSE(should_start_instance(s));  // a start takes the cores: wait for it
  s.starting = 0;
  s.queued = 2;
  s.avg_duration_ms = 8;
  s.oldest_busy_ms = 70;
  CHECK_FALSE(should_start_instance(s));  // not yet ten times an 8 ms average
  s.oldest_busy_ms = 85;
  CHECK(should_start_instance(s));
  s.instances = 16;
  CHECK_FALSE(should_start_instance(s));  // --concurrency still the ceiling
}

TEST_CASE("admission: moving average", "[serve][admission]") {
  CHECK(moving_average(-1, 7) == Approx(7));
  CHECK(moving_average(10, 20) == Approx(11));
  CHECK(fstage::serve::usable_cores() >= 1);
}
