// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <future>
#include <malloc.h>
#include <map>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <set>
#include <thread>
#include <vector>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/serve/apig.hpp>
#include <fstage/serve/cors.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/gateway.hpp>
#include <fstage/serve/router.hpp>
#include <fstage/serve/timers.hpp>
#include <fstage/serve/watcher.hpp>

namespace fstage::serve {

namespace sb = fstage::sandbox;
namespace fs = std::filesystem;

namespace {

// Two specs that run the same code the same way share a pool across manifest reloads.
std::string spec_key(const sb::FunctionSpec& s) {
  std::string k = s.name + '\n' + std::string(s.runtime.name) + '\n' + s.handler + '\n' +
                  s.initializer + '\n' + std::to_string(s.initializer_timeout) + '\n' +
                  std::to_string(s.memory_mb) + '\n' + std::to_string(s.timeout_s) + '\n' +
                  s.code_dir.string() + '\n' + s.package + '\n' + s.region + '\n';
  for (const auto& [key, value] : s.env) {
    k += key + '=' + value + '\n';
  }
  return k;
}

// What a 404 adds for the developer: the routes there are, or that there are none and why.
std::string routes_note(const Router& router) {
  const auto& routes = router.routes();
  if (routes.empty()) {
    return "fstage serve has no routes: no function in the manifest has an APIG trigger";
  }
  constexpr std::size_t k_listed = 20;
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < routes.size() && i < k_listed; ++i) {
    shown.push_back(routes[i].method + " " + routes[i].path);
  }
  if (routes.size() > k_listed) {
    shown.push_back("and " + std::to_string(routes.size() - k_listed) + " more");
  }
  return "routes: " + join(shown, ", ");
}

std::string manifest_shown(const ServeOptions& o) {
  return o.manifest_name.empty() ? o.manifest.string() : o.manifest_name;
}

// Serving without routes (and without flows, whose v2 routes answer) answers every request
// 404: say so, and how to add one.
void warn_if_no_routes(const Router& router, const std::string& manifest, Logger& log, bool flows) {
  if (router.routes().empty() && !flows) {
    log.event("warn", "no routes: no function in " + manifest +
                          " has an APIG trigger, so every request gets 404; add one to a "
                          "function, e.g. `triggers: [{type: APIG, path: /hello, method: ANY}]`");
  }
}

struct Project {
  manifest::Manifest manifest;
  Router router;
  std::map<std::string, std::shared_ptr<FunctionPool>> pools;
  std::map<std::string, std::string> keys;  // function -> spec_key
  std::vector<TimerSpec> timers;
  std::vector<flow::Definition> flows;  // those that validate
  std::vector<fs::path> watch;          // every function's build inputs (BuildResult::watch)
};

class Gateway {
 public:
  Gateway(const ServeOptions& o, const sb::Capabilities& caps, Logger& log)
      : m_opts(o), m_caps(caps), m_log(log) {
    // Flows run on the current project's pools: the same warm instances as the routes.
    m_flows = std::make_unique<FlowService>(
        [this](const std::string& fn) -> std::shared_ptr<FunctionPool> {
          auto p = snapshot();
          auto it = p->pools.find(fn);
          return it == p->pools.end() ? nullptr : it->second;
        },
        log);
  }

  // Loads the manifest and builds every function (a function whose build is unchanged keeps
  // its pool, warm instances and all).
  Expected<std::shared_ptr<Project>> load(const Project* previous);
  Expected<int> run(std::shared_ptr<Project> project);

 private:
  void handle(const HttpRequestData& d, HttpResponseData& res);
  void start_timers(const Project& p);
  Expected<void> start_watcher(const Project& p);
  void reload(bool manifest_changed);
  void control_loop(const sigset_t& signals);
  void begin_drain(int sig);
  void stop_now();
  // The current project's pools and those retired by reloads that may still be running.
  std::vector<std::shared_ptr<FunctionPool>> all_pools();
  std::shared_ptr<Project> snapshot() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_project;
  }

  const ServeOptions& m_opts;
  const sb::Capabilities& m_caps;
  Logger& m_log;
  std::mutex m_mutex;  // m_project, m_retiring, m_retired
  std::shared_ptr<Project> m_project;
  std::unique_ptr<HttpServer> m_server;
  std::unique_ptr<FlowService> m_flows;
  // Only the control thread touches these once it runs (reload, begin_drain).
  std::unique_ptr<TimerScheduler> m_timers;
  std::unique_ptr<Watcher> m_watcher;
  std::vector<std::thread> m_retiring;  // old pools draining after a reload
  std::vector<std::weak_ptr<FunctionPool>> m_retired;
  std::atomic<bool> m_reload{false};   // the manifest changed
  std::atomic<bool> m_rebuild{false};  // a function's inputs changed
  std::atomic<bool> m_control_stop{false};
  std::atomic<bool> m_stopping{false};  // the server stopped listening
  int m_signals_seen = 0;               // control thread
  bool m_draining = false;              // control thread
};

Expected<std::shared_ptr<Project>> Gateway::load(const Project* previous) {
  auto p = std::make_shared<Project>();
  p->manifest = FSTAGE_TRY(manifest::load_manifest(m_opts.manifest, m_opts.manifest_name));
  for (const auto& w : p->manifest.warnings) {
    m_log.event("warn", w.str());
  }
  builder::BuildOptions bo = m_opts.build;
  bo.on_status = [this](const std::string& s) { m_log.event("info", s); };
  bo.on_warning = [this](const std::string& w) { m_log.event("warn", w); };
  for (const auto& fn : p->manifest.functions) {
    auto built = builder::build_function(p->manifest, fn, bo);
    if (!built) {
      Error e = std::move(built).error();
      return fail(std::move(e).with_context("while building function " + quote(fn.name)));
    }
    for (const auto& w : built->watch) {
      if (std::find(p->watch.begin(), p->watch.end(), w) == p->watch.end()) {
        p->watch.push_back(w);
      }
    }
    sb::FunctionSpec spec = sb::function_spec(p->manifest, fn, built->run_tree);
    std::string key = spec_key(spec);
    if (previous != nullptr && previous->keys.count(fn.name) != 0 &&
        previous->keys.at(fn.name) == key) {
      p->pools[fn.name] = previous->pools.at(fn.name);
    } else {
      auto pool = FunctionPool::create(spec, m_opts.runner, m_caps, m_opts.pool, m_log);
      if (!pool) {
        Error e = std::move(pool).error();
        return fail(std::move(e).with_context("while preparing function " + quote(fn.name)));
      }
      p->pools[fn.name] = std::move(*pool);
    }
    p->keys[fn.name] = key;
    int timer_index = 0;
    for (const auto& t : fn.triggers) {
      if (t.type == "APIG") {
        Route r;
        r.function = fn.name;
        r.method = t.fields.value("method", "ANY");
        r.path = t.fields.value("path", "/");
        r.timeout_ms = t.fields.value("timeout", 5000);
        r.api_id = stable_api_id(fn.name, r.method, r.path);
        r.cors = t.fields.value("cors", false);
        p->router.add(std::move(r));
      } else if (t.type == "TIMER") {
        ++timer_index;
        if (!t.fields.value("enabled", true)) {
          continue;
        }
        TimerSpec ts;
        ts.function = fn.name;
        ts.name = t.fields.value(
            "name", fn.name + "-timer" + (timer_index > 1 ? std::to_string(timer_index) : ""));
        ts.schedule_text = t.fields.value("schedule", "");
        ts.user_event = t.fields.value("user_event", "");
        auto parsed =
            manifest::parse_schedule(t.fields.value("schedule_type", "Rate"), ts.schedule_text);
        if (!parsed) {
          m_log.event("warn", fn.name + ": timer " + quote(ts.schedule_text) +
                                  " not scheduled: " + parsed.error().message);
          continue;
        }
        ts.schedule = *parsed;
        auto zone = TimeZone::load(ts.schedule.time_zone);
        if (!zone) {
          m_log.event("warn", fn.name + ": " + zone.error().message + "; timer uses UTC");
        }
        ts.zone = zone ? *zone : TimeZone::utc();
        p->timers.push_back(std::move(ts));
      }
    }
  }
  p->flows = load_served_flows(p->manifest, m_log);
  add_flow_triggers(p->flows, p->router, p->timers, m_log);
  return p;
}

void Gateway::handle(const HttpRequestData& d, HttpResponseData& res) {
  auto t0 = std::chrono::steady_clock::now();
  std::string id = sb::new_request_id();
  std::shared_ptr<Project> project = snapshot();

  HttpResponseData out;
  std::string function;
  std::optional<HttpResponseData> flow_answer = m_flows->handle(d);
  auto match = project->router.match(d.method, d.path);
  // A CORS preflight is the gateway's to answer for an API with CORS enabled, unless an API of
  // its own takes OPTIONS on that path (cors.hpp).
  std::optional<RouteMatch> preflight;
  if (auto asked = preflight_method(d); asked && !(match && match->route->method == "OPTIONS")) {
    preflight = project->router.match(*asked, d.path);
  }
  if (flow_answer) {
    out = std::move(*flow_answer);
  } else if (d.body_too_large) {
    // Over the 6 MB a synchronous invocation takes (PLATFORM.md §2.2): API Gateway's 413,
    // "Request entity too large" (APIG.0201 in its error-code table).
    function = match ? match->route->function : std::string();
    out = gateway_error(413, "APIG.0201", "Request entity too large", id);
  } else if (preflight && preflight->route->cors) {
    function = preflight->route->function;
    out = preflight_response(id);
  } else if (!match) {
    out = gateway_error(404, "APIG.0101",
                        "The API does not exist or has not been published in the environment: " +
                            d.method + " " + d.path + " (" + routes_note(project->router) + ")",
                        id);
  } else if (!match->route->flow.empty()) {
    auto def = m_flows->find(match->route->flow);
    out =
        def ? m_flows->answer_route(*def, d, *match, id, m_opts.stage)
            : gateway_error(404, "APIG.0101", "flow " + match->route->flow + " is not served", id);
    if (match->route->cors) {
      add_cors_headers(out);
    }
  } else {
    function = match->route->function;
    std::shared_ptr<FunctionPool> pool = project->pools.at(function);
    sb::InvokeRequest ir;
    ir.request_id = id;
    ir.event = build_apig_event(d, *match, id, m_opts.stage);
    auto promise = std::make_shared<std::promise<sb::InvokeResult>>();
    auto future = promise->get_future();
    const auto wait = std::chrono::milliseconds(match->route->timeout_ms);
    if (!pool->submit(
            std::move(ir), [promise](sb::InvokeResult r) { promise->set_value(std::move(r)); },
            std::chrono::steady_clock::now() + wait)) {
      out = gateway_error(503, "APIG.0308",
                          interrupted()
                              ? std::string("Service unavailable: the gateway is shutting down")
                              : "Service unavailable: every instance of " + quote(function) +
                                    " is busy and its queue is full (--concurrency " +
                                    std::to_string(m_opts.pool.concurrency) + ", --queue " +
                                    std::to_string(m_opts.pool.queue) + ")",
                          id);
    } else if (future.wait_for(wait) != std::future_status::ready) {
      out = gateway_error(504, "APIG.0201",
                          "Backend timeout: no answer from " + quote(function) +
                              " within the "
                              "APIG trigger's timeout of " +
                              std::to_string(match->route->timeout_ms) + " ms",
                          id);
    } else {
      sb::InvokeResult r = future.get();
      if (r.status != sb::InvokeStatus::ok && r.status != sb::InvokeStatus::cancelled) {
        // The error and its stack trace are for the developer's log, not the HTTP client.
        for (const auto& line : error_log_lines(r)) {
          m_log.function_line(function, id, line);
        }
      }
      out = response_for(r);
    }
    if (match->route->cors) {
      add_cors_headers(out);
    }
  }
  res.status = out.status;
  for (auto& [k, v] : out.headers) {
    std::string lk = to_lower(k);
    if (lk == "content-length" || lk == "transfer-encoding" || lk == "connection") {
      continue;
    }
    res.headers.emplace_back(k, v);
  }
  std::size_t bytes = out.body.size();
  res.body = std::move(out.body);
  AccessRecord a;
  a.method = d.method;
  a.path = d.path;
  a.status = res.status;
  a.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  a.request_id = id;
  a.function = function;
  a.bytes = bytes;
  a.source = "http";
  m_log.access(a);
}

void Gateway::start_timers(const Project& p) {
  if (m_timers) {
    m_timers->stop();
    m_timers.reset();
  }
  if (!m_opts.timers || p.timers.empty()) {
    return;
  }
  m_timers = std::make_unique<TimerScheduler>(p.timers, [this](const TimerSpec& t,
                                                               const std::string& event) {
    if (!t.flow.empty()) {
      m_flows->fire_timer(t);
      return;
    }
    std::shared_ptr<Project> project = snapshot();
    auto it = project->pools.find(t.function);
    if (it == project->pools.end()) {
      return;
    }
    sb::InvokeRequest ir;
    ir.request_id = sb::new_request_id();
    ir.event = event;
    auto t0 = std::chrono::steady_clock::now();
    std::string id = ir.request_id;
    std::string name = t.name;
    std::string function = t.function;
    Logger* log = &m_log;
    bool queued = it->second->submit(std::move(ir), [=](sb::InvokeResult r) {
      AccessRecord a;
      a.method = "TIMER";
      a.path = name;
      a.status = r.status == sb::InvokeStatus::ok ? 200 : response_for(r).status;
      a.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      a.request_id = id;
      a.function = function;
      a.bytes = r.status == sb::InvokeStatus::ok ? r.result.size() : r.error.size();
      a.source = "timer";
      log->access(a);
    });
    if (!queued) {
      m_log.event("warn", "timer " + name + " skipped: " + quote(function) +
                              " is busy and its queue is full");
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
  start_timers(**fresh);
  if (auto w = start_watcher(**fresh); !w) {
    m_log.event("warn", "watch: " + w.error().message);
  }
  m_log.event("info", "reloaded " + m_opts.manifest.filename().string() + ": " +
                          std::to_string((*fresh)->router.routes().size()) + " routes, " +
                          std::to_string((*fresh)->timers.size()) + " timers");
  warn_if_no_routes((*fresh)->router, manifest_shown(m_opts), m_log, !(*fresh)->flows.empty());
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
  m_flows->cancel_all();
  if (m_timers) {
    m_timers->stop();
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

Expected<int> Gateway::run(std::shared_ptr<Project> project) {
  m_project = project;
  m_flows->use_store(project->manifest.root);  // NORMAL executions outlive serve
  m_flows->set_flows(project->flows);
  HttpServerOptions so;
  so.threads = std::max(64, m_opts.pool.concurrency * 4);
  so.max_body = sb::k_max_request_bytes;
  so.keep_alive_timeout_s = 2;
  so.keep_alive_max = 100000;
  m_server =
      FSTAGE_TRY(make_http_server(so, [this](const HttpRequestData& req, HttpResponseData& res) {
        // Nothing is thrown across the module boundary (http_server.hpp): a failure here is
        // the gateway's own 500.
        try {
          handle(req, res);
        } catch (const std::exception& e) {
          m_log.event("error", std::string("internal error while handling a request: ") + e.what());
          res = gateway_error(500, "APIG.9999", "System error (fstage serve)", "");
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
  warn_if_no_routes(project->router, manifest_shown(m_opts), m_log, !project->flows.empty());
  if (m_opts.timers) {
    for (const auto& t : project->timers) {
      m_log.event("info", "timer " + t.name + " (" + t.schedule_text + ") -> " +
                              (t.flow.empty() ? t.function : "flow " + t.flow));
    }
  }
  start_timers(*project);
  FSTAGE_TRY(start_watcher(*project));
  m_log.event("info", "listening on http://" + m_opts.host + ":" + std::to_string(port) +
                          (m_opts.watch ? " (watching for changes)" : ""));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  std::thread control([this, signals] { control_loop(signals); });
  m_server->listen();  // returns after stop(), once the open connections are done

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
  m_control_stop = true;
  control.join();
  if (m_timers) {
    m_timers->stop();
  }
  if (m_watcher) {
    m_watcher->stop();
  }
  m_log.event("info", "stopped");
  if (interrupted()) {
    return fail(interrupted_error());
  }
  return 0;
}

}  // namespace

Expected<int> serve(const ServeOptions& options, const sb::Capabilities& caps, Logger& log) {
  // Dozens of server threads would each get a malloc arena of their own (up to 8 per core),
  // and the server's memory would creep up as each arena is first used; two are plenty for a
  // gateway whose work is copying requests to sandboxes.
  ::mallopt(M_ARENA_MAX, 2);
  std::signal(SIGPIPE, SIG_IGN);
  InterruptScope interrupts;
  Gateway g(options, caps, log);
  // The first builds run here, where a signal stops them as it stops any build.
  auto project = FSTAGE_TRY(g.load(nullptr));
  if (interrupted()) {
    return fail(interrupted_error());
  }
  // From here on signals are taken by the control thread (sigtimedwait), not by a handler
  // in whichever thread they land in (cpp-httplib's accept loop would end on EINTR): block
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
