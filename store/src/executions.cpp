// SPDX-License-Identifier: Apache-2.0
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/json.hpp>
#include <fstage/store/executions.hpp>

#include <sys/file.h>
#include <sys/stat.h>

namespace fstage::store {

namespace fs = std::filesystem;

namespace {

// Schema 1. begin_ms orders the lists (begin_time has whole seconds only).
constexpr std::string_view k_schema = R"(
CREATE TABLE executions (
  execution_id TEXT PRIMARY KEY NOT NULL,
  flow TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_urn TEXT NOT NULL,
  status TEXT NOT NULL,
  begin_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  begin_ms INTEGER NOT NULL,
  merge_parameters INTEGER NOT NULL DEFAULT 0,
  record TEXT NOT NULL
);
CREATE INDEX executions_by_flow ON executions(flow, begin_ms);
CREATE INDEX executions_by_begin ON executions(begin_ms);
CREATE INDEX executions_by_status ON executions(status);
PRAGMA user_version = 1;
)";

constexpr int k_busy_timeout_ms = 5000;

// .fstage/ as a build makes it (the umask applies); the database itself only for its owner.
Expected<void> make_files(const fs::path& db) {
  const fs::path dir = db.parent_path();
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(Error::from_errno("mkdir", dir.string(), errno));
  }
  const int fd = ::open(db.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Error::from_errno("open", db.string(), errno));
  }
  ::close(fd);
  return {};
}

// Each writer holds .fstage/executions.lock shared while the store is open. One that gets it
// exclusively first knows that no other serve is alive: the `running` rows are a dead one's.
// The descriptor is close-on-exec, so no sandbox inherits the lock and outlives serve with it.
Expected<int> lock_writers(const fs::path& db, bool& alone) {
  const fs::path lock = db.parent_path() / "executions.lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Error::from_errno("open", lock.string(), errno));
  }
  alone = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  if (!alone && ::flock(fd, LOCK_SH) != 0) {
    const int err = errno;
    ::close(fd);
    return fail(Error::from_errno("flock", lock.string(), err));
  }
  return fd;
}

ExecutionRow row_from(const Statement& s, bool with_record) {
  ExecutionRow r;
  r.execution_id = s.column_text(0);
  r.flow = s.column_text(1);
  r.workflow_id = s.column_text(2);
  r.workflow_urn = s.column_text(3);
  r.status = s.column_text(4);
  r.begin_time = s.column_text(5);
  r.end_time = s.column_text(6);
  r.begin_ms = s.column_int(7);
  r.merge_parameters = s.column_int(8) != 0;
  if (with_record) {
    r.record = s.column_text(9);
  }
  return r;
}

constexpr std::string_view k_columns =
    "execution_id, flow, workflow_id, workflow_urn, status, begin_time, end_time, begin_ms, "
    "merge_parameters";

}  // namespace

fs::path ExecutionStore::path_for(const fs::path& project_root) {
  return project_root / ".fstage" / "executions.db";
}

Expected<std::unique_ptr<ExecutionStore>> ExecutionStore::open(const fs::path& db, Mode mode,
                                                               std::size_t keep) {
  bool alone = false;
  int lock_fd = -1;
  if (mode == Mode::writer) {
    FSTAGE_TRY(make_files(db));
    lock_fd = FSTAGE_TRY(lock_writers(db, alone));
  }
  auto opened = Database::open(
      db, mode == Mode::writer ? Database::Open::read_write : Database::Open::read_only);
  if (!opened) {
    if (lock_fd >= 0) {
      ::close(lock_fd);
    }
    return fail(std::move(opened).error());
  }
  std::unique_ptr<ExecutionStore> store(new ExecutionStore(std::move(*opened), keep));
  store->m_lock_fd = lock_fd;  // the destructor closes it, whatever fails below
  store->m_db.busy_timeout(k_busy_timeout_ms);
  FSTAGE_TRY(store->prepare_schema(mode));
  if (alone) {
    FSTAGE_TRY(store->end_interrupted());
  }
  if (lock_fd >= 0 && alone && ::flock(lock_fd, LOCK_SH) != 0) {
    return fail(Error::from_errno("flock", db.string(), errno));
  }
  return store;
}

ExecutionStore::~ExecutionStore() {
  if (m_lock_fd >= 0) {
    ::close(m_lock_fd);
  }
}

Expected<void> ExecutionStore::prepare_schema(Mode mode) {
  const fs::path& p = m_db.path();
  auto version = m_db.query_int("PRAGMA user_version");
  if (!version) {
    Error e = std::move(version).error();
    if (e.code == ErrorCode::invalid_input) {
      e.message = p.string() + " is not a database fstage can read (" +
                  e.message.substr(e.message.rfind(": ") + 2) + ")";
    }
    return fail(std::move(e));
  }
  if (*version > k_schema_version) {
    return fail(ErrorCode::invalid_input,
                p.string() + " was written by a newer fstage (schema " + std::to_string(*version) +
                    "; this one reads schema " + std::to_string(k_schema_version) + ")",
                "upgrade fstage to read it, or move the file away to start a new history here "
                "(fstage never overwrites it)");
  }
  if (*version == 0) {
    const auto objects = FSTAGE_TRY(m_db.query_int("SELECT count(*) FROM sqlite_master"));
    if (objects > 0) {
      return fail(ErrorCode::invalid_input,
                  p.string() + " is an SQLite database, but not fstage's execution store",
                  "move it away: fstage keeps the executions of NORMAL flows in this file and "
                  "never overwrites another database");
    }
  }
  if (mode == Mode::reader) {
    m_empty = *version == 0;  // made, but no writer has written its schema yet
    return {};
  }
  // WAL: readers (`fstage flow executions`) never block serve's writes nor see half of one.
  FSTAGE_TRY(m_db.exec("PRAGMA journal_mode = WAL"));
  FSTAGE_TRY(m_db.exec("PRAGMA synchronous = NORMAL"));
  if (*version == 0) {
    Transaction t = FSTAGE_TRY(Transaction::begin(m_db));
    // Another writer may have created it while this one waited for the lock.
    if (FSTAGE_TRY(m_db.query_int("PRAGMA user_version")) == 0) {
      FSTAGE_TRY(m_db.exec(k_schema));
    }
    FSTAGE_TRY(t.commit());
  }
  return {};
}

Expected<void> ExecutionStore::end_interrupted() {
  std::lock_guard<std::mutex> lock(m_mutex);
  Transaction t = FSTAGE_TRY(Transaction::begin(m_db));
  Statement sel = FSTAGE_TRY(m_db.prepare(
      "SELECT execution_id, begin_time, record FROM executions WHERE status = 'running'"));
  Statement upd = FSTAGE_TRY(m_db.prepare(
      "UPDATE executions SET status = ?1, end_time = ?2, record = ?3 WHERE execution_id = ?4"));
  std::size_t n = 0;
  while (FSTAGE_TRY(sel.step())) {
    const std::string id = sel.column_text(0);
    auto parsed = parse_ordered_json(sel.column_text(2), m_db.path().string());
    OrderedJson rec = parsed && parsed->is_object() ? std::move(*parsed) : OrderedJson::object();
    // The last moment it is known to have been alive: its last update, else its start.
    std::string end = rec.value("last_update_time", "");
    if (end.empty()) {
      end = sel.column_text(1);
    }
    rec["status"] = std::string(k_interrupted_status);
    rec["end_time"] = end;
    OrderedJson& f = rec["fstage"];
    if (!f.is_object()) {
      f = OrderedJson::object();
    }
    std::string state;
    if (auto it = f.find("path");
        it != f.end() && it->is_array() && !it->empty() && it->back().is_string()) {
      state = it->back().get<std::string>();
    }
    f["error"] = OrderedJson{{"state", state},
                             {"error_type", std::string(k_interrupted_error_type)},
                             {"message",
                              "fstage serve stopped (killed or crashed) while this execution "
                              "ran; it was ended when serve next started"}};
    upd.reset();
    upd.bind(1, k_interrupted_status).bind(2, end).bind(3, rec.dump()).bind(4, id);
    FSTAGE_TRY(upd.run());
    ++n;
  }
  FSTAGE_TRY(t.commit());
  m_recovered = n;
  return {};
}

Expected<void> ExecutionStore::begin(const ExecutionRow& r) {
  std::lock_guard<std::mutex> lock(m_mutex);
  Transaction t = FSTAGE_TRY(Transaction::begin(m_db));
  Statement ins = FSTAGE_TRY(m_db.prepare(
      "INSERT OR REPLACE INTO executions (execution_id, flow, workflow_id, workflow_urn, status, "
      "begin_time, end_time, begin_ms, merge_parameters, record) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  ins.bind(1, r.execution_id)
      .bind(2, r.flow)
      .bind(3, r.workflow_id)
      .bind(4, r.workflow_urn)
      .bind(5, r.status)
      .bind(6, r.begin_time)
      .bind(7, r.end_time)
      .bind(8, r.begin_ms)
      .bind(9, std::int64_t{r.merge_parameters ? 1 : 0})
      .bind(10, r.record);
  FSTAGE_TRY(ins.run());
  // A running execution is never pruned: its record is still being written.
  Statement prune = FSTAGE_TRY(m_db.prepare(
      "DELETE FROM executions WHERE flow = ?1 AND status <> 'running' AND execution_id NOT IN "
      "(SELECT execution_id FROM executions WHERE flow = ?1 "
      "ORDER BY begin_ms DESC, rowid DESC LIMIT ?2)"));
  prune.bind(1, r.flow).bind(2, static_cast<std::int64_t>(m_keep));
  FSTAGE_TRY(prune.run());
  return t.commit();
}

Expected<void> ExecutionStore::update(const ExecutionRow& r) {
  std::lock_guard<std::mutex> lock(m_mutex);
  Statement upd = FSTAGE_TRY(m_db.prepare(
      "UPDATE executions SET status = ?1, end_time = ?2, record = ?3 WHERE execution_id = ?4"));
  upd.bind(1, r.status).bind(2, r.end_time).bind(3, r.record).bind(4, r.execution_id);
  return upd.run();  // one statement: its own transaction
}

Expected<std::optional<ExecutionRow>> ExecutionStore::get(const std::string& execution_id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_empty) {
    return std::optional<ExecutionRow>();
  }
  Statement s = FSTAGE_TRY(m_db.prepare("SELECT " + std::string(k_columns) +
                                        ", record FROM executions WHERE execution_id = ?1"));
  s.bind(1, execution_id);
  if (!FSTAGE_TRY(s.step())) {
    return std::optional<ExecutionRow>();
  }
  return std::optional<ExecutionRow>(row_from(s, true));
}

Expected<std::vector<ExecutionRow>> ExecutionStore::list(const ExecutionQuery& q) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<ExecutionRow> out;
  if (m_empty) {
    return out;
  }
  Statement s = FSTAGE_TRY(
      m_db.prepare("SELECT " + std::string(k_columns) +
                   " FROM executions WHERE (?1 = '' OR flow = ?1) AND (?2 = '' OR status = ?2) "
                   "ORDER BY begin_ms DESC, rowid DESC LIMIT ?3"));
  s.bind(1, q.flow)
      .bind(2, q.status)
      .bind(3, q.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(q.limit));
  while (FSTAGE_TRY(s.step())) {
    out.push_back(row_from(s, false));
  }
  return out;
}

}  // namespace fstage::store
