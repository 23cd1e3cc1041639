// SPDX-License-Identifier: Apache-2.0
// FunctionRunner's insides (function_runner.cpp: invocations, the poll loop; runner_start.cpp:
// starting an instance), for those two files alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <vector>

#include <fstage/sandbox/function.hpp>

#include "debug_session.hpp"
#include "launch.hpp"
#include "output_split.hpp"
#include "transport.hpp"

namespace fstage::sandbox {

using Clock = std::chrono::steady_clock;

namespace detail {

inline std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Instance {
  std::unique_ptr<Sandbox> box;
  std::unique_ptr<Transport> transport;
  std::string argv0;
  std::unique_ptr<DebugForwarder> forward;  // a debug session's port, when forwarded
  bool peak_reset = false;                  // its peak memory was reset after its start
  std::uint64_t peak_read = 0;              // the last read of its peak (peak_read_interval)
  std::chrono::steady_clock::time_point peak_read_at{};
};

// pending: pump(once) found nothing yet.
enum class Wait { reply, deadline, ended, cancelled, pending };

// Loading a function (interpreter start, imports) gets its timeout plus this allowance.
constexpr int k_load_allowance_s = 5;
// New instances tried after the one whose initializer failed (the platform's "at most 3").
constexpr int k_initializer_retries = 3;

}  // namespace detail

struct FunctionRunner::Impl {
  using Instance = detail::Instance;
  using InstanceOutput = detail::InstanceOutput;
  using LaunchPlan = detail::LaunchPlan;
  using Reply = detail::Reply;
  using Wait = detail::Wait;
  using Progress = FunctionRunner::Progress;

  FunctionSpec spec;
  RunnerOptions options;
  Capabilities caps;
  LaunchPlan launch;
  std::optional<Instance> instance;
  std::string pending_output;       // printed between invocations: goes to the next one's logs
  bool initializer_failed = false;  // the last start() failed in the initializer itself
  std::string init_id;  // the id the next start()'s initializer runs under ("": a new one)
  // The invocation queued in the instance behind the current one (invoke()'s `next`): it
  // starts when the current one answers (`t0`), and the next invoke() of it waits for it.
  struct Queued {
    std::string request_id;
    Clock::time_point t0;
  };
  std::optional<Queued> queued;
  // The invocation under way (dispatch() to conclude()): invoke() waits for it in pump(); a
  // caller's own event loop drives it instead (FunctionRunner::send and poll). The requests
  // are the caller's, alive until it concludes.
  struct Flight {
    const InvokeRequest* req = nullptr;
    const InvokeRequest* next = nullptr;
    bool again = false;     // its second run, after its runtime ended before starting it
    bool may_start = true;  // false: driven by a caller's loop, which starts no instance
    InvokeResult r;
    std::string logs;
    Clock::time_point t0;
    Clock::time_point deadline;
    bool marked = false;  // its output ends with its end marker
  };
  std::optional<Flight> flight;
  // A caller's loop handed back an invocation whose runtime ended before starting it: its run
  // on a new instance (the next dispatch) is its second (Flight::again).
  bool rerun = false;
  // pump(once)'s next service() of the sandbox, kept between passes.
  Clock::time_point next_service;
  std::vector<pollfd> poll_set;
  // stdout's and stderr's bytes, for the invocation they belong to (output_split.hpp).
  InstanceOutput out{&options.on_output};

  // `t0 + limit`, or never while a debugger may hold the function.
  Clock::time_point deadline_after(Clock::time_point t0, std::chrono::seconds limit) const {
    return options.debug.port > 0 ? Clock::time_point::max() : t0 + limit;
  }

  // Reads the output pipes (InstanceOutput::drain).
  void drain_output(Instance& in, std::string& logs) {
    out.drain(in.box->stdout_fd(), in.box->stderr_fd(), logs);
  }

  // True once the caller has asked to stop (RunnerOptions::cancel_fd).
  bool cancelled() const {
    pollfd p{options.cancel_fd, POLLIN, 0};
    return options.cancel_fd >= 0 && ::poll(&p, 1, 0) > 0;
  }

  void set_cancelled(InvokeResult& r) {
    r.status = InvokeStatus::cancelled;
    r.error = error_body("Cancelled", "the invocation was stopped before it finished");
  }

  // Whether `next` may be queued in the instance behind the invocation being sent.
  bool may_queue(const InvokeRequest* next) const {
    return next != nullptr && instance && instance->transport->takes_queued() &&
           options.debug.port <= 0 && !next->request_id.empty();
  }

  // Runs the poll loop until the transport has a reply, the deadline passes, the instance
  // ends or the caller cancels. Each pass costs one poll(2) and the reads it asks for, nothing
  // more:
  //  - the transport's descriptors come first in the poll set, and the kernel checks them in
  //    order, so output the function wrote before it answered is reported by the same poll
  //    as the answer (no read of the pipes "just in case" after each reply);
  //  - the sandbox is serviced when its control socket has something, and otherwise once per
  //    service_interval() (the watchdog's tick), not on every pass.
  //
  // With `once`, one pass whose poll(2) does not wait (Wait::pending when nothing came), for a
  // caller's event loop that waits on wait_set() itself; the service tick is kept between
  // passes (next_service).
  // `fired`, with `once`: what the caller's loop found ready, in place of that pass's poll(2).
  Wait pump(Instance& in, Clock::time_point deadline, std::optional<Reply>& reply,
            std::string& logs, bool once = false, std::span<const pollfd> fired = {},
            bool use_fired = false);
  // The poll set of a pass (the transport's first, then control, stdout, stderr, cancel, the
  // debug forwarder's); returns where the transport's entries end.
  std::size_t fill_poll_set(Instance& in, std::vector<pollfd>& fds) const;
  // What happened to a warm instance while it sat idle, for the cost of one poll(2) when
  // nothing did: output it printed goes to the next invocation's logs, and a control message
  // (the end of the instance, usually) is handled. True when the instance has ended. The same
  // poll sets `cancel` when the caller has asked to stop (what cancelled() tells).
  bool idle_news(Instance& in, std::string& logs, bool& cancel);
  // Why an instance died, as an invocation result.
  void classify_death(const Instance& in, InvokeResult& r);
  void discard();
  // What start_now and invoke do first: the result's fixed fields, the output held since the
  // last call into `logs`, and the instance dropped when it died while idle. False when the
  // runner is cancelled (`r` then says so).
  // `look`: false skips the look at what the instance did while idle (a caller that sends
  // right after its last answer: what it printed since is read with this invocation's output).
  bool begin(InvokeResult& r, std::string& logs, bool look = true);
  InvokeResult start_now(const std::string& init_request_id);
  // `again`: the runtime that was sent `req` ended before starting it (Transport::exiting()), and
  // this is its run on a new instance.
  InvokeResult invoke(const InvokeRequest& req, const InvokeRequest* next);
  // invoke()'s first half: the result's fixed fields, the instance (started when `may_start`;
  // otherwise Progress::needs_start when none is warm), the request sent. running: `flight`
  // waits for its answer; done: `flight->r` is the result.
  Progress dispatch(const InvokeRequest& req, const InvokeRequest* next, bool again, bool may_start,
                    bool look = true);
  // invoke()'s second half, once pump() has said how the wait ended.
  Progress conclude(Wait w, std::optional<Reply>& reply);
  // Starts an instance and waits for the shim's "ready". On failure fills `r` and returns
  // false.
  bool start(InvokeResult& r, std::string& logs);
  // start(), and when the initializer itself failed (an error or its timeout) a new instance,
  // up to k_initializer_retries times: "if the initializer fails, that instance fails and the
  // next instance is chosen to run it again, at most 3 retries" (Huawei's developer guide,
  // devg-functiongraph functiongraph_02_0532, "initializer接口规范"). A function that fails to
  // load is not retried. Each attempt's logs are kept, with a line between them.
  bool start_retrying(InvokeResult& r, std::string& logs);
};

}  // namespace fstage::sandbox
