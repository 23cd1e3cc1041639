// SPDX-License-Identifier: Apache-2.0
// The warm-instance manager: one runtime instance at a time, started on demand, reused while
// it stays healthy (RIE's initDone model), discarded after a timeout, crash or OOM.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/sandbox/function.hpp>

#include "debug_session.hpp"
#include "launch.hpp"
#include "output_split.hpp"
#include "runner_impl.hpp"
#include "transport.hpp"

namespace fstage::sandbox {

using namespace detail;

std::size_t FunctionRunner::Impl::fill_poll_set(Instance& in, std::vector<pollfd>& fds) const {
  fds.clear();
  in.transport->add_pollfds(fds);
  const std::size_t mine = fds.size();
  fds.push_back({in.box->control_fd(), POLLIN, 0});
  fds.push_back({in.box->stdout_fd(), POLLIN, 0});
  fds.push_back({in.box->stderr_fd(), POLLIN, 0});
  fds.push_back({options.cancel_fd, POLLIN, 0});  // a negative fd is skipped
  if (in.forward) {
    in.forward->add_pollfds(fds);
  }
  return mine;
}

Wait FunctionRunner::Impl::pump(Instance& in, Clock::time_point deadline,
                                std::optional<Reply>& reply, std::string& logs, bool once,
                                std::span<const pollfd> fired, bool use_fired) {
  // A queued invocation's answer may have come with the last one's, in the same read. (Its
  // output ends at its marker, which conclude() reads for if it is not here yet.)
  if (auto r = in.transport->buffered()) {
    if (r->kind != Reply::closed) {
      if (!flight || !flight->marked) {
        drain_output(in, logs);
      }
      reply = std::move(r);
      return Wait::reply;
    }
  }
  std::vector<pollfd>& fds = poll_set;
  Clock::time_point tick = Clock::now() + in.box->service_interval();
  Clock::time_point& service_at = once ? next_service : tick;
  bool service_now = false;
  for (;;) {
    auto now = Clock::now();
    service_now = service_now || now >= service_at;
    if (in.box->ended() || (service_now && in.box->service())) {
      drain_output(in, logs);
      reply = in.transport->drain();
      return reply && reply->kind != Reply::closed ? Wait::reply : Wait::ended;
    }
    if (service_now) {
      service_at = now + in.box->service_interval();
      service_now = false;
    }
    if (now >= deadline) {
      return Wait::deadline;
    }
    const std::size_t mine = fill_poll_set(in, fds);
    // Both ends are in the future here (checked above); the clamp is a second guard, since a
    // negative poll timeout means "forever".
    auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::min(deadline, service_at) - now);
    for (int t :
         {in.transport->poll_timeout_ms(), in.forward ? in.forward->poll_timeout_ms() : -1}) {
      if (t >= 0) {
        wait = std::min(wait, std::chrono::milliseconds(t));
      }
    }
    if (use_fired) {
      // The caller's loop has polled: its answer stands for this pass's. (With nothing ready,
      // its time came: the deadline and the tick are seen above, and the transport's own
      // retry below, as after a poll that timed out.)
      use_fired = false;
      for (pollfd& p : fds) {
        p.revents = 0;
        for (const pollfd& f : fired) {
          if (p.fd >= 0 && f.fd == p.fd) {
            p.revents = static_cast<short>(p.revents | f.revents);
          }
        }
      }
    } else {
      ::poll(fds.data(), fds.size(),
             once ? 0 : static_cast<int>(std::max<std::int64_t>(wait.count(), 0)) + 1);
    }
    if (fds[mine + 1].revents != 0 || fds[mine + 2].revents != 0) {
      drain_output(in, logs);
    }
    if (fds[mine + 3].revents != 0) {
      return Wait::cancelled;
    }
    if (in.forward) {
      in.forward->on_poll(std::span<const pollfd>(fds).subspan(mine + 4), *in.box);
    }
    service_now = fds[mine].revents != 0;  // (a due tick is seen at the top of the pass)
    if (auto r = in.transport->on_poll(std::span<const pollfd>(fds).first(mine))) {
      if (r->kind == Reply::closed) {
        service_now = true;  // the instance is ending: let service() see it
        continue;
      }
      reply = std::move(r);
      return Wait::reply;
    }
    if (once && !service_now) {
      return Wait::pending;  // output, part of an answer or nothing: the caller's loop waits
    }
  }
}

bool FunctionRunner::Impl::idle_news(Instance& in, std::string& logs, bool& cancel) {
  // One poll for both questions (a negative fd is skipped): before each invocation, on the
  // path of every request.
  pollfd fds[] = {{in.box->control_fd(), POLLIN, 0},
                  {in.box->stdout_fd(), POLLIN, 0},
                  {in.box->stderr_fd(), POLLIN, 0},
                  {options.cancel_fd, POLLIN, 0}};
  if (::poll(fds, 4, 0) <= 0) {
    return in.box->ended();
  }
  cancel = fds[3].revents != 0;
  if (fds[1].revents != 0 || fds[2].revents != 0) {
    drain_output(in, logs);
  }
  return in.box->ended() || (fds[0].revents != 0 && in.box->check_ended());
}

void FunctionRunner::Impl::classify_death(const Instance& in, InvokeResult& r) {
  const ExitInfo& e = in.box->exit_info();
  if (!e.setup_error.empty()) {
    r.status = InvokeStatus::sandbox_error;
    r.error = error_body("SandboxError", "sandbox: " + e.setup_error);
  } else if (e.exec_errno != 0) {
    r.status = InvokeStatus::sandbox_error;
    r.error = error_body("SandboxError",
                         "cannot execute " + in.argv0 + ": " + std::strerror(e.exec_errno));
  } else if (e.oom) {
    r.status = InvokeStatus::oom;
    r.error = error_body("OutOfMemory", "the function exceeded its memory limit of " +
                                            std::to_string(spec.memory_mb) + " MB");
  } else if (e.term_signal != 0) {
    r.status = InvokeStatus::killed;
    r.error = error_body("RuntimeKilled", std::string("the runtime was killed by signal ") +
                                              sigabbrev_np(e.term_signal) + " (" +
                                              strsignal(e.term_signal) + ")");
  } else {
    r.status = InvokeStatus::killed;
    r.error =
        error_body("RuntimeExited", "the runtime exited with status " +
                                        std::to_string(e.exit_code) + " during the invocation");
  }
}

void FunctionRunner::Impl::discard() {
  queued.reset();
  out.clear();
  if (instance) {
    instance->box->kill(KillReason::requested);
    instance.reset();
  }
}

bool FunctionRunner::Impl::begin(InvokeResult& r, std::string& logs, bool look) {
  r.memory_size_mb = spec.memory_mb;
  r.warnings = launch.warnings;
  r.version_note = launch.version_note;
  logs = std::move(pending_output);
  pending_output.clear();
  out.take_carried(logs, "");
  bool cancel = false;
  const bool died = instance && look ? idle_news(*instance, logs, cancel) : false;
  if (cancel || (!instance && cancelled())) {
    discard();
    set_cancelled(r);
    r.logs = std::move(logs);
    return false;
  }
  if (died) {
    discard();  // died while idle
  }
  return true;
}

InvokeResult FunctionRunner::Impl::start_now(const std::string& init_request_id) {
  InvokeResult r;
  std::string logs;
  if (!begin(r, logs)) {
    return r;
  }
  if (instance) {
    pending_output = std::move(logs);
    r.status = InvokeStatus::ok;
    r.isolation = instance->box->isolation();
    return r;
  }
  r.cold = true;
  init_id = init_request_id;
  const bool started = start_retrying(r, logs);
  init_id.clear();
  if (started) {
    r.status = InvokeStatus::ok;
    r.isolation = instance->box->isolation();
  }
  r.logs = std::move(logs);
  return r;
}

InvokeResult FunctionRunner::Impl::invoke(const InvokeRequest& req, const InvokeRequest* next) {
  Progress p = dispatch(req, next, false, true);
  while (p == Progress::running) {
    std::optional<Reply> reply;
    const Wait w = pump(*instance, flight->deadline, reply, flight->logs);
    p = conclude(w, reply);
  }
  InvokeResult r = std::move(flight->r);
  flight.reset();
  return r;
}

FunctionRunner::Progress FunctionRunner::Impl::dispatch(const InvokeRequest& req,
                                                        const InvokeRequest* next, bool again,
                                                        bool may_start, bool look) {
  flight.emplace();
  Flight& f = *flight;
  f.req = &req;
  f.next = next;
  f.again = again || rerun;
  f.may_start = may_start;
  rerun = false;
  InvokeResult& r = f.r;
  std::string& logs = f.logs;
  if (queued && instance && !req.request_id.empty() && req.request_id == queued->request_id) {
    // Sent while the last one ran, and started when it answered: it is waited for alone.
    // (Its instance's death is its own: no "died while idle" look first.)
    r.request_id = req.request_id;
    r.memory_size_mb = spec.memory_mb;
    r.warnings = launch.warnings;
    r.version_note = launch.version_note;
    logs = std::move(pending_output);
    pending_output.clear();
    f.t0 = queued->t0;
    queued.reset();
    f.marked = true;
    out.take_carried(logs, end_marker(r.request_id));
    r.isolation = instance->box->isolation();
    r.memory_source = std::string(instance->box->memory_source());
  } else {
    if (queued) {
      discard();  // another request than the queued one: nobody would take its answer
    }
    r.request_id = req.request_id.empty() ? new_request_id() : req.request_id;
    if (!begin(r, logs, look)) {
      return Progress::done;  // (begin() gave `r` the logs)
    }
    if (!instance) {
      if (!may_start) {
        pending_output = std::move(logs);  // what the dead instance printed: the next run's
        flight.reset();
        return Progress::needs_start;
      }
      r.cold = true;
      if (!start_retrying(r, logs)) {
        r.logs = std::move(logs);
        return Progress::done;
      }
    }
    Instance& in = *instance;
    r.isolation = in.box->isolation();
    r.memory_source = std::string(in.box->memory_source());
    if (options.measure_memory && (options.peak_per_invocation || !in.peak_reset)) {
      in.box->reset_peak_memory();
      in.peak_reset = true;
    }
    f.t0 = Clock::now();
    InvokeRequest sent = req;
    sent.request_id = r.request_id;
    if (may_queue(next)) {
      // Marked: the next one's output will follow this one's in the same pipes.
      in.transport->send_queued(sent, spec.timeout_s * 1000LL, true);
      f.marked = true;
      out.expect(end_marker(r.request_id));
    } else {
      in.transport->send_invoke(sent, epoch_ms() + spec.timeout_s * 1000LL);
    }
  }
  Instance& in = *instance;
  if (f.marked && may_queue(next)) {
    in.transport->send_queued(*next, spec.timeout_s * 1000LL, true);
    queued = Queued{next->request_id, Clock::time_point::max()};
  }
  r.debugging = options.debug.port > 0;
  f.deadline = deadline_after(f.t0, std::chrono::seconds(spec.timeout_s));
  next_service = Clock::now() + in.box->service_interval();
  return Progress::running;
}

FunctionRunner::Progress FunctionRunner::Impl::conclude(Wait w, std::optional<Reply>& reply) {
  Flight& f = *flight;
  InvokeResult& r = f.r;
  std::string& logs = f.logs;
  Instance& in = *instance;
  r.duration_ms = ms_since(f.t0);
  if (options.measure_memory) {
    const auto now = Clock::now();
    if (options.peak_per_invocation || in.peak_read == 0 ||
        now - in.peak_read_at >= options.peak_read_interval) {
      in.peak_read = in.box->peak_memory_bytes();
      in.peak_read_at = now;
    }
    r.max_memory_bytes = in.peak_read;
  }
  if (w == Wait::reply && (reply->kind == Reply::result || reply->kind == Reply::error)) {
    if (f.marked) {
      out.end_marked(in.box->stdout_fd(), in.box->stderr_fd(), logs);
    }
    if (queued) {
      queued->t0 = Clock::now();  // the queued one starts now
    }
    if (reply->kind == Reply::result) {
      r.status = InvokeStatus::ok;
      r.result = std::move(reply->body);
      const std::size_t counted = reply->limited_bytes.value_or(r.result.size());
      if (counted > k_max_response_bytes) {
        r.status = InvokeStatus::function_error;
        r.response_too_large = true;
        r.error = error_body("FunctionResponseTooLarge",
                             "the response is " + std::to_string(counted) +
                                 " bytes; the limit is " + std::to_string(k_max_response_bytes));
        r.result.clear();
      }
    } else {
      r.status = InvokeStatus::function_error;
      r.error = std::move(reply->body);
    }
    r.logs = std::move(logs);
    return Progress::done;
  }
  if (w == Wait::ended && in.transport->exiting() && !f.again) {
    // The runtime ended (an uncaught exception in the request before, which has its answer)
    // without starting this one: it runs on a new instance, once, as if it came now. The old
    // one's last output goes to its logs.
    drain_output(in, logs);
    discard();
    pending_output = std::move(logs);
    const InvokeRequest* req = f.req;
    const InvokeRequest* next = f.next;
    if (!f.may_start) {
      flight.reset();
      rerun = true;
      return Progress::needs_start;
    }
    return dispatch(*req, next, true, true);
  }
  if (w == Wait::deadline) {
    in.box->kill(KillReason::timeout);
    r.status = InvokeStatus::timeout;
    r.error = error_body("FunctionTimeout", "invocation timed out after " +
                                                std::to_string(spec.timeout_s) + " seconds");
  } else if (w == Wait::cancelled) {
    in.box->kill(KillReason::requested);
    set_cancelled(r);
  } else {
    classify_death(in, r);
  }
  drain_output(in, logs);
  r.max_memory_bytes = std::max(r.max_memory_bytes, in.box->peak_memory_bytes());
  r.logs = std::move(logs);
  discard();
  return Progress::done;
}

FunctionRunner::FunctionRunner(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

FunctionRunner::~FunctionRunner() {
  stop();
}

Expected<std::unique_ptr<FunctionRunner>> FunctionRunner::create(FunctionSpec spec,
                                                                 RunnerOptions options,
                                                                 const Capabilities& caps) {
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  if (!std::filesystem::is_directory(spec.code_dir, ec)) {
    return fail(ErrorCode::not_found,
                "code directory " + spec.code_dir.string() + " does not exist");
  }
  impl->launch = FSTAGE_TRY(plan_launch(spec, options));
  if (options.debug.port > 0) {
    FSTAGE_TRY(apply_debug(impl->launch, spec, options));
  }
  impl->spec = std::move(spec);
  impl->options = std::move(options);
  impl->caps = caps;
  return std::unique_ptr<FunctionRunner>(new FunctionRunner(std::move(impl)));
}

InvokeResult FunctionRunner::invoke(const InvokeRequest& request, const InvokeRequest* next) {
  return m_impl->invoke(request, next);
}

InvokeResult FunctionRunner::start(const std::string& init_request_id) {
  return m_impl->start_now(init_request_id);
}

void FunctionRunner::stop() {
  m_impl->discard();
}

void FunctionRunner::abandon() {
  if (m_impl->instance) {
    m_impl->instance->box->abandon();
    m_impl->instance.reset();
  }
}

FunctionRunner::Progress FunctionRunner::send(const InvokeRequest& request,
                                              const InvokeRequest* next, bool look) {
  Impl& m = *m_impl;
  const Progress p = m.dispatch(request, next, false, false, look);
  if (p != Progress::running) {
    return p;
  }
  // A request queued in the instance may have its answer read already, with the last one's:
  // no descriptor would say so.
  std::optional<detail::Reply> reply = m.instance->transport->buffered();
  if (!reply || reply->kind == detail::Reply::closed) {
    return p;
  }
  if (!m.flight->marked) {
    m.drain_output(*m.instance, m.flight->logs);  // (a marked one's conclude() reads for it)
  }
  return m.conclude(Wait::reply, reply);
}

FunctionRunner::Progress FunctionRunner::poll() {
  Impl& m = *m_impl;
  std::optional<detail::Reply> reply;
  const Wait w = m.pump(*m.instance, m.flight->deadline, reply, m.flight->logs, true);
  return w == Wait::pending ? Progress::running : m.conclude(w, reply);
}

FunctionRunner::Progress FunctionRunner::poll(std::span<const pollfd> fired) {
  Impl& m = *m_impl;
  std::optional<detail::Reply> reply;
  const Wait w = m.pump(*m.instance, m.flight->deadline, reply, m.flight->logs, true, fired, true);
  return w == Wait::pending ? Progress::running : m.conclude(w, reply);
}

void FunctionRunner::wait_set(std::vector<pollfd>& fds, Clock::time_point& wake_at) const {
  Impl& m = *m_impl;
  Instance& in = *m.instance;
  m.fill_poll_set(in, fds);
  wake_at = std::min(m.flight->deadline, m.next_service);
  for (int t : {in.transport->poll_timeout_ms(), in.forward ? in.forward->poll_timeout_ms() : -1}) {
    if (t >= 0) {
      wake_at = std::min(wake_at, Clock::now() + std::chrono::milliseconds(t));
    }
  }
}

InvokeResult FunctionRunner::result() {
  InvokeResult r = std::move(m_impl->flight->r);
  m_impl->flight.reset();
  return r;
}

bool FunctionRunner::takes_next() const {
  return m_impl->instance && m_impl->instance->transport->takes_queued() &&
         m_impl->options.debug.port <= 0;
}

bool FunctionRunner::warm() const {
  return m_impl->instance.has_value();
}

const std::vector<std::string>& FunctionRunner::warnings() const {
  return m_impl->launch.warnings;
}

}  // namespace fstage::sandbox
