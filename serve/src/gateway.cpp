// SPDX-License-Identifier: Apache-2.0
// `fstage serve`'s entry: the Gateway is loaded, listens, and ends after a drain.
#include <algorithm>
#include <csignal>
#include <malloc.h>
#include <pthread.h>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve {

namespace detail {

std::string manifest_shown(const ServeOptions& o) {
  return o.manifest_name.empty() ? o.manifest.string() : o.manifest_name;
}

void warn_if_no_routes(const Router& router, const std::string& manifest, Logger& log,
                       bool other_entries) {
  if (router.routes().empty() && !other_entries) {
    log.event("warn", "no routes: no function in " + manifest +
                          " has an APIG trigger, so every request gets 404; add one to a "
                          "function, e.g. `triggers: [{type: APIG, path: /hello, method: ANY}]`");
  }
}

// Whatever runs functions without an APIG route: flows, and the triggers serve fires itself
// (TIMER, OBS, SMN, the streams). A project of those is not "every request gets 404".
bool has_other_entries(const Project& p) {
  if (!p.flows.empty()) {
    return true;
  }
  for (const auto& f : p.manifest.functions) {
    for (const auto& t : f.triggers) {
      if (t.type != "APIG") {
        return true;
      }
    }
  }
  return false;
}

// The reserved instances are started and initialised before the first request is taken; each
// function's are reported once they are.
void Gateway::report_reserved(const Project& project) {
  for (const auto& fn : project.manifest.functions) {
    auto it = project.pools.find(fn.name);
    if (fn.reserved_instances <= 0 || it == project.pools.end()) {
      continue;
    }
    const int wanted = it->second->stats().reserved;
    const auto timeout = std::chrono::seconds(it->second->spec().timeout_s + 30);
    const int ready = it->second->wait_reserved(timeout);
    const std::string what =
        std::to_string(wanted) + " reserved instance" + (wanted == 1 ? "" : "s");
    if (ready == wanted) {
      m_log.event("info", fn.name + ": " + what + " started and initialised");
    } else {
      m_log.event("warn", fn.name + ": " + std::to_string(ready) + " of " + what +
                              " started; the others failed to start (their error answers the "
                              "next request) or are still starting");
    }
  }
}

Expected<int> Gateway::run(std::shared_ptr<Project> project) {
  m_project = project;
  m_flows->use_store(project->manifest.root);  // NORMAL executions outlive serve
  m_flows->set_flows(project->flows);
  start_async(*project);
  HttpServerOptions so;
  so.threads = std::max(64, m_opts.pool.concurrency * 4);
  so.max_body = sb::k_max_request_bytes;
  so.keep_alive_timeout_s = 2;
  // Nothing is thrown across the module boundary (http_server.hpp): a failure here is the
  // gateway's own 500.
  auto internal_error = [this](const std::exception& e) {
    m_log.event("error", std::string("internal error while handling a request: ") + e.what());
    return gateway_error(500, "APIG.9999", "System error (fstage serve)", "");
  };
  m_server = FSTAGE_TRY(make_http_server(
      so,
      [this, internal_error](const HttpRequestData& req, HttpResponseData& res) {
        try {
          handle(req, res);
        } catch (const std::exception& e) {
          res = internal_error(e);
        }
      },
      [this, internal_error](HttpRequestData& req, const std::shared_ptr<HttpReply>& reply) {
        try {
          return take_async(req, reply);
        } catch (const std::exception& e) {
          reply->send(internal_error(e));
          return true;
        }
      }));
  int port = m_server->bind(m_opts.host, m_opts.port);
  if (port <= 0) {
    return fail(ErrorCode::io,
                "cannot listen on " + m_opts.host + ":" + std::to_string(m_opts.port),
                "the port may be in use: pick another with --port (0 = any free port)");
  }
  for (const auto& r : project->router.routes()) {
    m_log.event("info", "route " + r.method + " " + r.path + " -> " +
                            (r.flow.empty() ? r.function : "flow " + r.flow));
  }
  log_flows(project->flows, m_log);
  warn_if_no_routes(project->router, manifest_shown(m_opts), m_log, has_other_entries(*project));
  if (m_opts.timers) {
    for (const auto& t : project->timers) {
      m_log.event("info", "timer " + t.name + " (" + t.schedule_text + ") -> " +
                              (t.flow.empty() ? t.function : "flow " + t.flow));
    }
  }
  report_reserved(*project);
  start_console(port);
  // The event sources first: asynchronous events (timers, those a previous serve left
  // journaled) may conclude into an SMN or DIS destination, which is a source.
  FSTAGE_TRY(start_sources(*project));
  start_timers(*project);
  m_async->recover();
  FSTAGE_TRY(start_watcher(*project));
  m_log.event("info", "listening on http://" + m_opts.host + ":" + std::to_string(port) +
                          (m_opts.watch ? " (watching for changes)" : ""));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  std::thread control([this, signals] { control_loop(signals); });
  m_server->listen();  // returns after stop(), once the requests taken are answered

  // The control thread stays: a second signal during the drain cancels what still runs.
  m_stopping = true;
  m_flows->shutdown();  // before the pools: a flow's calls end as cancelled
  std::shared_ptr<Project> last = snapshot();
  for (auto& [name, pool] : last->pools) {
    pool->shutdown();
  }
  std::vector<std::thread> retiring;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    retiring.swap(m_retiring);
  }
  for (auto& t : retiring) {
    t.join();
  }
  if (m_sources) {
    m_sources->stop();  // the stream records not delivered go to .fstage/pending/streams/
  }
  m_async->stop();  // after the pools: their last results are concluded
  m_control_stop = true;
  control.join();
  if (m_timers) {
    m_timers->stop();
  }
  if (m_watcher) {
    m_watcher->stop();
  }
  stop_console();
  m_log.event("info", "stopped");
  if (interrupted()) {
    return fail(interrupted_error());
  }
  return 0;
}

}  // namespace detail

Expected<int> serve(const ServeOptions& options, const sandbox::Capabilities& caps, Logger& log) {
  // Dozens of server threads would each get a malloc arena of their own (up to 8 per core),
  // and the server's memory would creep up as each arena is first used; two are plenty for a
  // gateway whose work is copying requests to sandboxes.
  ::mallopt(M_ARENA_MAX, 2);
  std::signal(SIGPIPE, SIG_IGN);
  InterruptScope interrupts;
  detail::Gateway g(options, caps, log);
  // The first builds run here, where a signal stops them as it stops any build.
  auto project = FSTAGE_TRY(g.load(nullptr));
  if (interrupted()) {
    return fail(interrupted_error());
  }
  // From here on signals are taken by the control thread (sigtimedwait), not by a handler
  // in whichever thread they land in (a wait in the server's loop would end on EINTR): block
  // them before any thread starts, so that every thread inherits the mask. Sandboxed
  // children reset their own mask.
  sigset_t signals;
  sigset_t old;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &signals, &old);
  Expected<int> rc = g.run(std::move(project));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return rc;
}

}  // namespace fstage::serve
