// SPDX-License-Identifier: Apache-2.0
// The SQLite functions sqlite.cpp calls, opened on first use (fstage/lazy/lazy.hpp says why):
// the fstage executable needs libc alone at start, and only serve and `flow executions` /
// `flow history` touch the execution store. Database::open calls lazy::require first, so a
// missing libsqlite3 is an Error naming the package, never a crash.
#include <fstage/lazy/lazy.hpp>

#include <sqlite3.h>

// As lazy/src/define.hpp: decltype(NAME) takes the exact type from <sqlite3.h>, so a wrapper
// whose parameters drift from it does not compile.
#define FSTAGE_LAZY_SQLITE(RET, NAME, PARAMS, ARGS)                                       \
  RET NAME PARAMS {                                                                       \
    static auto* const real =                                                             \
        ::fstage::lazy::function<decltype(NAME)>(::fstage::lazy::Library::sqlite, #NAME); \
    return real ARGS;                                                                     \
  }

extern "C" {

FSTAGE_LAZY_SQLITE(int, sqlite3_open_v2,
                   (const char* filename, sqlite3** db, int flags, const char* vfs),
                   (filename, db, flags, vfs))
FSTAGE_LAZY_SQLITE(int, sqlite3_close_v2, (sqlite3 * db), (db))
FSTAGE_LAZY_SQLITE(const char*, sqlite3_errmsg, (sqlite3 * db), (db))
FSTAGE_LAZY_SQLITE(const char*, sqlite3_errstr, (int rc), (rc))
FSTAGE_LAZY_SQLITE(int, sqlite3_errcode, (sqlite3 * db), (db))
FSTAGE_LAZY_SQLITE(int, sqlite3_exec,
                   (sqlite3 * db, const char* sql, int (*callback)(void*, int, char**, char**),
                    void* arg, char** errmsg),
                   (db, sql, callback, arg, errmsg))
FSTAGE_LAZY_SQLITE(int, sqlite3_prepare_v2,
                   (sqlite3 * db, const char* sql, int bytes, sqlite3_stmt** stmt,
                    const char** tail),
                   (db, sql, bytes, stmt, tail))
FSTAGE_LAZY_SQLITE(int, sqlite3_finalize, (sqlite3_stmt * stmt), (stmt))
FSTAGE_LAZY_SQLITE(int, sqlite3_reset, (sqlite3_stmt * stmt), (stmt))
FSTAGE_LAZY_SQLITE(int, sqlite3_clear_bindings, (sqlite3_stmt * stmt), (stmt))
FSTAGE_LAZY_SQLITE(int, sqlite3_bind_text,
                   (sqlite3_stmt * stmt, int index, const char* text, int bytes,
                    void (*destructor)(void*)),
                   (stmt, index, text, bytes, destructor))
FSTAGE_LAZY_SQLITE(int, sqlite3_bind_int64, (sqlite3_stmt * stmt, int index, sqlite3_int64 value),
                   (stmt, index, value))
FSTAGE_LAZY_SQLITE(int, sqlite3_bind_null, (sqlite3_stmt * stmt, int index), (stmt, index))
FSTAGE_LAZY_SQLITE(int, sqlite3_step, (sqlite3_stmt * stmt), (stmt))
FSTAGE_LAZY_SQLITE(const unsigned char*, sqlite3_column_text, (sqlite3_stmt * stmt, int col),
                   (stmt, col))
FSTAGE_LAZY_SQLITE(int, sqlite3_column_bytes, (sqlite3_stmt * stmt, int col), (stmt, col))
FSTAGE_LAZY_SQLITE(sqlite3_int64, sqlite3_column_int64, (sqlite3_stmt * stmt, int col), (stmt, col))
FSTAGE_LAZY_SQLITE(int, sqlite3_column_type, (sqlite3_stmt * stmt, int col), (stmt, col))
FSTAGE_LAZY_SQLITE(int, sqlite3_busy_timeout, (sqlite3 * db, int ms), (db, ms))

}  // extern "C"
