// SPDX-License-Identifier: Apache-2.0
// The gateway's side of the console and live logs: the bus the log publishes to, the console
// over the current project, and .fstage/serve.json for `fstage logs`.
#include <unistd.h>

#include "gateway_impl.hpp"

namespace fstage::serve::detail {

void Gateway::start_console(int port) {
  m_bus = std::make_unique<EventBus>();
  m_log.attach(m_bus.get());
  m_console = std::make_unique<Console>(*m_bus, *m_flows, [this] {
    std::shared_ptr<Project> p = snapshot();
    ConsoleView v;
    // Views into the project, which they keep alive while the console reads them.
    v.manifest = std::shared_ptr<const manifest::Manifest>(p, &p->manifest);
    v.router = std::shared_ptr<const Router>(p, &p->router);
    for (const auto& [name, pool] : p->pools) {
      v.pools[name] = pool->stats();
    }
    return v;
  });
  const std::string host =
      m_opts.host == "0.0.0.0" || m_opts.host.empty() ? "127.0.0.1" : m_opts.host;
  ServeFile f;
  f.url = "http://" + host + ":" + std::to_string(port);
  f.pid = static_cast<long>(::getpid());
  f.manifest = m_opts.manifest.string();
  f.started = clock_iso();
  if (auto w = write_serve_file(snapshot()->manifest.root, f); !w) {
    m_log.event("warn", "fstage logs will not find this serve: " + w.error().message);
  }
  m_log.event("info", "console on " + f.url + "/_fstage/");
}

void Gateway::stop_console() {
  if (m_console) {
    m_console->stop();
  }
  remove_serve_file(snapshot()->manifest.root);
  // Nothing publishes any more (the pools and flows have ended): the log stands alone again.
  m_log.attach(nullptr);
  m_console.reset();
  m_bus.reset();
}

}  // namespace fstage::serve::detail
