// SPDX-License-Identifier: Apache-2.0
// A warm pool per function: up to `concurrency` instances (FunctionRunner), each pinned to a
// worker thread that lives exactly as long as its instance (the sandbox's PR_SET_PDEATHSIG is
// per thread). Requests wait in a bounded queue; a full queue refuses at once. New instances
// start in the background, with no request attached, when admission.hpp says so: a queued
// request goes to the first instance free, warm or newly started, and the first request a new
// instance serves reports its start as a cold start (init duration). Reserved instances
// (reserve(): the manifest's reserved_instances) start before any request, never reach their
// idle timeout, start again after a crash, and report no init duration, as on the platform. A
// timed-out, crashed or OOM-killed instance is discarded by its runner and the next request on that
// worker starts a fresh one, so the other workers keep serving. Idle workers stop their
// instance and exit after `idle_timeout`. recycle() retires every instance: idle ones stop
// now, busy ones after their current request (which finishes on the old code). On SIGINT the
// gateway drains: drain() answers the queued requests at once, and a running invocation whose
// caller has stopped waiting (cancel_overdue) or all of them (cancel_all, the second signal)
// are cancelled, their sandboxes killed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/interrupt.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/serve/admission.hpp>
#include <fstage/serve/log.hpp>

namespace fstage::serve {

struct FunctionMetrics;
class RequestHistory;

struct PoolOptions {
  int concurrency = 4;
  std::size_t queue = 128;  // requests waiting beyond the busy instances
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // When set, every whole line a function prints goes here (its request id, the line without
  // the newline) instead of to the Logger: `fstage flow run` tags it with the calling state.
  std::function<void(std::string_view request_id, std::string_view line)> on_line;
  // Counted here, whoever submits (routes, timers, flows): each invocation's outcome and each
  // refusal. Null: not counted (`fstage flow run`). Queued requests answered `cancelled` by a
  // drain never ran and are not counted.
  std::shared_ptr<FunctionMetrics> metrics;
  // Each accepted request is kept here for replay (null: none kept).
  std::shared_ptr<RequestHistory> history;
  // Under load, a quick function's next request waits in its instance rather than in the
  // pool (FunctionRunner::invoke's `next`): it starts the moment the last one answers.
  bool queue_next = true;
};

struct PoolStats {
  int workers = 0;
  int busy = 0;
  std::size_t queued = 0;
  std::uint64_t started_instances = 0;  // runners created
  int reserved = 0;                     // reserved instances kept (reserve())
  int reserved_ready = 0;               // of those, started and initialised
  int starting = 0;                     // instances starting in the background
};

class HttpServer;
class LoopWatch;

class FunctionPool : public std::enable_shared_from_this<FunctionPool> {
 public:
  using Done = std::function<void(sandbox::InvokeResult)>;
  using Clock = std::chrono::steady_clock;

  // Checks the function can run here (FunctionRunner::create: runtime, interpreter, code,
  // Java compile); starts no instance yet.
  static Expected<std::shared_ptr<FunctionPool>> create(sandbox::FunctionSpec spec,
                                                        sandbox::RunnerOptions options,
                                                        const sandbox::Capabilities& caps,
                                                        PoolOptions pool, Logger& log);
  ~FunctionPool();
  FunctionPool(const FunctionPool&) = delete;
  FunctionPool& operator=(const FunctionPool&) = delete;

  // Queues one invocation; `done` runs on the worker thread when it finishes. `answer_by` is
  // when the caller stops waiting for it (an HTTP client's timeout; none for a timer). False
  // when the queue is full or the pool is shutting down (the caller answers 503).
  //
  // With `here`, a request that finds the queue empty and a warm instance idle runs on the
  // caller's thread, `done` called before submit returns: no hand-over to the worker's thread
  // and back (two wake-ups per request). Only for a caller that waits for the answer anyway and
  // no longer than the function's own timeout (an APIG route's).
  bool submit(sandbox::InvokeRequest request, Done done,
              Clock::time_point answer_by = Clock::time_point::max(), bool here = false);
  // submit() from `loop`'s own thread (the HTTP server's asynchronous handler), `done` quick
  // and non-blocking: a warm instance runs the request driven from the loop itself
  // (FunctionRunner::send and poll, its descriptors in a LoopWatch), `done` called there. No
  // thread of the pool's wakes for it, and an instance lent to the loop takes the next of the
  // loop's requests waiting for it there. Without a warm instance idle the request queues,
  // and the worker that takes it hands its instance to the loop (one post). Cold starts,
  // queued requests of other callers, a reload and the end of the loop stay the workers'.
  bool submit_from_loop(sandbox::InvokeRequest request, Done done, Clock::time_point answer_by,
                        const std::shared_ptr<HttpServer>& loop);
  // Starts `count` reserved instances in the background, `concurrency` at most; returns how
  // many it starts. Call once, before serving.
  int reserve(int count);
  // Waits until the reserved instances have started (or failed to), `timeout` at most.
  // Returns how many are ready.
  int wait_reserved(std::chrono::milliseconds timeout);
  // Retire every instance (code changed). Idle instances stop at once.
  void recycle();
  // Stop taking requests and answer the queued ones at once (InvokeStatus::cancelled); the
  // running ones go on. Does not wait.
  void drain();
  // Cancels the running invocations whose caller stopped waiting before `now`.
  void cancel_overdue(Clock::time_point now);
  // drain(), and cancel every running invocation.
  void cancel_all();
  // Cancels one invocation by its request id (a flow's terminate): a queued one is answered
  // cancelled at once; a running one ends cancelled, its sandbox killed and its cgroup removed,
  // and its worker starts a fresh instance for its next request. False when neither.
  bool cancel_request(const std::string& request_id);
  // Stop taking requests, finish the queued and running ones, stop every instance, join.
  void shutdown();
  PoolStats stats() const;
  const sandbox::FunctionSpec& spec() const { return m_spec; }

 private:
  struct Job {
    sandbox::InvokeRequest request;
    Done done;
    Clock::time_point answer_by;
    std::shared_ptr<HttpServer> loop;  // submit_from_loop's: runs from that loop when it can
  };
  struct LoopRun;
  struct Worker {
    std::thread thread;
    bool finished = false;
    // The running invocation's caller stops waiting then (max() when idle).
    Clock::time_point answer_by = Clock::time_point::max();
    // When its running invocation began (max() when idle): admission's oldest_busy_ms.
    Clock::time_point busy_since = Clock::time_point::max();
    // Raised to cancel its runner's invocations (RunnerOptions::cancel_fd): once raised, the
    // worker finishes what it has and ends with the pool.
    CancelFlag cancel;
    std::string request_id;      // the running invocation's ("" when idle)
    std::string queued_id;       // the invocation queued in its instance behind it (or "")
    bool cancel_queued = false;  // cancel_request named that one
    bool cancel_one = false;     // `cancel` was raised by cancel_request, not to end the worker
    bool reserved = false;       // kept started; never idles out
    bool starting = false;       // starting its instance in the background (not idle yet)
    bool ready = false;          // its last background start succeeded
    bool in_use = false;         // its thread works on its runner outside the lock
    bool borrowed = false;       // a caller's thread runs a request on its runner (submit here)
    // Lent to a loop (borrowed is set too): its invocations run from there; the loop's alone.
    std::shared_ptr<LoopRun> on_loop;
    // Handed back from the loop with its request (borrowed no longer): the instance it needs
    // must start, which the worker's thread does.
    std::optional<Job> handed;
    // Idle since then: its last request ended (on its thread or a loop), or it started.
    Clock::time_point idle_since = Clock::now();
    // The instance and what goes with it: used by its worker's thread, or by a caller's thread
    // while borrowed (never both).
    std::unique_ptr<sandbox::FunctionRunner> runner;
    std::string current_id;  // the request its output belongs to
    LineSplitter lines;
    // How its background start went, for the request it takes next: a new instance's first
    // request reports the start (cold, its init duration and output), as the request that
    // started an instance always did; a failed start is that request's answer.
    std::optional<sandbox::InvokeResult> first;
    std::uint64_t generation = 0;
  };
  FunctionPool(sandbox::FunctionSpec spec, sandbox::RunnerOptions options,
               const sandbox::Capabilities& caps, PoolOptions pool, Logger& log);
  // Queues the request (a refusal counted in the metrics).
  bool submit_locked(sandbox::InvokeRequest& request, Done& done, Clock::time_point answer_by,
                     std::shared_ptr<HttpServer> loop = nullptr);
  // Whether `w`'s next request goes to its instance now, behind the running one: the queue has
  // one, no instance could start for it (every one --concurrency allows is there, or
  // admission.hpp's rule wants none: the warm ones clear the queue sooner, and none is
  // starting), and this function's requests take under k_queue_next_max_ms on average (a
  // request queued in an instance waits for the one before it, not for whichever instance is
  // free first).
  bool queue_next_locked(const Worker& w) const;
  static constexpr double k_queue_next_max_ms = 1.0;
  // An idle warm worker free to lend its runner to `request` (none while requests are queued:
  // they come first), marked borrowed and busy with it, the request recorded; null if none.
  Worker* borrow(const sandbox::InvokeRequest& request, Clock::time_point answer_by);
  void run_borrowed(Worker* w, sandbox::InvokeRequest& request, Done& done);
  // A borrowed worker's request ended (started at `t0`): its output, metrics and log line, and
  // the worker no longer busy with it. True when cancel_request named it: its instance must go
  // (the caller stops the runner, which is still its own).
  bool report_borrowed(Worker* w, const std::string& request_id,
                       const sandbox::InvokeResult& result, Clock::time_point t0);
  // A borrowed worker back to its thread, idle (or to start again: a reserved instance that
  // ended).
  void give_back_locked(Worker* w);
  // pool_loop.cpp: a worker lent to a loop. run_on_loop starts `job` on the loop's thread;
  // send_on_loop sends the run's job (`look`: FunctionRunner::send's); step_on_loop is the
  // watch's `ready`; on_loop_done answers, then runs the next of the loop's requests or gives
  // the worker back; hand_back returns the job to the worker's thread when it needs a start.
  void run_on_loop(Worker* w, Job job);
  void send_on_loop(Worker* w, bool look);
  void step_on_loop(Worker* w, const std::vector<pollfd>& fired);
  void progress_on_loop(Worker* w, sandbox::FunctionRunner::Progress p);
  void on_loop_done(Worker* w, sandbox::InvokeResult result);
  void hand_back(Worker* w, Job job, std::optional<Job> next);
  // A worker's thread, lent (borrowed set), not holding the lock: `job`'s loop runs it on the
  // worker's instance, or, when that loop has ended, hands it back (handed).
  void give_to_loop(Worker* w, Job& job);
  // The line emitter of a worker's output, for LineSplitter::flush.
  void emit_line(const Worker& w, std::string_view line);
  void spawn_locked(bool reserved);
  // Starts instances while admission.hpp's rule says so.
  void scale_locked();
  // The starts admission.hpp's rule wants now (scale_locked without arranging a recheck).
  void start_wanted_locked();
  // What admission.hpp's rule looks at, now.
  AdmissionState admission_locked(Clock::time_point now) const;
  void recheck();
  int alive_locked() const;  // workers not finished: starting, idle or busy
  void reap_locked();
  void work(Worker* self);
  Expected<std::unique_ptr<sandbox::FunctionRunner>> make_runner(std::string* current_id,
                                                                 LineSplitter* lines,
                                                                 const Worker& worker);
  // Takes the queued jobs (under the lock), for answering outside it.
  std::deque<Job> take_queue_locked();
  static void answer_cancelled(std::deque<Job> jobs);

  sandbox::FunctionSpec m_spec;
  sandbox::RunnerOptions m_options;
  const sandbox::Capabilities& m_caps;
  PoolOptions m_pool;
  Logger& m_log;

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::condition_variable m_done_cv;  // a worker finished
  std::deque<Job> m_queue;
  std::list<Worker> m_workers;
  int m_idle = 0;
  int m_busy = 0;
  std::uint64_t m_generation = 0;
  std::uint64_t m_started = 0;
  int m_starting = 0;  // workers starting their instance in the background
  int m_borrowed = 0;  // workers whose runner a caller's thread is using
  int m_reserved = 0;
  int m_cores = 1;
  double m_avg_duration_ms = -1;  // a request's time on its worker, recent average
  // While requests wait and another instance may start, this thread looks again whether they
  // want one (admission.hpp: requests in flight that keep running are slow). Started when
  // needed; ends on its own; joined by shutdown().
  std::thread m_recheck;
  bool m_rechecking = false;
  double m_avg_init_ms = -1;  // a background start's time, recent average
  bool m_stopping = false;
  std::mutex m_create_mutex;  // prepare_code (javac) must not run twice at once
};

}  // namespace fstage::serve
