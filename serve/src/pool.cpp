// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <optional>
#include <pthread.h>
#include <utility>

#include <fstage/serve/admission.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/metrics.hpp>
#include <fstage/serve/pool.hpp>
#include <fstage/serve/requests.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;

FunctionPool::FunctionPool(sb::FunctionSpec spec, sb::RunnerOptions options,
                           const sb::Capabilities& caps, PoolOptions pool, Logger& log)
    : m_spec(std::move(spec)),
      m_options(std::move(options)),
      m_caps(caps),
      m_pool(pool),
      m_log(log),
      m_cores(usable_cores()) {}

Expected<std::shared_ptr<FunctionPool>> FunctionPool::create(sb::FunctionSpec spec,
                                                             sb::RunnerOptions options,
                                                             const sb::Capabilities& caps,
                                                             PoolOptions pool, Logger& log) {
  if (pool.concurrency < 1) {
    pool.concurrency = 1;
  }
  // An HTTP function's server listens on 127.0.0.1:8000, the one port the platform forwards
  // to (PLATFORM.md §1.7), and nothing tells it another. In a network namespace of its own
  // every instance has that port to itself; on the host's network (--network host, or a host
  // without network namespaces) a second instance could not bind it, or its requests would
  // reach the first one's server. So there it gets one instance, and says why.
  if (spec.runtime.language == manifest::Language::http && pool.concurrency > 1 &&
      (options.network_host || !caps.namespaces)) {
    log.event("warn", spec.name + ": one instance at most, not " +
                          std::to_string(pool.concurrency) +
                          ": an HTTP function listens on port 8000, which its instances would "
                          "share on the host's network (" +
                          (options.network_host ? std::string("--network host")
                                                : std::string("this host gives the sandbox no "
                                                              "network namespace: fstage doctor")) +
                          "); requests beyond one wait in its queue");
    pool.concurrency = 1;
  }
  std::shared_ptr<FunctionPool> p(
      new FunctionPool(std::move(spec), std::move(options), caps, pool, log));
  // Fail early (and compile Java once) before the gateway listens.
  sb::RunnerOptions check = p->m_options;
  check.on_output = nullptr;
  auto checked = FSTAGE_TRY(sb::FunctionRunner::create(p->m_spec, check, caps));
  for (const auto& w : checked->warnings()) {
    log.event_once("warn", p->m_spec.name + ": " + w);  // not again at each reload
  }
  return p;
}

FunctionPool::~FunctionPool() {
  shutdown();
}

Expected<std::unique_ptr<sb::FunctionRunner>> FunctionPool::make_runner(std::string* current_id,
                                                                        LineSplitter* lines,
                                                                        const Worker& worker) {
  sb::RunnerOptions o = m_options;
  o.cancel_fd = worker.cancel.fd();
  std::string name = m_spec.name;
  Logger* log = &m_log;
  auto on_line = m_pool.on_line;
  o.on_output = [log, name, current_id, lines, on_line](std::string_view chunk) {
    lines->feed(chunk, [&](std::string_view line) {
      if (on_line) {
        on_line(*current_id, line);
      } else {
        log->function_line(name, *current_id, line);
      }
    });
  };
  std::lock_guard<std::mutex> lock(m_create_mutex);
  return sb::FunctionRunner::create(m_spec, std::move(o), m_caps);
}

bool FunctionPool::submit(sb::InvokeRequest request, Done done, Clock::time_point answer_by,
                          bool here) {
  if (request.request_id.empty()) {
    request.request_id = sb::new_request_id();  // the id it is recorded (and replayed) under
  }
  if (here) {
    if (Worker* w = borrow(request, answer_by)) {
      run_borrowed(w, request, done);
      return true;
    }
  }
  return submit_locked(request, done, answer_by);
}

bool FunctionPool::submit_locked(sb::InvokeRequest& request, Done& done,
                                 Clock::time_point answer_by, std::shared_ptr<HttpServer> loop) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_stopping) {
    if (m_pool.metrics) {
      m_pool.metrics->rejected();
    }
    return false;
  }
  reap_locked();
  // Jobs beyond the instances that can take them right now (idle, starting, or yet to be
  // started) wait, up to the bound.
  const std::size_t alive =
      std::min(m_workers.size(), static_cast<std::size_t>(m_pool.concurrency));
  std::size_t can_start = static_cast<std::size_t>(m_idle) + static_cast<std::size_t>(m_starting) +
                          static_cast<std::size_t>(m_pool.concurrency) - alive;
  if (m_queue.size() >= can_start + m_pool.queue) {
    if (m_pool.metrics) {
      m_pool.metrics->rejected();
    }
    return false;
  }
  if (m_pool.history) {
    m_pool.history->record(m_spec.name, request);
  }
  m_queue.push_back(Job{std::move(request), std::move(done), answer_by, std::move(loop)});
  scale_locked();
  if (m_borrowed == 0) {
    m_cv.notify_one();
  } else if (static_cast<std::size_t>(m_borrowed) < m_workers.size()) {
    m_cv.notify_all();  // notify_one might wake a lent worker, which cannot take it
  }  // else every worker is lent: the one that comes back first takes it (and one starting
     // looks at the queue once started)
  return true;
}

void FunctionPool::reap_locked() {
  for (auto it = m_workers.begin(); it != m_workers.end();) {
    if (it->finished) {
      it->thread.join();  // it has left work(): the join is immediate
      it = m_workers.erase(it);
    } else {
      ++it;
    }
  }
}

void FunctionPool::work(Worker* self) {
  // "fn:NAME" in top -H and /proc/PID/task/*/comm (15 bytes at most): bench/serve-cpu's
  // per-thread CPU, and anyone asking which function a busy thread serves.
  ::pthread_setname_np(::pthread_self(), ("fn:" + m_spec.name).substr(0, 15).c_str());
  std::string& current_id = self->current_id;
  LineSplitter& lines = self->lines;
  std::unique_ptr<sb::FunctionRunner>& runner = self->runner;
  std::optional<sb::InvokeResult>& first = self->first;
  std::uint64_t& generation = self->generation;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    generation = m_generation;
  }
  auto emit = [&](std::string_view line) { emit_line(*self, line); };
  // Starts the instance with no request attached (self->starting is set). Its output is
  // logged under its initializer's request id, which fstage's shims print in its log lines.
  auto warm_up = [&] {
    current_id = sb::new_request_id();
    first.reset();
    if (!runner) {
      auto made = make_runner(&current_id, &lines, *self);
      if (!made) {
        sb::InvokeResult r;
        r.status = sb::InvokeStatus::sandbox_error;
        r.error = sb::error_body("SandboxError", made.error().message);
        first = std::move(r);
        return false;
      }
      runner = std::move(*made);
      std::lock_guard<std::mutex> g(m_mutex);
      ++m_started;
    }
    sb::InvokeResult r = runner->start(current_id);
    lines.flush(emit);
    const bool ok = r.status == sb::InvokeStatus::ok;
    if (ok && r.cold) {
      std::lock_guard<std::mutex> g(m_mutex);
      m_avg_init_ms = moving_average(m_avg_init_ms, r.init_duration_ms);
    }
    if (!ok || (r.cold && !self->reserved)) {
      first = std::move(r);
    }
    return ok;
  };
  // The request queued in the instance behind the last one (FunctionRunner::invoke's `next`):
  // taken from the queue, and next to run here.
  std::optional<Job> carried;
  std::unique_lock<std::mutex> lock(m_mutex);
  while (true) {
    if (self->starting) {
      const bool stopping = m_stopping;
      lock.unlock();
      const bool ok = !stopping && warm_up();
      lock.lock();
      self->starting = false;
      self->ready = ok;
      self->idle_since = Clock::now();
      --m_starting;
      ++m_idle;
      m_done_cv.notify_all();  // wait_reserved()
      scale_locked();          // requests still waiting may want another start now
    }
    // Its idle time counts from its last request, here or on a loop (idle_since), not from
    // when this thread began to wait: a loop may have used it meanwhile.
    // (While lent it is not idle: the full timeout, not a wait of nothing again and again.)
    Clock::duration idle_for = m_pool.idle_timeout;
    if (!self->reserved && !self->borrowed) {
      idle_for = std::clamp<Clock::duration>(idle_for - (Clock::now() - self->idle_since),
                                             Clock::duration::zero(), idle_for);
    }
    bool timed_out = !carried && !m_cv.wait_for(lock, idle_for, [&] {
      return !self->borrowed && (!m_queue.empty() || m_stopping || self->starting || self->handed ||
                                 (runner && generation != m_generation));
    });
    if (self->borrowed || self->starting) {
      continue;  // lent to a caller's thread / to start again after it
    }
    if (self->handed) {  // back from a loop, with a request that needs a new instance
      carried = std::move(self->handed);
      self->handed.reset();
    }
    if (!m_queue.empty() || carried) {
      Job job;
      bool stale = false;
      const bool from_queue = !carried;
      if (carried) {  // in use and counted busy since the last one
        job = std::move(*carried);
        carried.reset();
        if (self->cancel_queued) {  // cancel_request came while it waited in the instance
          self->cancel_queued = false;
          self->cancel_one = true;
          self->cancel.raise();
        }
      } else {
        self->in_use = true;
        job = std::move(m_queue.front());
        m_queue.pop_front();
        --m_idle;
        ++m_busy;
        stale = generation != m_generation;
        generation = m_generation;
      }
      self->answer_by = job.answer_by;
      self->busy_since = Clock::now();
      self->request_id = job.request.request_id;
      if (job.loop && from_queue && !stale && runner && runner->warm() && !first &&
          !self->cancel_one && m_options.debug.port <= 0) {
        // A request from the HTTP server's loop, and a warm instance: the loop runs it, and
        // the ones after it while they come (pool_loop.cpp).
        self->in_use = false;
        self->borrowed = true;
        ++m_borrowed;
        lock.unlock();
        give_to_loop(self, job);
        lock.lock();
        continue;
      }
      // The next request waits in the instance itself when this one is quick to run: it
      // starts the moment this one answers.
      std::optional<Job> next;
      if (!stale && runner && runner->takes_next() && !first && queue_next_locked(*self)) {
        next = std::move(m_queue.front());
        m_queue.pop_front();
        self->queued_id = next->request.request_id;
        if (m_pool.metrics) {
          ++m_pool.metrics->queued_in_instance;
        }
      }
      lock.unlock();
      const auto t0 = Clock::now();
      if (runner && stale) {
        runner->stop();
        runner.reset();
        first.reset();
      }
      sb::InvokeResult result;
      m_log.invocation_started(m_spec.name, job.request.request_id);
      if (first && first->status != sb::InvokeStatus::ok) {
        result = std::move(*first);  // the start this request waited for failed
        result.request_id = job.request.request_id;
      } else {
        if (!runner) {
          auto made = make_runner(&current_id, &lines, *self);
          if (made) {
            runner = std::move(*made);
            std::lock_guard<std::mutex> g(m_mutex);
            ++m_started;
          } else {
            result.status = sb::InvokeStatus::sandbox_error;
            result.request_id = job.request.request_id;
            result.error = sb::error_body("SandboxError", made.error().message);
          }
        }
        if (runner) {
          current_id = job.request.request_id;
          result = runner->invoke(job.request, next ? &next->request : nullptr);
          lines.flush(emit);
          if (first && !result.cold) {
            result.cold = true;
            result.init_duration_ms = first->init_duration_ms;
            result.logs = first->logs + result.logs;
          }
        }
      }
      first.reset();
      if (m_pool.metrics) {
        m_pool.metrics->record(result);
      }
      m_log.invocation_finished(m_spec.name, job.request.request_id, sb::to_string(result.status),
                                result.duration_ms, result.init_duration_ms, result.cold);
      const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      // Idle again before the caller hears back: a caller that answers with its next request
      // at once (a flow's next state) finds this warm instance free instead of starting one.
      lock.lock();
      if (!result.cold) {
        m_avg_duration_ms = moving_average(m_avg_duration_ms, took_ms);
      }
      self->answer_by = Clock::time_point::max();
      self->busy_since = Clock::time_point::max();
      self->request_id.clear();
      self->queued_id.clear();
      // Cancelled alone (cancel_request): the instance is gone; lower the flag for the next
      // one. Raised to end the worker (a drain), it stays raised.
      const bool cancelled_one = self->cancel_one && !m_stopping;
      if (cancelled_one) {
        self->cancel_one = false;
        self->cancel.clear();
      }
      if (next) {
        // Still busy: with the queued request, which runs next here (on a new instance if
        // this one ended: it never started).
        carried = std::move(next);
        self->request_id = carried->request.request_id;
      } else {
        --m_busy;
        ++m_idle;
        self->in_use = cancelled_one;
      }
      lock.unlock();
      if (cancelled_one && runner) {
        runner->stop();
        runner.reset();
      }
      job.done(std::move(result));
      lock.lock();
      if (carried) {
        continue;
      }
      self->in_use = false;
      self->idle_since = Clock::now();
      // A reserved instance that ended (crash, timeout, OOM, cancel) starts again at once, in
      // the background, unless its start itself is what fails.
      if (self->reserved && self->ready && !m_stopping && !self->borrowed &&
          !(runner && runner->warm())) {
        self->starting = true;
        --m_idle;
        ++m_starting;
      }
      continue;
    }
    if (m_stopping) {
      break;
    }
    if (runner && generation != m_generation) {
      generation = m_generation;
      self->in_use = true;
      lock.unlock();
      runner->stop();
      runner.reset();
      first.reset();
      lock.lock();
      self->in_use = false;
      if (self->reserved) {  // the new code's reserved instance starts now
        self->starting = true;
        --m_idle;
        ++m_starting;
      }
      continue;
    }
    if (timed_out && !self->reserved && Clock::now() - self->idle_since >= m_pool.idle_timeout) {
      break;  // idle long enough: reap this instance
    }
  }
  --m_idle;
  self->in_use = true;
  lock.unlock();
  if (runner) {
    runner->stop();
    runner.reset();
  }
  lock.lock();
  self->finished = true;
  m_done_cv.notify_all();
}

bool FunctionPool::queue_next_locked(const Worker& w) const {
  if (!m_pool.queue_next || m_queue.empty() || m_stopping || w.cancel_one ||
      w.generation != m_generation || m_avg_duration_ms < 0 ||
      m_avg_duration_ms >= k_queue_next_max_ms) {
    return false;
  }
  if (alive_locked() >= m_pool.concurrency) {
    return true;
  }
  // Below it, a request may still get an instance of its own (the platform gives concurrent
  // requests their own: a flow's parallel branches), and must not be tied to this one while
  // one could start for it. Not while one starts either: measured under a burst at
  // --concurrency 16, requests tied then waited behind the start (p99 3 -> 97 ms). But when the
  // rule wants no start (quick requests, which the warm instances clear sooner than a start
  // would) and no instance is idle, queueing here is what the pool does anyway, minus the wait for
  // this worker's turn: measured at --concurrency 16 with two warm instances, 9.9-10.6k req/s
  // without, against 12.6-13.3k at --concurrency 2 with.
  return m_starting == 0 && m_idle == 0 && !should_start_instance(admission_locked(Clock::now()));
}

void FunctionPool::recycle() {
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_generation;
  m_cv.notify_all();
}

std::deque<FunctionPool::Job> FunctionPool::take_queue_locked() {
  std::deque<Job> jobs;
  jobs.swap(m_queue);
  m_stopping = true;
  m_cv.notify_all();
  return jobs;
}

void FunctionPool::answer_cancelled(std::deque<Job> jobs) {
  for (auto& job : jobs) {
    sb::InvokeResult r;
    r.status = sb::InvokeStatus::cancelled;
    r.request_id = job.request.request_id;
    r.error = sb::error_body("Cancelled", "fstage serve is shutting down");
    job.done(std::move(r));
  }
}

void FunctionPool::drain() {
  std::deque<Job> jobs;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    jobs = take_queue_locked();
  }
  answer_cancelled(std::move(jobs));
}

void FunctionPool::cancel_overdue(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto& w : m_workers) {
    if (w.answer_by <= now) {
      w.cancel.raise();
    }
  }
}

bool FunctionPool::cancel_request(const std::string& request_id) {
  std::deque<Job> jobs;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
      if (it->request.request_id == request_id) {
        jobs.push_back(std::move(*it));
        m_queue.erase(it);
        break;
      }
    }
    if (jobs.empty()) {
      for (auto& w : m_workers) {
        if (!request_id.empty() && w.queued_id == request_id) {
          w.cancel_queued = true;  // cancelled once it is the worker's (the one before runs on)
          return true;
        }
        if (!request_id.empty() && w.request_id == request_id) {
          w.cancel_one = true;
          w.cancel.raise();
          return true;
        }
      }
      return false;
    }
  }
  answer_cancelled(std::move(jobs));
  return true;
}

void FunctionPool::cancel_all() {
  std::deque<Job> jobs;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    jobs = take_queue_locked();
    for (auto& w : m_workers) {
      w.cancel.raise();
    }
  }
  answer_cancelled(std::move(jobs));
}

void FunctionPool::shutdown() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_stopping = true;
  m_cv.notify_all();
  // The workers stay in m_workers until they are done, where cancel_all() can reach them.
  m_done_cv.wait(lock, [&] {
    return std::all_of(m_workers.begin(), m_workers.end(),
                       [](const Worker& w) { return w.finished; });
  });
  reap_locked();
  std::thread recheck = std::move(m_recheck);
  lock.unlock();
  if (recheck.joinable()) {
    recheck.join();  // it sees m_stopping within its next pass
  }
}

PoolStats FunctionPool::stats() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  PoolStats s;
  s.workers = alive_locked();  // a worker that ended stays listed until the next submit
  s.busy = m_busy;
  s.queued = m_queue.size();
  s.started_instances = m_started;
  s.reserved = m_reserved;
  s.starting = m_starting;
  for (const auto& w : m_workers) {
    s.reserved_ready += w.reserved && w.ready && !w.starting && !w.finished ? 1 : 0;
  }
  return s;
}

}  // namespace fstage::serve
