// SPDX-License-Identifier: Apache-2.0
// FlowService's executions: each run on a thread of its own (the engine calls the pools and
// waits), its record updated from the engine's events so that `show` is live while it runs,
// and the last k_max_kept kept in memory; NORMAL ones also in the store (flow_store.cpp).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>
#include <utility>

#include <fstage/sandbox/function.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/store/executions.hpp>

#include "flow_record.hpp"

namespace fstage::serve {

std::string flow_now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t flow_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string flow_urn(const std::string& project, const std::string& name) {
  return "urn:fss:cn-north-4:" + project + ":workflow:default:" + name + ":latest";
}

namespace {

flow::NodeExecution& node_for(flow::Execution& e, const std::string& id, const std::string& name) {
  for (auto& n : e.node_execution_details) {
    if (n.node_id == id) {
      return n;
    }
  }
  flow::NodeExecution n;
  n.node_id = id;
  n.node_name = name;  // as the engine writes it: the state's name, "" when it has none
  n.execution_id = e.execution_id;
  e.node_execution_details.push_back(std::move(n));
  return e.node_execution_details.back();
}

// The live record follows the engine's events: the nodes started and their attempts.
void apply(flow::Execution& e, const flow::Event& ev) {
  using K = flow::Event::Kind;
  e.last_update_time = flow_now_iso();
  if (ev.kind == K::state_started) {
    node_for(e, ev.state_id, ev.state_name);
    e.path.push_back(ev.state_id);
  } else if (ev.kind == K::attempt_finished) {
    flow::NodeAttempt a;
    a.status = ev.status;
    a.error_message = ev.error_message;
    a.error_type = ev.error_type;
    a.request_id = ev.request_id;
    a.function = ev.function;
    a.attempt = ev.attempt;
    a.duration_ms = ev.duration_ms;
    a.input = ev.input;
    a.output = ev.output;
    a.begin_ms = ev.begin_ms;
    a.end_ms = ev.end_ms;
    a.begin_time = std::to_string(ev.begin_ms);
    a.end_time = std::to_string(ev.end_ms);
    node_for(e, ev.state_id, ev.state_name).executions.push_back(std::move(a));
  }
}

}  // namespace

FlowService::FlowService(PoolLookup lookup, Logger& log)
    : m_lookup(std::move(lookup)), m_log(log) {}

FlowService::~FlowService() {
  shutdown();
}

void FlowService::set_flows(std::vector<flow::Definition> flows) {
  const bool normal = std::any_of(flows.begin(), flows.end(), [](const flow::Definition& d) {
    return d.mode != flow::Mode::express;
  });
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_flows = std::move(flows);
  }
  if (normal) {
    open_store();
  }
}

std::vector<flow::Definition> FlowService::flows() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_flows;
}

std::optional<flow::Definition> FlowService::find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& f : m_flows) {
    if (f.name == id || flow::stable_workflow_id(f.name) == id) {
      return f;
    }
  }
  return std::nullopt;
}

// A fresh running record under `id`: a new execution, or a failed one retried from its start.
void FlowService::restart(Record& rec, std::string id) {  // id: a copy, rec.exec is reset
  flow::Execution& e = rec.exec;
  e = flow::Execution{};
  e.workflow_id = flow::stable_workflow_id(rec.def.name);
  e.workflow_name = rec.def.name;
  e.workflow_urn = flow_urn(rec.project_id, rec.def.name);
  e.execution_id = std::move(id);
  e.status = std::string(flow::k_status_running);
  e.begin_time = flow_now_iso();
  e.last_update_time = e.begin_time;
  e.input = rec.input;
  for (const auto& [k, v] : rec.headers) {
    e.headers[k] = v;
  }
  rec.begin_ms = flow_now_ms();
  rec.done = false;
}

std::shared_ptr<FlowService::Record> FlowService::make_record(
    const flow::Definition& def, OrderedJson input, std::map<std::string, std::string> headers,
    const std::string& project_id) {
  auto rec = std::make_shared<Record>();
  rec->def = def;
  rec->project_id = project_id.empty() ? "local" : project_id;
  for (auto it = headers.begin(); it != headers.end();) {
    // The console's "merge parameters" is a start header, not one the functions get.
    if (it->first == "X-WorkflowRun-MergeFnParameters") {
      rec->merge_parameters = it->second == "true";
      it = headers.erase(it);
    } else {
      ++it;
    }
  }
  rec->headers = std::move(headers);
  rec->input = std::move(input);
  rec->persist = def.mode != flow::Mode::express && store() != nullptr;
  restart(*rec, sandbox::new_request_id());
  return rec;
}

void FlowService::keep(const std::shared_ptr<Record>& rec) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const std::string& id = rec->exec.execution_id;
  if (m_records.emplace(id, rec).second) {
    m_order.push_back(id);
  }
  // Forget the oldest finished executions beyond the bound (a running one stays).
  for (auto it = m_order.begin(); m_records.size() > k_max_kept && it != m_order.end();) {
    auto r = m_records.find(*it);
    bool finished = false;
    if (r != m_records.end()) {
      std::lock_guard<std::mutex> g(r->second->mutex);
      finished = r->second->done;
    }
    if (r == m_records.end() || finished) {
      if (r != m_records.end()) {
        m_records.erase(r);
      }
      it = m_order.erase(it);
    } else {
      ++it;
    }
  }
}

void FlowService::execute(const std::shared_ptr<Record>& rec) {
  flow::RunOptions o;
  o.input = rec->input;
  o.headers = rec->headers;
  o.merge_parameters = rec->merge_parameters;
  o.real_time = true;  // a served flow sleeps as the platform's does
  o.cancel_fd = rec->cancel.fd();
  o.project_id = rec->project_id;
  o.execution_id = rec->exec.execution_id;
  ResumePoint resume;
  {
    std::lock_guard<std::mutex> lock(rec->mutex);
    resume = std::exchange(rec->resume, ResumePoint{});
  }
  if (!resume.state.empty()) {
    o.resume_state = resume.state;
    o.input = resume.input;
  }
  Record* r = rec.get();
  o.on_event = [this, r](const flow::Event& ev) {
    {
      std::lock_guard<std::mutex> lock(r->mutex);
      apply(r->exec, ev);
    }
    // The engine serialises its events: the store's writes keep their order.
    if (ev.kind == flow::Event::Kind::state_finished) {
      persist(*r, false);
    }
  };
  PoolInvoker invoker(m_lookup, rec->cancel.fd(), &m_callbacks);
  auto t0 = std::chrono::steady_clock::now();
  Expected<flow::Execution> ran = flow::run(rec->def, invoker, o);
  {
    std::lock_guard<std::mutex> lock(rec->mutex);
    if (ran) {
      rec->exec = std::move(*ran);
      rec->exec.workflow_urn = flow_urn(rec->project_id, rec->def.name);
      if (!resume.state.empty()) {  // a retry: the nodes before the resumed one come first
        auto& nodes = rec->exec.node_execution_details;
        nodes.insert(nodes.begin(), resume.kept_nodes.begin(), resume.kept_nodes.end());
        rec->exec.path.insert(rec->exec.path.begin(), resume.kept_path.begin(),
                              resume.kept_path.end());
        rec->exec.input = rec->input;
        if (!resume.begin_time.empty()) {
          rec->exec.begin_time = resume.begin_time;
        }
      }
    } else {
      rec->exec.status = std::string(flow::k_status_fail);
      rec->exec.error_message = ran.error().message;
      rec->exec.end_time = flow_now_iso();
    }
  }
  // Kept before it counts as done: a retry then cannot be overwritten by this end.
  persist(*rec, false);
  std::lock_guard<std::mutex> lock(rec->mutex);
  rec->done = true;
  if (m_on_ended) {
    m_on_ended(rec->def.name, rec->exec.status,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  m_log.event(
      "info",
      "flow " + rec->def.name + " " + rec->exec.execution_id + ": " + rec->exec.status + " in " +
          std::to_string(static_cast<long long>(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count())) +
          " ms");
}

void FlowService::launch(std::shared_ptr<Record> rec) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_running;
  }
  std::thread([this, rec = std::move(rec)] {
    execute(rec);
    std::lock_guard<std::mutex> lock(m_mutex);
    --m_running;
    m_cv.notify_all();
  }).detach();
}

std::string FlowService::start_flow(const flow::Definition& def, OrderedJson input,
                                    std::map<std::string, std::string> headers,
                                    const std::string& project_id) {
  auto rec = make_record(def, std::move(input), std::move(headers), project_id);
  std::string id = rec->exec.execution_id;
  keep(rec);
  persist(*rec, true);  // in the store before its id is answered
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) {
      rec->cancel.raise();
    }
  }
  launch(std::move(rec));
  return id;
}

flow::Execution FlowService::run_sync(const flow::Definition& def, OrderedJson input,
                                      std::map<std::string, std::string> headers,
                                      const std::string& project_id) {
  auto rec = make_record(def, std::move(input), std::move(headers), project_id);
  keep(rec);
  persist(*rec, true);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) {
      rec->cancel.raise();
    }
    ++m_running;
  }
  execute(rec);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    --m_running;
    m_cv.notify_all();
  }
  std::lock_guard<std::mutex> lock(rec->mutex);
  return rec->exec;
}

std::optional<OrderedJson> FlowService::show(const std::string& execution_id) const {
  std::shared_ptr<Record> rec;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_records.find(execution_id);
    if (it != m_records.end()) {
      rec = it->second;
    }
  }
  if (!rec) {
    return stored_show(execution_id);
  }
  std::lock_guard<std::mutex> lock(rec->mutex);
  return flow::to_json(rec->exec);
}

OrderedJson FlowService::list(const std::string& flow_name) const {
  // Those in memory (running ones live), then those only the store still has; newest first.
  std::vector<std::pair<std::int64_t, OrderedJson>> found;
  std::set<std::string> seen;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {  // ties stay newest first
      auto found_it = m_records.find(*it);
      if (found_it == m_records.end() || found_it->second->def.name != flow_name) {
        continue;
      }
      const auto& [id, rec] = *found_it;
      std::lock_guard<std::mutex> g(rec->mutex);
      const flow::Execution& e = rec->exec;
      found.emplace_back(rec->begin_ms, brief_json(e.execution_id, e.workflow_id, e.workflow_urn,
                                                   e.status, e.begin_time, e.end_time));
      seen.insert(id);
    }
  }
  stored_list(flow_name, seen, found);
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  OrderedJson out = OrderedJson::array();
  for (auto& [ms, j] : found) {
    out.push_back(std::move(j));
  }
  return out;
}

bool FlowService::terminate(const std::string& execution_id) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_records.find(execution_id);
    if (it != m_records.end()) {
      it->second->cancel.raise();
      return true;
    }
  }
  return stored_show(execution_id).has_value();  // kept from an earlier serve: it has ended
}

Expected<void> FlowService::retry(const std::string& execution_id) {
  std::shared_ptr<Record> rec;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto it = m_records.find(execution_id); it != m_records.end()) {
      rec = it->second;
    }
  }
  if (!rec) {
    // Kept by an earlier serve: back in memory, to run with the flow's current definition.
    keep(FSTAGE_TRY(stored_record(execution_id)));
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_records.find(execution_id);  // the one a concurrent retry may have put first
    if (it == m_records.end()) {
      return fail(ErrorCode::internal, "execution " + execution_id + " was forgotten at once");
    }
    rec = it->second;
  }
  {
    std::lock_guard<std::mutex> lock(rec->mutex);
    if (!rec->done || rec->exec.status != flow::k_status_fail) {
      return fail(ErrorCode::invalid_input, "execution " + execution_id + " is " +
                                                rec->exec.status +
                                                "; only a failed one is retried");
    }
    // The same execution again under its id, with the same headers, from the node that
    // failed on the input it had (the nodes before it kept), as the platform retries.
    if (rec->resume.state.empty() && rec->exec.execution_id == execution_id &&
        !rec->exec.node_execution_details.empty()) {
      rec->resume = resume_point(flow::to_json(rec->exec), rec->def);
    }
    restart(*rec, execution_id);
    rec->exec.node_execution_details = rec->resume.kept_nodes;
    rec->exec.path = rec->resume.kept_path;
    if (!rec->resume.begin_time.empty()) {
      rec->exec.begin_time = rec->resume.begin_time;
    }
    rec->cancel.clear();
  }
  persist(*rec, true);
  launch(std::move(rec));
  return {};
}

void FlowService::cancel_all() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_stopping = true;
  for (auto& [id, rec] : m_records) {
    rec->cancel.raise();
  }
}

void FlowService::shutdown() {
  cancel_all();
  std::unique_lock<std::mutex> lock(m_mutex);
  m_cv.wait(lock, [&] { return m_running == 0; });
}

}  // namespace fstage::serve
