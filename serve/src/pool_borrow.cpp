// SPDX-License-Identifier: Apache-2.0
// A pool's worker lent out (borrowed): to a caller's thread (submit's `here`) or to the HTTP
// loop (pool_loop.cpp). One borrow, one report of the request's end and one give-back serve
// both; the workers' own loop is in pool.cpp.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include <fstage/serve/admission.hpp>
#include <fstage/serve/metrics.hpp>
#include <fstage/serve/pool.hpp>
#include <fstage/serve/requests.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;

FunctionPool::Worker* FunctionPool::borrow(const sb::InvokeRequest& request,
                                           Clock::time_point answer_by) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_stopping || !m_queue.empty()) {
    return nullptr;  // the queued ones first
  }
  for (auto& w : m_workers) {
    if (!w.finished && !w.starting && !w.in_use && !w.borrowed && !w.first && !w.cancel_one &&
        w.runner && w.runner->warm() && w.generation == m_generation) {
      w.borrowed = true;
      ++m_borrowed;
      --m_idle;
      ++m_busy;
      w.answer_by = answer_by;
      w.busy_since = Clock::now();
      w.request_id = request.request_id;
      if (m_pool.history) {
        m_pool.history->record(m_spec.name, request);
      }
      return &w;
    }
  }
  return nullptr;
}

bool FunctionPool::report_borrowed(Worker* w, const std::string& request_id,
                                   const sb::InvokeResult& result, Clock::time_point t0) {
  w->lines.flush([&](std::string_view line) { emit_line(*w, line); });
  if (m_pool.metrics) {
    m_pool.metrics->record(result);
  }
  m_log.invocation_finished(m_spec.name, request_id, sb::to_string(result.status),
                            result.duration_ms, result.init_duration_ms, result.cold);
  const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!result.cold) {
    m_avg_duration_ms = moving_average(m_avg_duration_ms, took_ms);
  }
  w->answer_by = Clock::time_point::max();
  w->busy_since = Clock::time_point::max();
  w->request_id.clear();
  if (w->cancel_one && !m_stopping) {  // cancel_request: its instance goes
    w->cancel_one = false;
    w->cancel.clear();
    return true;
  }
  return false;
}

void FunctionPool::give_back_locked(Worker* w) {
  w->borrowed = false;
  w->idle_since = Clock::now();
  --m_borrowed;
  --m_busy;
  ++m_idle;
  // A reserved instance that ended starts again, on its worker's thread.
  if (w->reserved && w->ready && !m_stopping && !w->runner->warm()) {
    w->starting = true;
    --m_idle;
    ++m_starting;
  }
}

void FunctionPool::emit_line(const Worker& w, std::string_view line) {
  if (m_pool.on_line) {
    m_pool.on_line(w.current_id, line);
  } else {
    m_log.function_line(m_spec.name, w.current_id, line);
  }
}

// A request on a borrowed worker's warm runner, on the caller's thread. Should the instance
// turn out to have died while idle, invoke() starts a new one from this thread; it lives as
// long as the thread (the HTTP server's, which outlive the pools' instances).
void FunctionPool::run_borrowed(Worker* w, sb::InvokeRequest& request, Done& done) {
  m_log.invocation_started(m_spec.name, request.request_id);
  const auto t0 = Clock::now();
  w->current_id = request.request_id;
  sb::InvokeResult result = w->runner->invoke(request);
  if (report_borrowed(w, request.request_id, result, t0)) {
    w->runner->stop();  // still borrowed: nobody else touches it
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    give_back_locked(w);
    m_cv.notify_all();  // its worker (to start again, or to end) and any queued request
  }
  done(std::move(result));
}

}  // namespace fstage::serve
