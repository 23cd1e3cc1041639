// SPDX-License-Identifier: Apache-2.0
// The warm-instance manager: one runtime instance at a time, started on demand, reused while
// it stays healthy (RIE's initDone model), discarded after a timeout, crash or OOM.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <poll.h>
#include <random>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/sandbox/function.hpp>

#include "debug_session.hpp"
#include "go_rpc.hpp"
#include "http_function.hpp"
#include "launch.hpp"
#include "loopback.hpp"
#include "output_split.hpp"
#include "runtime_api.hpp"
#include "transport.hpp"
#include <netinet/in.h>
#include <sys/socket.h>

namespace fstage::sandbox {

using namespace detail;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double ms_since(Clock::time_point t) {
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

enum class Wait { reply, deadline, ended, cancelled };

// Loading a function (interpreter start, imports) gets its timeout plus this allowance.
constexpr int k_load_allowance_s = 5;
// New instances tried after the one whose initializer failed (the platform's "at most 3").
constexpr int k_initializer_retries = 3;

}  // namespace

struct FunctionRunner::Impl {
  FunctionSpec spec;
  RunnerOptions options;
  Capabilities caps;
  LaunchPlan launch;
  std::optional<Instance> instance;
  std::string pending_output;       // printed between invocations: goes to the next one's logs
  bool initializer_failed = false;  // the last start() failed in the initializer itself
  // The invocation queued in the instance behind the current one (invoke()'s `next`): it
  // starts when the current one answers (`t0`), and the next invoke() of it waits for it.
  struct Queued {
    std::string request_id;
    Clock::time_point t0;
  };
  std::optional<Queued> queued;
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

  // Runs the poll loop until the transport has a reply, the deadline passes, the instance
  // ends or the caller cancels. Each pass costs one poll(2) and the reads it asks for, nothing
  // more:
  //  - the transport's descriptors come first in the poll set, and the kernel checks them in
  //    order, so output the function wrote before it answered is reported by the same poll
  //    as the answer (no read of the pipes "just in case" after each reply);
  //  - the sandbox is serviced when its control socket has something, and otherwise once per
  //    service_interval() (the watchdog's tick), not on every pass.
  Wait pump(Instance& in, Clock::time_point deadline, std::optional<Reply>& reply,
            std::string& logs) {
    // A queued invocation's answer may have come with the last one's, in the same read.
    if (auto r = in.transport->buffered()) {
      if (r->kind != Reply::closed) {
        drain_output(in, logs);
        reply = std::move(r);
        return Wait::reply;
      }
    }
    std::vector<pollfd> fds;
    auto next_service = Clock::now() + in.box->service_interval();
    bool service_now = false;
    for (;;) {
      auto now = Clock::now();
      service_now = service_now || now >= next_service;
      if (in.box->ended() || (service_now && in.box->service())) {
        drain_output(in, logs);
        reply = in.transport->drain();
        return reply && reply->kind != Reply::closed ? Wait::reply : Wait::ended;
      }
      if (service_now) {
        next_service = now + in.box->service_interval();
        service_now = false;
      }
      if (now >= deadline) {
        return Wait::deadline;
      }
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
      // Both ends are in the future here (checked above); the clamp is a second guard, since a
      // negative poll timeout means "forever".
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::min(deadline, next_service) - now);
      for (int t :
           {in.transport->poll_timeout_ms(), in.forward ? in.forward->poll_timeout_ms() : -1}) {
        if (t >= 0) {
          wait = std::min(wait, std::chrono::milliseconds(t));
        }
      }
      ::poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(wait.count(), 0)) + 1);
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
    }
  }

  // What happened to a warm instance while it sat idle, for the cost of one poll(2) when
  // nothing did: output it printed goes to the next invocation's logs, and a control message
  // (the end of the instance, usually) is handled. True when the instance has ended.
  bool idle_news(Instance& in, std::string& logs) {
    pollfd fds[] = {{in.box->control_fd(), POLLIN, 0},
                    {in.box->stdout_fd(), POLLIN, 0},
                    {in.box->stderr_fd(), POLLIN, 0}};
    if (in.box->ended() || ::poll(fds, 3, 0) <= 0) {
      return in.box->ended();
    }
    if (fds[1].revents != 0 || fds[2].revents != 0) {
      drain_output(in, logs);
    }
    return fds[0].revents != 0 && in.box->check_ended();
  }

  // Why an instance died, as an invocation result.
  void classify_death(const Instance& in, InvokeResult& r) {
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

  void discard() {
    queued.reset();
    out.clear();
    if (instance) {
      instance->box->kill(KillReason::requested);
      instance.reset();
    }
  }

  // Starts an instance and waits for the shim's "ready". On failure fills `r` and returns
  // false.
  bool start(InvokeResult& r, std::string& logs) {
    auto t0 = Clock::now();
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      r.status = InvokeStatus::sandbox_error;
      r.error = error_body("SandboxError", std::string("socketpair: ") + std::strerror(errno));
      return false;
    }
    SandboxConfig cfg;
    cfg.argv = launch.argv;
    cfg.env = launch.env;
    cfg.files = launch.files;
    cfg.binds = launch.binds;
    cfg.code_dir = spec.code_dir;
    cfg.limits = options.limits;
    cfg.limits.memory_mb = spec.memory_mb;
    cfg.network_host = options.network_host;
    cfg.runtime_fd = sv[1];
    int host_listener = -1;
    cfg.links = launch.links;
    cfg.masks = launch.masks;
    if (launch.protocol == Protocol::http_function) {
      cfg.runtime_fd = -1;
      // On the host's network the function's server must get the host's port 8000: when
      // something holds it, the function could not listen, or fstage would talk to that
      // something instead. Say so before starting anything.
      if ((!caps.namespaces || options.network_host) && port_taken(k_http_function_port)) {
        ::close(sv[0]);
        ::close(sv[1]);
        r.status = InvokeStatus::sandbox_error;
        r.error = error_body(
            "SandboxError",
            "port " + std::to_string(k_http_function_port) +
                " on this host is in use: an HTTP function on the host's network (" +
                (options.network_host ? std::string("--network host")
                                      : std::string("no network namespace here")) +
                ") must listen there (stop what holds it: ss -ltnp 'sport = :8000'; another "
                "instance of a function counts)");
        return false;
      }
    }
    int go_port = k_runtime_api_port;
    if (launch.protocol == Protocol::go_rpc) {
      cfg.runtime_fd = -1;
      if (!caps.namespaces || options.network_host) {
        // Shared network: pick a free port for the function to listen on.
        int probe = listen_loopback(go_port);
        if (probe >= 0) {
          ::close(probe);
        }
        for (auto& e : cfg.env) {
          if (e.starts_with("RUNTIME_API_ADDR=")) {
            e = "RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(go_port);
          }
        }
      }
    }
    if (launch.protocol == Protocol::runtime_api) {
      cfg.runtime_fd = -1;
      if (caps.namespaces && !options.network_host) {
        cfg.api_port = k_runtime_api_port;  // private loopback: the fixed port is free
      } else {
        // Shared network: listen on a free host port and tell the runtime which.
        int port = 0;
        host_listener = listen_loopback(port);
        for (auto& e : cfg.env) {
          if (e.starts_with("RUNTIME_API_ADDR=")) {
            e = "RUNTIME_API_ADDR=127.0.0.1:" + std::to_string(port);
          }
        }
      }
    }
    // A debug session's port: forwarded into the sandbox's own network, or, when it shares the
    // host's, the debugger's own listener.
    std::unique_ptr<DebugForwarder> forward;
    if (options.debug.port > 0 && caps.namespaces && !options.network_host) {
      auto f = DebugForwarder::listen(options.debug.port);
      if (!f) {
        r.status = InvokeStatus::sandbox_error;
        r.error = error_body("SandboxError", f.error().message + " (" + f.error().hint + ")");
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
      }
      forward = std::move(*f);
    }
    auto box = Sandbox::spawn(cfg, caps);
    ::close(sv[1]);
    if (!box) {
      ::close(sv[0]);
      if (host_listener >= 0) {
        ::close(host_listener);
      }
      r.status = InvokeStatus::sandbox_error;
      r.isolation = planned_isolation(caps);  // the tier it failed in, not a default
      Error e = box.error();
      r.error = error_body("SandboxError", e.message + (e.hint.empty() ? "" : " (" + e.hint + ")"));
      return false;
    }
    std::unique_ptr<Transport> transport;
    if (launch.protocol == Protocol::runtime_api) {
      ::close(sv[0]);
      int listener = host_listener >= 0 ? host_listener : (*box)->take_api_listener();
      transport = std::make_unique<RuntimeApiTransport>(listener);
    } else if (launch.protocol == Protocol::go_rpc) {
      ::close(sv[0]);
      Sandbox* raw = box->get();
      transport =
          std::make_unique<GoRpcTransport>([raw, go_port] { return raw->connect_inside(go_port); });
    } else if (launch.protocol == Protocol::http_function) {
      ::close(sv[0]);
      Sandbox* raw = box->get();
      transport = std::make_unique<HttpFunctionTransport>(
          [raw] { return raw->connect_inside(k_http_function_port); }, spec);
    } else {
      transport = std::make_unique<FramedTransport>(sv[0]);
    }
    instance.emplace(
        Instance{std::move(*box), std::move(transport), launch.argv.front(), std::move(forward)});
    if (options.debug.port > 0 && options.debug.on_listening) {
      options.debug.on_listening(detail::debug_listening_line(
          *debugger_for(spec.runtime.language), options.debug,
          caps.namespaces ? std::string(k_code_root)
                          : std::filesystem::absolute(spec.code_dir).string()));
    }
    r.isolation = instance->box->isolation();
    // Interpreter start and import are not billed against any timeout on the platform; give
    // them the function's timeout and a fixed allowance. The initializer then gets exactly
    // initializer_timeout, counted from the shim's init_start (there is no grace: a 5 s
    // initializer fails a 2 s limit).
    auto deadline = deadline_after(t0, std::chrono::seconds(spec.timeout_s + k_load_allowance_s));
    bool initializing = false;
    std::optional<Reply> reply;
    Wait w = pump(*instance, deadline, reply, logs);
    while (w == Wait::reply && reply->kind == Reply::init_start && !initializing) {
      initializing = true;
      deadline = deadline_after(Clock::now(), std::chrono::seconds(spec.initializer_timeout));
      w = pump(*instance, deadline, reply, logs);
    }
    r.init_duration_ms = ms_since(t0);
    if (w == Wait::reply && reply->kind == Reply::ready) {
      return true;
    }
    initializer_failed = initializing && w != Wait::cancelled;
    if (w == Wait::cancelled) {
      set_cancelled(r);
    } else if (w == Wait::reply && reply->kind == Reply::init_error) {
      r.status = InvokeStatus::function_error;
      r.error = reply->body;
    } else if (w == Wait::deadline) {
      instance->box->kill(KillReason::timeout);
      r.status = InvokeStatus::timeout;
      r.error = initializing ? error_body("InitializerTimeout",
                                          "initialization timed out after " +
                                              std::to_string(spec.initializer_timeout) + " seconds")
                             : error_body("InitializerTimeout",
                                          "the runtime did not load the function within " +
                                              std::to_string(spec.timeout_s + k_load_allowance_s) +
                                              " seconds");
    } else {
      classify_death(*instance, r);
    }
    drain_output(*instance, logs);
    r.max_memory_bytes = instance->box->peak_memory_bytes();
    r.memory_source = std::string(instance->box->memory_source());
    discard();
    return false;
  }

  // start(), and when the initializer itself failed (an error or its timeout) a new instance,
  // up to k_initializer_retries times: "if the initializer fails, that instance fails and the
  // next instance is chosen to run it again, at most 3 retries" (Huawei's developer guide,
  // devg-functiongraph functiongraph_02_0532, "initializer接口规范"). A function that fails to
  // load is not retried. Each attempt's logs are kept, with a line between them.
  bool start_retrying(InvokeResult& r, std::string& logs) {
    for (int retry = 0;; ++retry) {
      initializer_failed = false;
      if (start(r, logs)) {
        return true;
      }
      if (!initializer_failed || retry == k_initializer_retries) {
        return false;
      }
      std::string line = "fstage: the initializer failed on instance " + std::to_string(retry + 1) +
                         "; retrying on a new instance (retry " + std::to_string(retry + 1) +
                         " of " + std::to_string(k_initializer_retries) + ")\n";
      out.emit(logs, line);
      InvokeResult fresh;
      fresh.request_id = r.request_id;
      fresh.memory_size_mb = r.memory_size_mb;
      fresh.warnings = std::move(r.warnings);
      fresh.cold = true;
      r = std::move(fresh);
    }
  }

  // What start_now and invoke do first: the result's fixed fields, the output held since the
  // last call into `logs`, and the instance dropped when it died while idle. False when the
  // runner is cancelled (`r` then says so).
  bool begin(InvokeResult& r, std::string& logs) {
    r.memory_size_mb = spec.memory_mb;
    r.warnings = launch.warnings;
    r.version_note = launch.version_note;
    logs = std::move(pending_output);
    pending_output.clear();
    out.take_carried(logs, "");
    if (cancelled()) {
      discard();
      set_cancelled(r);
      r.logs = std::move(logs);
      return false;
    }
    if (instance && idle_news(*instance, logs)) {
      discard();  // died while idle
    }
    return true;
  }

  InvokeResult start_now() {
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
    if (start_retrying(r, logs)) {
      r.status = InvokeStatus::ok;
      r.isolation = instance->box->isolation();
    }
    r.logs = std::move(logs);
    return r;
  }

  // Whether `next` may be queued in the instance behind the invocation being sent.
  bool may_queue(const InvokeRequest* next) const {
    return next != nullptr && instance && instance->transport->takes_queued() &&
           options.debug.port <= 0 && !next->request_id.empty();
  }

  // `again`: the runtime that was sent `req` ended before starting it (Transport::exiting()), and
  // this is its run on a new instance.
  InvokeResult invoke(const InvokeRequest& req, const InvokeRequest* next, bool again = false) {
    InvokeResult r;
    std::string logs;
    Clock::time_point t0;
    bool marked = false;  // its output ends with its end marker
    if (queued && instance && !req.request_id.empty() && req.request_id == queued->request_id) {
      // Sent while the last one ran, and started when it answered: it is waited for alone.
      // (Its instance's death is its own: no "died while idle" look first.)
      r.request_id = req.request_id;
      r.memory_size_mb = spec.memory_mb;
      r.warnings = launch.warnings;
      r.version_note = launch.version_note;
      logs = std::move(pending_output);
      pending_output.clear();
      t0 = queued->t0;
      queued.reset();
      marked = true;
      out.take_carried(logs, end_marker(r.request_id));
      r.isolation = instance->box->isolation();
      r.memory_source = std::string(instance->box->memory_source());
    } else {
      if (queued) {
        discard();  // another request than the queued one: nobody would take its answer
      }
      r.request_id = req.request_id.empty() ? new_request_id() : req.request_id;
      if (!begin(r, logs)) {
        return r;
      }
      if (!instance) {
        r.cold = true;
        if (!start_retrying(r, logs)) {
          r.logs = std::move(logs);
          return r;
        }
      }
      Instance& in = *instance;
      r.isolation = in.box->isolation();
      r.memory_source = std::string(in.box->memory_source());
      if (options.measure_memory && (options.peak_per_invocation || !in.peak_reset)) {
        in.box->reset_peak_memory();
        in.peak_reset = true;
      }
      t0 = Clock::now();
      InvokeRequest sent = req;
      sent.request_id = r.request_id;
      if (may_queue(next)) {
        // Marked: the next one's output will follow this one's in the same pipes.
        in.transport->send_queued(sent, spec.timeout_s * 1000LL, true);
        marked = true;
        out.expect(end_marker(r.request_id));
      } else {
        in.transport->send_invoke(sent, epoch_ms() + spec.timeout_s * 1000LL);
      }
    }
    Instance& in = *instance;
    if (marked && may_queue(next)) {
      in.transport->send_queued(*next, spec.timeout_s * 1000LL, true);
      queued = Queued{next->request_id, Clock::time_point::max()};
    }
    std::optional<Reply> reply;
    r.debugging = options.debug.port > 0;
    Wait w = pump(in, deadline_after(t0, std::chrono::seconds(spec.timeout_s)), reply, logs);
    r.duration_ms = ms_since(t0);
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
      if (marked) {
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
      return r;
    }
    if (w == Wait::ended && in.transport->exiting() && !again) {
      // The runtime ended (an uncaught exception in the request before, which has its answer)
      // without starting this one: it runs on a new instance, once, as if it came now. The old
      // one's last output goes to its logs.
      drain_output(in, logs);
      discard();
      pending_output = std::move(logs);
      return invoke(req, next, true);
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
    return r;
  }
};

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

InvokeResult FunctionRunner::start() {
  return m_impl->start_now();
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
