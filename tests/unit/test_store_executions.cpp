// SPDX-License-Identifier: Apache-2.0
// The execution store (store/executions.hpp) over a real SQLite file: its schema created and
// reopened, files it must refuse without touching them, pruning, the executions a dead serve
// left running, and a reader beside a writer.
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/store/executions.hpp>
#include <fstage/store/sqlite.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::store;
namespace sfs = std::filesystem;

namespace {

ExecutionRow row(const std::string& id, const std::string& flow, std::int64_t ms,
                 const std::string& status = "success") {
  ExecutionRow r;
  r.execution_id = id;
  r.flow = flow;
  r.workflow_id = "wid-" + flow;
  r.workflow_urn = "urn:fss:cn-north-4:p:workflow:default:" + flow + ":latest";
  r.status = status;
  r.begin_time = "2026-01-01T00:00:00Z";
  r.end_time = status == "running" ? "" : "2026-01-01T00:00:01Z";
  r.begin_ms = ms;
  OrderedJson rec;
  rec["execution_id"] = id;
  rec["status"] = status;
  rec["output"] = {{"n", ms}};
  rec["last_update_time"] = "2026-01-01T00:00:05Z";
  rec["fstage"] = {{"path", {"one", "two"}}};
  r.record = rec.dump();
  return r;
}

std::unique_ptr<ExecutionStore> writer(const sfs::path& db, std::size_t keep = 1000) {
  auto s = ExecutionStore::open(db, ExecutionStore::Mode::writer, keep);
  INFO((s ? "" : s.error().message + " / " + s.error().hint));
  REQUIRE(s);
  return std::move(*s);
}

std::string slurp(const sfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ids(const std::vector<ExecutionRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    out.push_back(r.execution_id);
  }
  return out;
}

}  // namespace

TEST_CASE("store: the schema is created, versioned and reopened", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  CHECK(db == s.path() / ".fstage" / "executions.db");
  {
    auto w = writer(db);
    REQUIRE(w->begin(row("e1", "a", 10, "running")));
    ExecutionRow done = row("e1", "a", 10, "success");
    REQUIRE(w->update(done));
  }
  CHECK(test::file_mode(db) == 0600);
  auto d = Database::open(db, Database::Open::read_only);
  REQUIRE(d);
  CHECK(d->query_int("PRAGMA user_version").value() == ExecutionStore::k_schema_version);
  auto w = writer(db);
  CHECK(w->recovered() == 0);
  auto got = w->get("e1");
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->status == "success");
  CHECK((*got)->end_time == "2026-01-01T00:00:01Z");
  CHECK(parse_json((*got)->record, "t").value()["output"]["n"] == 10);
  CHECK_FALSE(w->get("nope").value());
}

TEST_CASE("store: a reader never creates the file", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  auto r = ExecutionStore::open(db, ExecutionStore::Mode::reader);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::not_found);
  CHECK_FALSE(sfs::exists(db.parent_path()));
}

TEST_CASE("store: a file from a newer fstage is refused and left as it is", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  writer(db).reset();
  {
    auto d = Database::open(db, Database::Open::read_write);
    REQUIRE(d);
    REQUIRE(d->exec("PRAGMA user_version = 7"));
  }
  const std::string before = slurp(db);
  for (auto mode : {ExecutionStore::Mode::writer, ExecutionStore::Mode::reader}) {
    auto w = ExecutionStore::open(db, mode);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == ErrorCode::invalid_input);
    CHECK(w.error().message.find("newer fstage (schema 7") != std::string::npos);
    CHECK(w.error().message.find(db.string()) != std::string::npos);
    CHECK(w.error().hint.find("upgrade fstage") != std::string::npos);
  }
  CHECK(slurp(db) == before);
}

TEST_CASE("store: a file that is not a database is refused and left as it is", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  sfs::create_directories(db.parent_path());
  const std::string text(4096, 'x');
  std::ofstream(db) << text;
  for (auto mode : {ExecutionStore::Mode::writer, ExecutionStore::Mode::reader}) {
    auto w = ExecutionStore::open(db, mode);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == ErrorCode::invalid_input);
    CHECK(w.error().message.find("is not a database") != std::string::npos);
    CHECK(w.error().hint.find("move") != std::string::npos);
  }
  CHECK(slurp(db) == text);
  // Another program's SQLite database is not taken over either.
  sfs::remove(db);
  {
    auto d = Database::open(db, Database::Open::read_write_create);
    REQUIRE(d);
    REQUIRE(d->exec("CREATE TABLE notes (t TEXT)"));
  }
  auto w = ExecutionStore::open(db, ExecutionStore::Mode::writer);
  REQUIRE_FALSE(w);
  CHECK(w.error().message.find("not fstage's") != std::string::npos);
}

TEST_CASE("store: each flow keeps its newest finished executions", "[store]") {
  test::Scratch s;
  auto w = writer(ExecutionStore::path_for(s.path()), 3);
  REQUIRE(w->begin(row("old-running", "a", 1, "running")));
  for (int i = 2; i <= 6; ++i) {
    REQUIRE(w->begin(row("a" + std::to_string(i), "a", i)));
  }
  REQUIRE(w->begin(row("b1", "b", 0)));
  ExecutionQuery qa;
  qa.flow = "a";
  // The three newest, and the running one, which is never pruned.
  CHECK(ids(w->list(qa).value()) == std::vector<std::string>{"a6", "a5", "a4", "old-running"});
  ExecutionQuery qb;
  qb.flow = "b";
  CHECK(ids(w->list(qb).value()) == std::vector<std::string>{"b1"});
  ExecutionQuery running;
  running.status = "running";
  CHECK(ids(w->list(running).value()) == std::vector<std::string>{"old-running"});
  ExecutionQuery limited;
  limited.limit = 2;
  CHECK(ids(w->list(limited).value()) == std::vector<std::string>{"a6", "a5"});
}

TEST_CASE("store: executions a dead serve left running end as fail", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  auto first = writer(db);
  REQUIRE(first->begin(row("r1", "a", 1, "running")));
  REQUIRE(first->begin(row("ok", "a", 2, "success")));
  // A second serve while the first is alive leaves its running executions alone.
  auto second = writer(db);
  CHECK(second->recovered() == 0);
  CHECK(second->get("r1").value()->status == "running");
  second.reset();
  first.reset();  // gone (a SIGKILL leaves the row as this does)
  auto third = writer(db);
  CHECK(third->recovered() == 1);
  auto r1 = third->get("r1").value();
  REQUIRE(r1);
  CHECK(r1->status == k_interrupted_status);
  CHECK(r1->end_time == "2026-01-01T00:00:05Z");  // its last update
  OrderedJson rec = parse_ordered_json(r1->record, "t").value();
  CHECK(rec["status"] == "fail");
  CHECK(rec["fstage"]["error"]["error_type"] == k_interrupted_error_type);
  CHECK(rec["fstage"]["error"]["state"] == "two");
  CHECK(third->get("ok").value()->status == "success");
}

TEST_CASE("store: a reader lists while a writer writes", "[store]") {
  test::Scratch s;
  const auto db = ExecutionStore::path_for(s.path());
  auto w = writer(db);
  auto r = ExecutionStore::open(db, ExecutionStore::Mode::reader);
  REQUIRE(r);
  constexpr int k_rows = 150;
  std::atomic<bool> failed{false};
  std::thread t([&] {
    for (int i = 0; i < k_rows && !failed; ++i) {
      const std::string id = "e" + std::to_string(i);
      if (!w->begin(row(id, "a", i, "running")) || !w->update(row(id, "a", i, "success"))) {
        failed = true;
      }
    }
  });
  std::size_t seen = 0;
  int reads = 0;
  bool read_failed = false;
  while (seen < k_rows && !failed && reads < 100000) {
    auto rows = (*r)->list({});
    if (!rows) {
      read_failed = true;
      break;
    }
    CHECK(rows->size() >= seen);  // a committed write never disappears
    seen = rows->size();
    ++reads;
  }
  t.join();
  CHECK_FALSE(failed);
  CHECK_FALSE(read_failed);
  CHECK((*r)->list({}).value().size() == k_rows);
  CHECK(reads > 1);
}
