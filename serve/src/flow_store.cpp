// SPDX-License-Identifier: Apache-2.0
// FlowService and the execution store (store/executions.hpp): NORMAL executions written when
// they start, as each state finishes and when they end (each write its own transaction, from
// the execution's own thread), and read back by show, list and retry once serve no longer
// holds them in memory: after a restart, or beyond k_max_kept.
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/store/executions.hpp>

#include "flow_record.hpp"

namespace fstage::serve {

namespace {

std::string describe(const Error& e) {
  return e.message + (e.hint.empty() ? std::string() : " (" + e.hint + ")");
}

}  // namespace

OrderedJson brief_json(const std::string& execution_id, const std::string& workflow_id,
                       const std::string& workflow_urn, const std::string& status,
                       const std::string& begin_time, const std::string& end_time) {
  OrderedJson j;
  j["execution_id"] = execution_id;
  j["workflow_id"] = workflow_id;
  j["workflow_urn"] = workflow_urn;
  j["status"] = status;
  j["begin_time"] = begin_time;
  j["end_time"] = end_time;
  return j;
}

void FlowService::use_store(const std::filesystem::path& project_root) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_store_path = store::ExecutionStore::path_for(project_root);
}

std::shared_ptr<store::ExecutionStore> FlowService::store() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_store;
}

void FlowService::open_store() {
  std::filesystem::path path;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_store_tried || m_store_path.empty()) {
      return;
    }
    m_store_tried = true;
    path = m_store_path;
  }
  // Unusable: a warning, not a refusal to serve. The routes and the flows work the same, and
  // what is wrong with the file is the user's to decide (it is never overwritten).
  auto opened = store::ExecutionStore::open(path, store::ExecutionStore::Mode::writer);
  if (!opened) {
    m_log.event("warn",
                "executions of NORMAL flows are kept in memory only: " + describe(opened.error()));
    return;
  }
  std::shared_ptr<store::ExecutionStore> s = std::move(*opened);
  std::string note = "executions of NORMAL flows are kept in " + path.string();
  if (s->recovered() > 0) {
    note += "; " + std::to_string(s->recovered()) +
            " left running by a serve that stopped ended as " +
            std::string(store::k_interrupted_status);
  }
  m_log.event("info", note);
  std::lock_guard<std::mutex> lock(m_mutex);
  m_store = std::move(s);
}

void FlowService::persist(Record& rec, bool begin) {
  if (!rec.persist) {
    return;
  }
  std::shared_ptr<store::ExecutionStore> s = store();
  if (!s) {
    return;
  }
  store::ExecutionRow row;
  {
    std::lock_guard<std::mutex> lock(rec.mutex);
    const flow::Execution& e = rec.exec;
    row.execution_id = e.execution_id;
    row.flow = rec.def.name;
    row.workflow_id = e.workflow_id;
    row.workflow_urn = e.workflow_urn;
    row.status = e.status;
    row.begin_time = e.begin_time;
    row.end_time = e.end_time;
    row.begin_ms = rec.begin_ms;
    row.merge_parameters = rec.merge_parameters;
    row.record = json_text(flow::to_json(e));
  }
  auto written = begin ? s->begin(row) : s->update(row);
  if (!written) {
    m_log.event("warn", "flow " + row.flow + " " + row.execution_id +
                            ": not kept in the execution store: " + describe(written.error()));
  }
}

std::optional<OrderedJson> FlowService::stored_show(const std::string& execution_id) const {
  std::shared_ptr<store::ExecutionStore> s = store();
  if (!s) {
    return std::nullopt;
  }
  auto row = s->get(execution_id);
  if (!row || !*row) {
    return std::nullopt;
  }
  auto record = parse_ordered_json((*row)->record, s->path().string());
  if (!record) {
    return std::nullopt;
  }
  return std::move(*record);
}

void FlowService::stored_list(const std::string& flow_name, const std::set<std::string>& seen,
                              std::vector<std::pair<std::int64_t, OrderedJson>>& out) const {
  std::shared_ptr<store::ExecutionStore> s = store();
  if (!s) {
    return;
  }
  store::ExecutionQuery q;
  q.flow = flow_name;
  auto rows = s->list(q);
  if (!rows) {
    m_log.event("warn", "cannot list the kept executions of flow " + flow_name + ": " +
                            describe(rows.error()));
    return;
  }
  for (const auto& r : *rows) {
    if (seen.count(r.execution_id) == 0) {
      out.emplace_back(r.begin_ms, brief_json(r.execution_id, r.workflow_id, r.workflow_urn,
                                              r.status, r.begin_time, r.end_time));
    }
  }
}

Expected<std::shared_ptr<FlowService::Record>> FlowService::stored_record(
    const std::string& execution_id) const {
  std::shared_ptr<store::ExecutionStore> s = store();
  std::optional<store::ExecutionRow> row;
  if (s) {
    row = FSTAGE_TRY(s->get(execution_id));
  }
  if (!row) {
    return fail(ErrorCode::not_found, "no execution " + execution_id);
  }
  if (row->status != flow::k_status_fail) {
    return fail(ErrorCode::invalid_input, "execution " + execution_id + " is " + row->status +
                                              "; only a failed one is retried");
  }
  std::optional<flow::Definition> def = find(row->flow);
  if (!def) {
    return fail(ErrorCode::not_found, "flow " + row->flow + " of execution " + execution_id +
                                          " is no longer served: it cannot be retried");
  }
  OrderedJson record = FSTAGE_TRY(parse_ordered_json(row->record, s->path().string()));
  auto rec = std::make_shared<Record>();
  rec->def = std::move(*def);
  // urn:fss:<region>:<project>:workflow:...
  const std::vector<std::string> urn = split(row->workflow_urn, ':');
  rec->project_id = urn.size() > 3 && !urn[3].empty() ? urn[3] : "local";
  if (auto it = record.find("headers"); it != record.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      rec->headers[k] = v.is_string() ? v.get<std::string>() : json_text(v);
    }
  }
  rec->input = record.value("input", OrderedJson::object());
  rec->merge_parameters = row->merge_parameters;
  rec->persist = true;
  rec->begin_ms = row->begin_ms;
  rec->exec.execution_id = execution_id;
  rec->exec.status = row->status;
  rec->resume = resume_point(record, rec->def);
  rec->done = true;
  return rec;
}

}  // namespace fstage::serve
