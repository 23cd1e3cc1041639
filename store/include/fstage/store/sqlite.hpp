// SPDX-License-Identifier: Apache-2.0
// The one adapter over SQLite (Debian's libsqlite3, opened on first use through lazy/): a
// connection, prepared statements and transactions, each failure an fstage Error naming the
// database file and carrying SQLite's own message. Nothing else includes <sqlite3.h>.
//
// Not thread-safe by itself: a Database and its Statements belong to one thread at a time
// (ExecutionStore serialises its use with a mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace fstage::store {

class Database;

// A prepared statement. bind() numbers parameters from 1, as SQLite does; a failed bind is
// reported by the next step() or run().
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);

  // true: a row is ready for column_*; false: the statement is done.
  Expected<bool> step();
  // Steps to the end (a statement without rows: INSERT, UPDATE, DELETE).
  Expected<void> run();
  // Ready to run again with new bindings.
  void reset();

  std::string column_text(int index) const;  // "" for NULL
  std::int64_t column_int(int index) const;  // 0 for NULL
  bool column_is_null(int index) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, const Database* db, std::string sql)
      : m_stmt(stmt), m_db(db), m_sql(std::move(sql)) {}
  void note_bind(int rc, int index);

  sqlite3_stmt* m_stmt = nullptr;
  const Database* m_db = nullptr;
  std::string m_sql;
  int m_bind_rc = 0;  // the first failed bind's code
  int m_bind_index = 0;
};

class Database {
 public:
  enum class Open {
    read_only,          // never writes, never creates (a reader beside a running writer)
    read_write,         // the file must exist
    read_write_create,  // created when missing (with the file mode the caller prepared)
  };

  // Opens `path`. Errors: not_found (read_only or read_write, no such file), io (cannot open:
  // permissions, a directory), with SQLite's message. A file that is not a database opens
  // fine: the first statement that reads it fails with invalid_input.
  static Expected<Database> open(const std::filesystem::path& path, Open how);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // One or more statements without results ("PRAGMA journal_mode=WAL; CREATE TABLE ...").
  Expected<void> exec(std::string_view sql);
  Expected<Statement> prepare(std::string_view sql);
  // The single integer a query answers ("PRAGMA user_version"), 0 when it answers no row.
  Expected<std::int64_t> query_int(std::string_view sql);
  // How long a statement waits for another connection's lock before failing with io.
  void busy_timeout(int milliseconds);

  const std::filesystem::path& path() const { return m_path; }
  // The Error for SQLite result code `rc` while doing `what` ("cannot prepare ...").
  Error error(int rc, std::string_view what) const;

 private:
  Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
  void close();

  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
};

// BEGIN IMMEDIATE (the write lock taken at once, so a busy database waits busy_timeout at the
// start rather than failing at the first write); rolled back when destroyed uncommitted.
class Transaction {
 public:
  static Expected<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Expected<void> commit();

 private:
  explicit Transaction(Database& db) : m_db(&db) {}
  Database* m_db = nullptr;
  bool m_open = true;
};

}  // namespace fstage::store
