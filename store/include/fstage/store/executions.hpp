// SPDX-License-Identifier: Apache-2.0
// The executions of NORMAL flows, kept as the platform keeps them: in an SQLite database,
// <project root>/.fstage/executions.db, so that they outlive `fstage serve`.
//
// One row per execution: the record exactly as ShowWorkflowExecution answers it (the JSON
// text), and beside it the columns that list and filter it. serve writes a row when the
// execution starts, as its states finish and when it ends, each write its own transaction in
// WAL mode: a SIGKILL of serve loses no committed write and leaves the file consistent
// (synchronous=NORMAL: a power cut may lose the last writes, never the file's consistency).
//
// Versioned by PRAGMA user_version. A file from a newer fstage, a file that is not a database
// or a database that is not fstage's is an Error with a hint, never overwritten or wiped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/store/sqlite.hpp>

namespace fstage::store {

struct ExecutionRow {
  std::string execution_id;
  std::string flow;  // the flow's name
  std::string workflow_id;
  std::string workflow_urn;
  std::string status;             // success, fail, running, timeout, cancel
  std::string begin_time;         // yyyy-MM-ddTHH:mm:ssZ
  std::string end_time;           // "" while running
  std::int64_t begin_ms = 0;      // UTC epoch ms of the start: the lists' order, newest first
  bool merge_parameters = false;  // started with X-WorkflowRun-MergeFnParameters: true
  std::string record;             // the ShowWorkflowExecution JSON (empty in list() rows)
};

struct ExecutionQuery {
  std::string flow;       // "" = every flow
  std::string status;     // "" = any
  std::size_t limit = 0;  // 0 = no limit
};

// The status and error an execution left `running` by a serve that is gone is given when a
// serve next opens the store (flow/SEMANTICS.md, "Executions kept"): `fail`, so that it can be
// retried, with this error type in its record's "fstage"."error".
inline constexpr std::string_view k_interrupted_status = "fail";
inline constexpr std::string_view k_interrupted_error_type = "ServeStopped";

class ExecutionStore {
 public:
  static constexpr int k_schema_version = 1;
  // Kept per flow: the oldest finished ones beyond it are deleted when one starts.
  static constexpr std::size_t k_default_keep = 1000;

  enum class Mode {
    // serve: creates .fstage/ (0755, as a build does) and the file (0600: inputs and outputs
    // may be private) when missing, and ends the executions a dead serve left running.
    writer,
    // `fstage flow executions`/`history`: reads beside a running serve, changes nothing.
    reader,
  };

  // <root>/.fstage/executions.db
  static std::filesystem::path path_for(const std::filesystem::path& project_root);

  // Errors: not_found (reader: no such file), invalid_input (not a database, not fstage's,
  // or from a newer fstage; the hint says what to do), io (permissions, a lock held too long).
  static Expected<std::unique_ptr<ExecutionStore>> open(const std::filesystem::path& db, Mode mode,
                                                        std::size_t keep = k_default_keep);
  ~ExecutionStore();
  ExecutionStore(const ExecutionStore&) = delete;
  ExecutionStore& operator=(const ExecutionStore&) = delete;

  // A new (or re-run: retry) execution: inserted or replaced, and the flow's oldest finished
  // executions beyond `keep` deleted, in one transaction.
  Expected<void> begin(const ExecutionRow& row);
  // Its progress or its end: status, end_time and record.
  Expected<void> update(const ExecutionRow& row);

  Expected<std::optional<ExecutionRow>> get(const std::string& execution_id);
  // Newest first, without the records.
  Expected<std::vector<ExecutionRow>> list(const ExecutionQuery& query);

  // How many `running` executions open() ended (writer; 0 when another serve holds the store,
  // whose executions may still be running).
  std::size_t recovered() const { return m_recovered; }
  const std::filesystem::path& path() const { return m_db.path(); }

 private:
  ExecutionStore(Database db, std::size_t keep) : m_db(std::move(db)), m_keep(keep) {}
  Expected<void> prepare_schema(Mode mode);
  Expected<void> end_interrupted();

  std::mutex m_mutex;  // the connection is used by one thread at a time
  Database m_db;
  std::size_t m_keep;
  std::size_t m_recovered = 0;
  bool m_empty = false;  // reader: the file has no schema yet
  int m_lock_fd = -1;    // writer: .fstage/executions.lock, flock'd shared while open
};

}  // namespace fstage::store
