// SPDX-License-Identifier: Apache-2.0
// FlowService's record of one execution, shared by flows.cpp (running it) and flow_store.cpp
// (keeping it in the execution store).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <fstage/base/interrupt.hpp>
#include <fstage/serve/flows.hpp>

namespace fstage::serve {

// Where a retry resumes (flow_resume.cpp): the top-level state that failed (empty: from the
// start), the input its last attempt had, the nodes and path before it, the first begin time.
struct ResumePoint {
  std::string state;
  OrderedJson input;
  std::vector<flow::NodeExecution> kept_nodes;
  std::vector<std::string> kept_path;
  std::string begin_time;
};

// The ResumePoint of a failed execution's record (flow::to_json's shape, as shown or stored).
ResumePoint resume_point(const OrderedJson& record, const flow::Definition& def);

struct FlowService::Record {
  flow::Definition def;
  std::string project_id;
  std::map<std::string, std::string> headers;
  OrderedJson input;
  bool merge_parameters = false;
  bool persist = false;       // a NORMAL execution, kept in the store (flow_store.cpp)
  std::int64_t begin_ms = 0;  // UTC epoch ms of its (re)start: the lists' order
  CancelFlag cancel;
  mutable std::mutex mutex;  // exec, done
  flow::Execution exec;      // live while running, then the engine's record
  bool done = false;
  ResumePoint resume;  // set by a retry, for its run
};

// yyyy-MM-ddTHH:mm:ssZ, as the API writes execution times.
std::string flow_now_iso();
// UTC epoch milliseconds.
std::int64_t flow_now_ms();
// urn:fss:cn-north-4:<project>:workflow:default:<name>:latest
std::string flow_urn(const std::string& project, const std::string& name);
// An execution in the list's brief shape (GET …/executions).
OrderedJson brief_json(const std::string& execution_id, const std::string& workflow_id,
                       const std::string& workflow_urn, const std::string& status,
                       const std::string& begin_time, const std::string& end_time);

}  // namespace fstage::serve
