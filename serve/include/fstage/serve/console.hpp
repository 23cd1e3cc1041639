// SPDX-License-Identifier: Apache-2.0
// The web console of `fstage serve`, under its reserved prefix /_fstage/ on serve's port:
//   /_fstage/                      the page (serve/console/, embedded: assets.hpp)
//   /_fstage/api/functions         the functions, their routes, triggers and warm instances
//   /_fstage/api/invocations       the recent invocations with their log lines (?function=)
//   /_fstage/api/logs              the recent log lines (?function=&limit=), for `fstage logs`
//   /_fstage/api/flows             the served flows
//   /_fstage/api/flows/F/graph.svg the flow drawn as `fstage flow graph` draws it
//   /_fstage/api/flows/F/graph     which SVG node draws which state
//   /_fstage/api/flows/F/executions  its executions (FlowService::list)
//   /_fstage/api/executions/ID     one execution, live while it runs (FlowService::show)
//   /_fstage/api/serve             who is serving: pid, manifest (`fstage logs` checks it)
//   /_fstage/events                server-sent events from the EventBus (?function=&backlog=N)
// Read-only: nothing here starts or changes anything.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <fstage/manifest/manifest.hpp>
#include <fstage/serve/events.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/pool.hpp>
#include <fstage/serve/router.hpp>

namespace fstage::serve {

// What the console shows of the project served now (a reload replaces it).
struct ConsoleView {
  std::shared_ptr<const manifest::Manifest> manifest;
  std::shared_ptr<const Router> router;
  std::map<std::string, PoolStats> pools;
};
using ConsoleSnapshot = std::function<ConsoleView()>;

struct ConsoleOptions {
  std::size_t max_streams = 16;  // open /_fstage/events at once: each holds a server thread
  std::chrono::milliseconds keepalive{1000};  // a comment line when idle: finds a gone client
  std::chrono::milliseconds flow_poll{100};   // how often running executions are looked at
};

class Console {
 public:
  Console(EventBus& bus, FlowService& flows, ConsoleSnapshot snapshot, ConsoleOptions options = {});
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // The answer to a request under /_fstage/ that is the console's; nullopt for others.
  std::optional<HttpResponseData> answer(const HttpRequestData& request);
  // serve is stopping: the event streams end now, and no new one starts.
  void stop();

 private:
  std::optional<HttpResponseData> answer_api(const HttpRequestData& request, std::string_view path);
  HttpResponseData answer_flow(const std::string& name, std::string_view what);
  HttpResponseData events(const HttpRequestData& request);
  Expected<std::string> flow_svg(const flow::Definition& def);
  // The flow executions' progress on the bus (flow_started, flow_state, flow_finished),
  // read through FlowService's public API while anyone listens (console_flows.cpp).
  void watch_flows();

  EventBus& m_bus;
  FlowService& m_flows;
  ConsoleSnapshot m_snapshot;
  ConsoleOptions m_options;
  std::atomic<int> m_streams{0};
  std::atomic<bool> m_stopping{false};
  std::mutex m_svg_mutex;  // Graphviz is not thread-safe; and the cache
  std::map<std::string, std::pair<std::string, std::string>> m_svg_cache;  // name -> dot, svg
  std::thread m_watcher;
};

// Where a running serve says it listens: <project>/.fstage/serve.json, written once serve
// listens and removed when it ends ({"url","pid","manifest","started"}).
struct ServeFile {
  std::string url;
  long pid = 0;
  std::string manifest;
  std::string started;
};
std::filesystem::path serve_file_path(const std::filesystem::path& project_root);
Expected<void> write_serve_file(const std::filesystem::path& project_root, const ServeFile& f);
// Removes it if it is still this process's (another serve may have started since).
void remove_serve_file(const std::filesystem::path& project_root);
// Errors: not_found when there is no file (serve is not running here) or it names a process
// that is gone (a serve that was killed: the message says so), invalid_input (unreadable).
Expected<ServeFile> read_serve_file(const std::filesystem::path& project_root);

}  // namespace fstage::serve
