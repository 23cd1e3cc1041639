// SPDX-License-Identifier: Apache-2.0
#include <system_error>
#include <utility>

#include <fstage/lazy/lazy.hpp>
#include <fstage/store/sqlite.hpp>

#include <sqlite3.h>

namespace fstage::store {

namespace {

// SQLITE_TRANSIENT, without the macro's C cast: SQLite copies the bound text at once.
sqlite3_destructor_type transient() {
  return reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));
}

ErrorCode code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return ErrorCode::invalid_input;
    case SQLITE_ERROR:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return ErrorCode::internal;  // fstage's own SQL is wrong
    default:
      return ErrorCode::io;  // busy, locked, read-only, full, cannot open, I/O
  }
}

std::string hint_for(int rc, const std::filesystem::path& path) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "move " + path.string() +
             " away (fstage starts a new one) or restore it from a backup; fstage never "
             "overwrites it";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds the database locked; try again when it is done";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      // Readers need the directory too: SQLite opens the -shm and -wal files beside the file.
      return "check that you may read and write " + path.string() + " and its directory (ls -ld " +
             path.parent_path().string() + ")";
    case SQLITE_FULL:
      return "the disk is full: free some space";
    default:
      return {};
  }
}

}  // namespace

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_db(other.m_db),
      m_sql(std::move(other.m_sql)),
      m_bind_rc(other.m_bind_rc),
      m_bind_index(other.m_bind_index) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (m_stmt != nullptr) {
      sqlite3_finalize(m_stmt);
    }
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_db = other.m_db;
    m_sql = std::move(other.m_sql);
    m_bind_rc = other.m_bind_rc;
    m_bind_index = other.m_bind_index;
  }
  return *this;
}

Statement::~Statement() {
  if (m_stmt != nullptr) {
    sqlite3_finalize(m_stmt);
  }
}

void Statement::note_bind(int rc, int index) {
  if (rc != SQLITE_OK && m_bind_rc == 0) {
    m_bind_rc = rc;
    m_bind_index = index;
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  note_bind(
      sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), transient()),
      index);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(m_stmt, index, static_cast<sqlite3_int64>(value)), index);
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(m_stmt, index), index);
  return *this;
}

Expected<bool> Statement::step() {
  if (m_bind_rc != 0) {
    return fail(m_db->error(m_bind_rc, "cannot bind parameter " + std::to_string(m_bind_index) +
                                           " of `" + m_sql + "` on"));
  }
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  Error e = m_db->error(rc, "cannot run `" + m_sql + "` on");
  sqlite3_reset(m_stmt);
  return fail(std::move(e));
}

Expected<void> Statement::run() {
  while (FSTAGE_TRY(step())) {
  }
  return {};
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
  m_bind_rc = 0;
}

std::string Statement::column_text(int index) const {
  const unsigned char* p = sqlite3_column_text(m_stmt, index);
  if (p == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, index)));
}

std::int64_t Statement::column_int(int index) const {
  return static_cast<std::int64_t>(sqlite3_column_int64(m_stmt, index));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

// --- Database ---

Expected<Database> Database::open(const std::filesystem::path& path, Open how) {
  FSTAGE_TRY(lazy::require(lazy::Library::sqlite));
  std::error_code ec;
  if (how != Open::read_write_create && !std::filesystem::exists(path, ec)) {
    return fail(ErrorCode::not_found, path.string() + ": no such file");
  }
  int flags = SQLITE_OPEN_READONLY;
  if (how == Open::read_write) {
    flags = SQLITE_OPEN_READWRITE;
  } else if (how == Open::read_write_create) {
    flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Database out(db, path);  // closes a handle SQLite gave even on failure
  if (rc != SQLITE_OK) {
    return fail(out.error(rc, "cannot open"));
  }
  return out;
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    m_db = std::exchange(other.m_db, nullptr);
    m_path = std::move(other.m_path);
  }
  return *this;
}

Database::~Database() {
  close();
}

void Database::close() {
  if (m_db != nullptr) {
    sqlite3_close_v2(m_db);
    m_db = nullptr;
  }
}

Error Database::error(int rc, std::string_view what) const {
  std::string why = sqlite3_errstr(rc);
  if (m_db != nullptr && sqlite3_errcode(m_db) == rc) {
    why = sqlite3_errmsg(m_db);
  }
  return Error(code_for(rc), std::string(what) + " " + m_path.string() + ": " + why,
               hint_for(rc, m_path));
}

Expected<void> Database::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return fail(error(rc, "cannot run `" + text + "` on"));
  }
  return {};
}

Expected<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) {
      sqlite3_finalize(stmt);
    }
    return fail(error(rc, "cannot prepare `" + std::string(sql) + "` on"));
  }
  return Statement(stmt, this, std::string(sql));
}

Expected<std::int64_t> Database::query_int(std::string_view sql) {
  Statement s = FSTAGE_TRY(prepare(sql));
  if (!FSTAGE_TRY(s.step())) {
    return std::int64_t{0};
  }
  return s.column_int(0);
}

void Database::busy_timeout(int milliseconds) {
  sqlite3_busy_timeout(m_db, milliseconds);
}

// --- Transaction ---

Expected<Transaction> Transaction::begin(Database& db) {
  FSTAGE_TRY(db.exec("BEGIN IMMEDIATE"));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(other.m_db), m_open(std::exchange(other.m_open, false)) {}

Transaction::~Transaction() {
  if (m_open) {
    (void)m_db->exec("ROLLBACK");
  }
}

Expected<void> Transaction::commit() {
  m_open = false;
  if (auto r = m_db->exec("COMMIT"); !r) {
    (void)m_db->exec("ROLLBACK");
    return r;
  }
  return {};
}

}  // namespace fstage::store
