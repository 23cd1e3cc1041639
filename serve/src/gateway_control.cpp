// SPDX-License-Identifier: Apache-2.0
// The gateway's control side: timers fire, the watcher's changes reload the project, and
// signals drain (first) or stop (second) the pools.
#include <malloc.h>
#include <pthread.h>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/apig.hpp>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

void Gateway::start_timers(const Project& p) {
  if (m_timers) {
    m_timers->stop();
    m_timers.reset();
  }
  if (!m_opts.timers || p.timers.empty()) {
    return;
  }
  m_timers = std::make_unique<TimerScheduler>(
      p.timers, [this](const TimerSpec& t, const std::string& event) {
        if (!t.flow.empty()) {
          m_flows->fire_timer(t);
          return;
        }
        // The platform invokes TIMER triggers asynchronously (PLATFORM.md §3): retried and sent
        // to the function's destinations like any asynchronous event.
        if (auto id = m_async->invoke(t.function, event, "timer:" + t.name); !id) {
          m_log.event("warn", "timer " + t.name + " skipped: " + id.error().message);
        }
      });
}

Expected<void> Gateway::start_watcher(const Project& p) {
  if (m_watcher) {
    m_watcher->stop();
    m_watcher.reset();
  }
  if (!m_opts.watch) {
    return {};
  }
  // A change under any function's build inputs rebuilds the project: the builds of the
  // functions it does not touch are recognised unchanged by stat alone and keep their pools.
  auto w = Watcher::start(
      p.watch, m_opts.manifest, [this](std::size_t) { m_rebuild = true; },
      [this] { m_reload = true; });
  if (!w) {
    return tl::unexpected(std::move(w).error());
  }
  m_watcher = std::move(*w);
  return {};
}

void Gateway::reload(bool manifest_changed) {
  std::shared_ptr<Project> old = snapshot();
  auto fresh = [&] {
    // A build can take minutes: let a signal reach the builder (which stops its child
    // processes on it) instead of waiting here for the build to end.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    ::pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    auto loaded = load(old.get());
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return loaded;
  }();
  if (!fresh && interrupted()) {
    return;  // the control loop drains next
  }
  if (!fresh) {
    m_log.event(
        "warn",
        (manifest_changed ? m_opts.manifest.filename().string() + " changed but does not load"
                          : std::string("code changed but does not build")) +
            "; still serving the previous version: " + fresh.error().message +
            (fresh.error().details.empty() ? "" : " (" + join(fresh.error().details, "; ") + ")"));
    return;
  }
  std::vector<std::string> recycled;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_project = *fresh;
    m_flows->set_flows((*fresh)->flows);
    for (auto& [name, pool] : old->pools) {
      auto it = (*fresh)->pools.find(name);
      if (it == (*fresh)->pools.end() || it->second != pool) {
        std::shared_ptr<FunctionPool> retired = pool;
        std::erase_if(m_retired, [](const auto& w) { return w.expired(); });
        m_retired.push_back(retired);
        m_retiring.emplace_back([retired] { retired->shutdown(); });
        recycled.push_back(name);
      }
    }
  }
  if (!manifest_changed) {
    for (const auto& name : recycled) {
      m_log.event("info", "code changed: rebuilt and recycled " + quote(name));
    }
    return;
  }
  m_async->set_functions((*fresh)->manifest.functions);  // API overrides end here
  start_timers(**fresh);
  if (auto s = start_sources(**fresh); !s) {
    m_log.event("warn", "event sources: " + s.error().message);
  }
  if (auto w = start_watcher(**fresh); !w) {
    m_log.event("warn", "watch: " + w.error().message);
  }
  m_log.event("info", "reloaded " + m_opts.manifest.filename().string() + ": " +
                          std::to_string((*fresh)->router.routes().size()) + " routes, " +
                          std::to_string((*fresh)->timers.size()) + " timers");
  warn_if_no_routes((*fresh)->router, manifest_shown(m_opts), m_log, has_other_entries(**fresh));
}

std::vector<std::shared_ptr<FunctionPool>> Gateway::all_pools() {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<std::shared_ptr<FunctionPool>> out;
  for (const auto& [name, pool] : m_project->pools) {
    out.push_back(pool);
  }
  for (const auto& retired : m_retired) {
    if (auto pool = retired.lock()) {
      out.push_back(std::move(pool));
    }
  }
  return out;
}

// The first signal: no new requests, no timers, the queued requests answered; each running
// invocation may finish while its caller still waits for it (cancel_overdue, every tick).
void Gateway::begin_drain(int sig) {
  m_draining = true;
  m_log.event("info", std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                          ": draining requests in flight (a second signal stops at once)");
  m_server->stop();
  if (m_console) {
    m_console->stop();  // the event streams end: the server's threads are free to end
  }
  m_flows->cancel_all();
  m_async->drain();  // queued events stay journaled; running ones finish
  if (m_timers) {
    m_timers->stop();
  }
  if (m_sources) {
    m_sources->begin_stop();
  }
  if (m_watcher) {
    m_watcher->stop();
  }
  for (const auto& pool : all_pools()) {
    pool->drain();
  }
}

// The second signal: every invocation is cancelled, which kills its sandbox and removes its
// cgroup; the pools then end as after a drain.
void Gateway::stop_now() {
  m_log.event("warn", "second signal: stopping every sandbox now");
  for (const auto& pool : all_pools()) {
    pool->cancel_all();
  }
}

void Gateway::control_loop(const sigset_t& signals) {
  timespec tick{0, 50 * 1000 * 1000};
  for (unsigned ticks = 1; !m_control_stop; ++ticks) {
    // Once a second, hand freed heap pages back to the system: instances come and go (a
    // crash, a timeout, --watch, idle reaping) and each leaves freed memory in the arenas
    // that RSS would otherwise keep (bench/serve-soak).
    if (ticks % 20 == 0) {
      ::malloc_trim(0);
    }
    // This thread takes the signals for the whole gateway (serve() blocks them in every
    // other thread) and counts them as the handler would; during a rebuild the handler
    // itself takes them (reload).
    if (int sig = ::sigtimedwait(&signals, nullptr, &tick); sig == SIGINT || sig == SIGTERM) {
      note_interrupt(sig);
    }
    if (const int n = interrupt_count(); n > m_signals_seen) {
      if (m_signals_seen == 0) {
        begin_drain(interrupt_signal());
      }
      if (n >= 2) {
        stop_now();
      }
      m_signals_seen = n;
    }
    if (m_draining) {
      for (const auto& pool : all_pools()) {
        pool->cancel_overdue(std::chrono::steady_clock::now());
      }
      continue;
    }
    const bool manifest_changed = m_reload.exchange(false);
    const bool code_changed = m_rebuild.exchange(false);
    if ((manifest_changed || code_changed) && !m_stopping) {
      reload(manifest_changed);
    }
  }
}

}  // namespace fstage::serve::detail
