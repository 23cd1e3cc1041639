// SPDX-License-Identifier: Apache-2.0
// Where the retry of a failed execution resumes (flow_record.hpp, ResumePoint): as the
// platform retries, at the node that did not end well, on the input it had, with the nodes
// before it kept. Read from the record's JSON, so an execution kept by an earlier serve (the
// store holds only that) resumes as one still in memory does.
#include <cstddef>
#include <cstdint>

#include "flow_record.hpp"

namespace fstage::serve {

namespace {

std::string text(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t number(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// One node of node_execution_details, with fstage's per-attempt figures where present.
flow::NodeExecution node_of(const OrderedJson& n, const OrderedJson& figures) {
  flow::NodeExecution out;
  out.node_id = text(n, "node_id");
  out.node_name = text(n, "node_name");
  out.execution_id = text(n, "execution_id");
  std::size_t index = 0;
  for (const auto& a : n.value("executions", OrderedJson::array())) {
    flow::NodeAttempt at;
    at.status = text(a, "status");
    at.input = a.value("input", OrderedJson());
    at.output = a.value("output", OrderedJson());
    at.begin_ms = number(a, "begin_time");
    at.end_ms = number(a, "end_time");
    at.begin_time = std::to_string(at.begin_ms);
    at.end_time = std::to_string(at.end_ms);
    at.error_message = text(a, "error_message");
    at.request_id = text(a, "request_id");
    std::size_t seen = 0;
    for (const auto& f : figures) {
      if (text(f, "node_id") == out.node_id && seen++ == index) {
        at.function = text(f, "function");
        at.error_type = text(f, "error_type");
        at.attempt = static_cast<int>(number(f, "attempt"));
        at.duration_ms = f.value("duration_ms", 0.0);
        at.mocked = f.value("mocked", false);
        break;
      }
    }
    out.executions.push_back(std::move(at));
    ++index;
  }
  return out;
}

}  // namespace

ResumePoint resume_point(const OrderedJson& record, const flow::Definition& def) {
  ResumePoint p;
  const OrderedJson fstage = record.value("fstage", OrderedJson::object());
  const OrderedJson error = fstage.value("error", OrderedJson::object());
  std::string failed = text(error, "state");
  // A failure inside a Parallel or Foreach ("par/0/a") resumes at the state holding it.
  failed = failed.substr(0, failed.find('/'));
  if (failed.empty() || def.find_state(failed) == nullptr) {
    return p;  // from the start: nothing says where, or the definition no longer has it
  }
  const OrderedJson nodes = record.value("node_execution_details", OrderedJson::array());
  std::size_t at = nodes.size();
  for (std::size_t i = nodes.size(); i-- > 0;) {
    if (text(nodes[i], "node_id") == failed) {
      at = i;
      break;
    }
  }
  if (at == nodes.size() || nodes[at].value("executions", OrderedJson::array()).empty()) {
    return p;
  }
  // Only a node whose last attempt failed, on an input the record holds, is resumed at; an
  // execution a stopped serve left running (its last node succeeded) runs from the start.
  const OrderedJson& last = nodes[at]["executions"].back();
  if (text(last, "status") == flow::k_status_success ||
      last.value("input", OrderedJson()).is_null()) {
    return p;
  }
  p.state = failed;
  p.input = last["input"];
  const OrderedJson figures = fstage.value("attempts", OrderedJson::array());
  for (std::size_t i = 0; i < at; ++i) {
    p.kept_nodes.push_back(node_of(nodes[i], figures));
  }
  const auto path = fstage.value("path", std::vector<std::string>{});
  std::size_t cut = path.size();
  for (std::size_t i = path.size(); i-- > 0;) {
    if (path[i] == failed) {
      cut = i;
      break;
    }
  }
  p.kept_path.assign(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(cut));
  p.begin_time = text(record, "begin_time");
  return p;
}

}  // namespace fstage::serve
