// SPDX-License-Identifier: Apache-2.0
// Which flows serve serves, and how it lists them at startup (their APIG routes and timers are
// listed with the functions').
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/flow/load.hpp>
#include <fstage/serve/flows.hpp>

namespace fstage::serve {

std::vector<flow::Definition> load_served_flows(const manifest::Manifest& m, Logger& log) {
  flow::FlowSet set = flow::load_flows(m);
  for (const auto& w : set.warnings) {
    log.event("warn", w.str());
  }
  for (const auto& name : flow::flow_names(m)) {
    bool ok = std::any_of(set.flows.begin(), set.flows.end(),
                          [&](const flow::Definition& d) { return d.name == name; });
    if (!ok) {
      log.event("warn", "flow " + quote(name) +
                            " is not served: it does not validate (fstage flow validate " + name +
                            ")");
    }
  }
  for (const auto& e : set.errors) {
    log.event("warn", e.str());
  }
  return std::move(set.flows);
}

void log_flows(const std::vector<flow::Definition>& flows, Logger& log) {
  for (const auto& f : flows) {
    log.event("info", std::string("flow ") + f.name + " (" +
                          (f.mode == flow::Mode::express ? "EXPRESS" : "NORMAL") +
                          "): POST /v2/{project_id}/fgs/workflows/" + f.name + "/" +
                          (f.mode == flow::Mode::express ? "sync-executions" : "executions"));
  }
}

}  // namespace fstage::serve
