// SPDX-License-Identifier: Apache-2.0
// The gateway's parts, shared by its files: the Project (one load of the manifest: routes,
// pools, timers, flows) and the Gateway that serves it. gateway.cpp runs it, gateway_load.cpp
// loads a project, gateway_handle.cpp answers a request, gateway_control.cpp reacts to
// signals, timers and changes.
#pragma once

#include <atomic>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fstage/flow/model.hpp>
#include <fstage/serve/async_invoke.hpp>
#include <fstage/serve/console.hpp>
#include <fstage/serve/event_sources.hpp>
#include <fstage/serve/events.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/gateway.hpp>
#include <fstage/serve/metrics.hpp>
#include <fstage/serve/requests.hpp>
#include <fstage/serve/router.hpp>
#include <fstage/serve/timers.hpp>
#include <fstage/serve/watcher.hpp>

namespace fstage::serve::detail {

namespace sb = fstage::sandbox;
namespace fs = std::filesystem;

// serve's own routes live under this prefix, never a function's (gateway_handle.cpp).
inline constexpr std::string_view k_internal_prefix = "/_fstage/";

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
    observe_flows();
  }

  // Loads the manifest and builds every function (a function whose build is unchanged keeps
  // its pool, warm instances and all).
  Expected<std::shared_ptr<Project>> load(const Project* previous);
  void reserve_instances(const manifest::Function& fn, FunctionPool& pool, int concurrency);
  void report_reserved(const Project& project);
  Expected<int> run(std::shared_ptr<Project> project);

 private:
  void handle(const HttpRequestData& d, HttpResponseData& res);
  // On the server's loop: takes a request to a function's APIG route (false for any other).
  bool take_async(HttpRequestData& d, const std::shared_ptr<HttpReply>& reply);
  // A request to a function's APIG route: the APIG event to its pool, the result mapped back.
  HttpResponseData answer_function(Project& project, const RouteMatch& match,
                                   const HttpRequestData& d, const std::string& id);
  // The answers to a function's route: its result, 503 (queue full or stopping), 504.
  HttpResponseData function_answer(const std::string& function, const std::string& id,
                                   const sb::InvokeResult& r);
  HttpResponseData unavailable(const std::string& function, const std::string& id);
  static HttpResponseData backend_timeout(const std::string& function, int timeout_ms,
                                          const std::string& id);
  void log_access(const std::string& method, const std::string& path, int status,
                  std::chrono::steady_clock::time_point t0, const std::string& id,
                  const std::string& function, std::size_t bytes);
  // serve's own routes under k_internal_prefix (console, metrics, ...): nullopt for others.
  std::optional<HttpResponseData> answer_internal(const HttpRequestData& d);
  // The API's 401 for a signed /v2/ request whose signature does not verify, else nullopt.
  std::optional<HttpResponseData> signature_rejection(const HttpRequestData& d);
  // The platform's sync invoke route (gateway_invoke_api.cpp): nullopt for other paths;
  // `function` is set once the request names a served function.
  std::optional<HttpResponseData> answer_invoke_api(Project& project, const HttpRequestData& d,
                                                    const std::string& id, std::string& function);
  // Observation (gateway_observe.cpp): the pool options that count into m_metrics and keep
  // requests in m_history; the flows' end counted; /_fstage/metrics and /_fstage/requests.
  PoolOptions observed_pool(const std::string& function);
  void observe_flows();
  std::optional<HttpResponseData> answer_observe(const HttpRequestData& d);
  // The console and live logs (gateway_console.cpp): every log record goes to the event bus,
  // the console answers under k_internal_prefix, and .fstage/serve.json says where serve
  // listens until stop_console().
  void start_console(int port);
  void stop_console();
  // Asynchronous invocation (async_routes.cpp): the invoker, its routes (nullopt for others;
  // `seg` is the path's six segments), and the events sources' Deliver.
  void start_async(const Project& p);
  // The async destinations wired to the event sources (OBS files, SMN topics, DIS streams).
  DestinationSink destination_sink(const fs::path& root);
  std::optional<HttpResponseData> answer_async_api(const HttpRequestData& d,
                                                   const std::vector<std::string>& seg,
                                                   std::string& function);
  Expected<std::string> deliver_async(const std::string& function, std::string event_json,
                                      const std::string& source);
  void start_timers(const Project& p);
  // The manifest's OBS, SMN and stream triggers (event_gateway.cpp).
  Expected<void> start_sources(const Project& p);
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
  std::shared_ptr<HttpServer> m_server;  // shared with the requests its loop runs (pool_loop.cpp)
  std::unique_ptr<FlowService> m_flows;
  std::unique_ptr<AsyncInvoker> m_async;
  MetricsRegistry m_metrics;
  std::shared_ptr<RequestHistory> m_history = std::make_shared<RequestHistory>();
  std::unique_ptr<EventBus> m_bus;
  std::unique_ptr<Console> m_console;
  // Only the control thread touches these once it runs (reload, begin_drain).
  std::unique_ptr<TimerScheduler> m_timers;
  std::unique_ptr<Watcher> m_watcher;
  std::unique_ptr<EventSources> m_sources;
  std::vector<std::thread> m_retiring;  // old pools draining after a reload
  std::vector<std::weak_ptr<FunctionPool>> m_retired;
  std::atomic<bool> m_reload{false};   // the manifest changed
  std::atomic<bool> m_rebuild{false};  // a function's inputs changed
  std::atomic<bool> m_control_stop{false};
  std::atomic<bool> m_stopping{false};  // the server stopped listening
  int m_signals_seen = 0;               // control thread
  bool m_draining = false;              // control thread
};

// How messages name the manifest: as the user gave it.
std::string manifest_shown(const ServeOptions& o);
// Serving without routes (and without flows, whose v2 routes answer, or triggers serve fires
// itself: `other_entries`) answers every request 404: say so, and how to add one.
void warn_if_no_routes(const Router& router, const std::string& manifest, Logger& log,
                       bool other_entries);
bool has_other_entries(const Project& p);

}  // namespace fstage::serve::detail
