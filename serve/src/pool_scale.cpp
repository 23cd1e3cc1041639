// SPDX-License-Identifier: Apache-2.0
// Starting a pool's instances: when (admission.hpp's rule, looked at again while nothing has
// finished), the background starts, and the reserved instances. The workers' loop is in
// pool.cpp.
#include <algorithm>
#include <chrono>
#include <pthread.h>
#include <thread>

#include <fstage/serve/admission.hpp>
#include <fstage/serve/pool.hpp>

namespace fstage::serve {

AdmissionState FunctionPool::admission_locked(Clock::time_point now) const {
  AdmissionState s;
  for (const auto& w : m_workers) {
    if (w.busy_since != Clock::time_point::max()) {
      s.oldest_busy_ms = std::max(
          s.oldest_busy_ms, std::chrono::duration<double, std::milli>(now - w.busy_since).count());
    }
  }
  s.instances = alive_locked();
  s.starting = m_starting;
  s.idle = m_idle;
  s.queued = m_queue.size();
  s.concurrency = m_pool.concurrency;
  s.cores = m_cores;
  s.avg_duration_ms = m_avg_duration_ms;
  s.avg_init_ms = m_avg_init_ms;
  return s;
}

void FunctionPool::start_wanted_locked() {
  const auto now = Clock::now();
  while (!m_stopping && should_start_instance(admission_locked(now))) {
    spawn_locked(false);
  }
}

void FunctionPool::scale_locked() {
  start_wanted_locked();
  // Requests wait and another instance may start: whether those in flight are slow shows
  // only with time, and no new request need come to ask again (a flow's parallel branches).
  if (!m_stopping && !m_queue.empty() && !m_rechecking && alive_locked() < m_pool.concurrency) {
    if (m_recheck.joinable()) {
      m_recheck.join();  // the last one has ended (it lowered m_rechecking under the lock)
    }
    m_rechecking = true;
    m_recheck = std::thread([this] { recheck(); });
  }
}

int FunctionPool::alive_locked() const {
  return static_cast<int>(std::count_if(m_workers.begin(), m_workers.end(),
                                        [](const Worker& w) { return !w.finished; }));
}

void FunctionPool::recheck() {
  ::pthread_setname_np(::pthread_self(), "pool-recheck");
  std::unique_lock<std::mutex> lock(m_mutex);
  // Until no instance more may start, or nothing has waited for a while (under load the queue
  // empties and fills again all the time: one thread, not one per burst).
  auto last_waiting = Clock::now();
  while (!m_stopping && alive_locked() < m_pool.concurrency) {
    const auto now = Clock::now();
    if (!m_queue.empty()) {
      last_waiting = now;
    } else if (now - last_waiting >= std::chrono::milliseconds(100)) {
      break;
    }
    start_wanted_locked();
    // Before anything finished, every few milliseconds; after that, when the oldest request
    // in flight would turn slow (admission.hpp), within 2-50 ms.
    auto next = now + std::chrono::milliseconds(2);
    if (m_avg_duration_ms >= 0) {
      auto oldest = Clock::time_point::max();
      for (const auto& w : m_workers) {
        oldest = std::min(oldest, w.busy_since);
      }
      const auto slow = std::chrono::duration<double, std::milli>(
          std::max(k_known_slow_ms, k_known_slow_factor * m_avg_duration_ms));
      next = oldest == Clock::time_point::max()
                 ? now + std::chrono::milliseconds(50)
                 : oldest + std::chrono::duration_cast<Clock::duration>(slow);
      next =
          std::clamp(next, now + std::chrono::milliseconds(2), now + std::chrono::milliseconds(50));
    }
    lock.unlock();
    std::this_thread::sleep_until(next);
    lock.lock();
  }
  m_rechecking = false;
}

void FunctionPool::spawn_locked(bool reserved) {
  m_workers.emplace_back();
  Worker* w = &m_workers.back();
  w->reserved = reserved;
  w->starting = true;  // until its instance is up
  ++m_starting;
  w->thread = std::thread([this, w] { work(w); });
}

int FunctionPool::reserve(int count) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const int n = std::clamp(count, 0, m_pool.concurrency);
  for (int i = m_reserved; i < n; ++i) {
    spawn_locked(true);
  }
  m_reserved = std::max(m_reserved, n);
  return n;
}

int FunctionPool::wait_reserved(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(m_mutex);
  auto started = [&] {
    return std::none_of(m_workers.begin(), m_workers.end(),
                        [](const Worker& w) { return w.reserved && w.starting; });
  };
  m_done_cv.wait_for(lock, timeout, started);
  return static_cast<int>(std::count_if(m_workers.begin(), m_workers.end(), [](const Worker& w) {
    return w.reserved && !w.starting && w.ready;
  }));
}

}  // namespace fstage::serve
