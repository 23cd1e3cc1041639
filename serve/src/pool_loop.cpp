// SPDX-License-Identifier: Apache-2.0
// A pool's instance lent to the HTTP server's loop (FunctionPool::submit_from_loop): the
// loop sends the request, waits on the instance's descriptors with its connections'
// (LoopWatch), reads the answer and answers the client, all on its one thread. A request
// handed from the loop to a worker's thread and back cost two wake-ups and a thread's
// turn each (bench/PROFILE.md, sessions 18-19: the pool thread was 41 of the 114 us a
// Node.js request cost). The worker's thread sleeps meanwhile, and takes its instance back
// for what the loop does not do: start an instance, a request of another caller, a reload.
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <fstage/serve/admission.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/metrics.hpp>
#include <fstage/serve/pool.hpp>
#include <fstage/serve/requests.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;

struct FunctionPool::LoopRun {
  std::shared_ptr<FunctionPool> pool;  // alive while it runs
  Job job;                             // its `loop` outlives the watch (declared after)
  std::optional<Job> next;             // queued in the instance behind `job`
  std::shared_ptr<LoopWatch> watch;
  Clock::time_point t0;
  std::vector<pollfd> fds;
};

bool FunctionPool::submit_from_loop(sb::InvokeRequest request, Done done,
                                    Clock::time_point answer_by,
                                    const std::shared_ptr<HttpServer>& loop) {
  if (m_options.debug.port > 0 || loop == nullptr) {
    return submit(std::move(request), std::move(done), answer_by);
  }
  if (request.request_id.empty()) {
    request.request_id = sb::new_request_id();
  }
  if (Worker* w = borrow(request, answer_by)) {
    run_on_loop(w, Job{std::move(request), std::move(done), answer_by, loop});
    return true;
  }
  return submit_locked(request, done, answer_by, loop);
}

void FunctionPool::run_on_loop(Worker* w, Job job) {
  auto run = std::make_shared<LoopRun>();
  run->pool = shared_from_this();
  run->watch =
      job.loop->watch([this, w](const std::vector<pollfd>& fired) { step_on_loop(w, fired); });
  run->job = std::move(job);
  if (run->watch == nullptr) {
    hand_back(w, std::move(run->job), std::nullopt);
    return;
  }
  w->on_loop = std::move(run);
  send_on_loop(w, true);
}

void FunctionPool::send_on_loop(Worker* w, bool look) {
  LoopRun& run = *w->on_loop;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    // The next of this loop's requests may wait in the instance, as on a worker's thread.
    if (w->runner->takes_next() && queue_next_locked(*w) && m_queue.front().loop == run.job.loop) {
      run.next = std::move(m_queue.front());
      m_queue.pop_front();
      w->queued_id = run.next->request.request_id;
      if (m_pool.metrics) {
        ++m_pool.metrics->queued_in_instance;
      }
    }
  }
  m_log.invocation_started(m_spec.name, run.job.request.request_id);
  w->current_id = run.job.request.request_id;
  run.t0 = Clock::now();
  progress_on_loop(w,
                   w->runner->send(run.job.request, run.next ? &run.next->request : nullptr, look));
}

void FunctionPool::step_on_loop(Worker* w, const std::vector<pollfd>& fired) {
  std::shared_ptr<FunctionPool> keep = w->on_loop->pool;  // the run may be the last to hold it
  progress_on_loop(w, w->runner->poll(fired));
}

void FunctionPool::progress_on_loop(Worker* w, sb::FunctionRunner::Progress p) {
  LoopRun& run = *w->on_loop;
  switch (p) {
    case sb::FunctionRunner::Progress::running: {
      Clock::time_point wake_at;
      w->runner->wait_set(run.fds, wake_at);
      run.watch->set(run.fds, wake_at);
      return;
    }
    case sb::FunctionRunner::Progress::done:
      on_loop_done(w, w->runner->result());
      return;
    case sb::FunctionRunner::Progress::needs_start:
      hand_back(w, std::move(run.job), std::move(run.next));
      return;
  }
}

void FunctionPool::on_loop_done(Worker* w, sb::InvokeResult result) {
  LoopRun& run = *w->on_loop;
  Job job = std::move(run.job);
  if (report_borrowed(w, job.request.request_id, result, run.t0)) {
    w->runner->stop();  // still lent: nobody else touches it
  }
  std::shared_ptr<LoopRun> ended;  // released after `done`, the watch first
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    bool go_on = false;
    if (run.next) {
      // Sent to the instance already: it runs next here (send() says when the instance ended
      // before starting it, and the worker's thread then starts a new one for it).
      run.job = std::move(*run.next);
      run.next.reset();
      go_on = true;
      if (w->cancel_queued) {  // cancel_request came while it waited in the instance
        w->cancel_queued = false;
        w->cancel_one = true;
        w->cancel.raise();
      }
    } else if (!m_stopping && w->generation == m_generation && w->runner->warm() &&
               !m_queue.empty() && m_queue.front().loop == job.loop) {
      run.job = std::move(m_queue.front());
      m_queue.pop_front();
      go_on = true;
    }
    w->queued_id.clear();  // (cancel_request found it there until now: cancel_queued)
    if (go_on) {
      w->answer_by = run.job.answer_by;
      w->busy_since = Clock::now();
      w->request_id = run.job.request.request_id;
    } else {
      // Back to its worker: idle, or to start again (a reserved instance that ended), or to
      // take a request the loop does not run, or to end with the pool.
      ended = std::move(w->on_loop);
      ended->watch->clear();
      give_back_locked(w);
      if (w->starting || m_stopping || !m_queue.empty() || w->generation != m_generation) {
        m_cv.notify_all();
      }
    }
  }
  job.done(std::move(result));
  if (ended == nullptr) {
    send_on_loop(w, false);  // it has just answered: no look at what it did while idle
  }
}

void FunctionPool::hand_back(Worker* w, Job job, std::optional<Job> next) {
  std::shared_ptr<LoopRun> run = std::move(w->on_loop);  // released last
  if (run != nullptr && run->watch != nullptr) {
    run->watch->clear();
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  if (next) {
    m_queue.push_front(std::move(*next));  // it never started
  }
  w->queued_id.clear();
  w->handed = std::move(job);
  w->in_use = true;  // busy still, on its thread now
  w->borrowed = false;
  --m_borrowed;
  m_cv.notify_all();
}

void FunctionPool::give_to_loop(Worker* w, Job& job) {
  // The closure holds the job; destroyed unrun (the loop has ended), it hands the job back.
  struct Carry {
    std::shared_ptr<FunctionPool> pool;
    Worker* w;
    std::optional<Job> job;
    Carry(std::shared_ptr<FunctionPool> p, Worker* worker, Job j)
        : pool(std::move(p)), w(worker), job(std::move(j)) {}
    Carry(const Carry&) = delete;
    Carry& operator=(const Carry&) = delete;
    ~Carry() {
      if (job) {
        pool->hand_back(w, std::move(*job), std::nullopt);
      }
    }
  };
  std::shared_ptr<HttpServer> loop = job.loop;
  auto carry = std::make_shared<Carry>(shared_from_this(), w, std::move(job));
  loop->post([carry] {
    Job j = std::move(*carry->job);
    carry->job.reset();
    carry->pool->run_on_loop(carry->w, std::move(j));
  });
}

}  // namespace fstage::serve
