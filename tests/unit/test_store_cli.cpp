// SPDX-License-Identifier: Apache-2.0
// `fstage flow executions` and `fstage flow history` over a store written here as serve writes
// it (the e2e scenarios serve/flow_store*.sh run them after a real serve).
#include <fstream>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/store/executions.hpp>
#include <fstage/store/sqlite.hpp>

#include "test_support.hpp"

using namespace fstage;
using fstage::test::CliRun;
using fstage::test::has;

namespace {

// A project whose store holds two executions of `orders` (one failed) and one of `mail`.
struct Project {
  test::Scratch s;
  Project() {
    std::ofstream(s.path() / "fstage.yaml") << "name: p\nfunctions: {}\n";
    auto w = store::ExecutionStore::open(store::ExecutionStore::path_for(s.path()),
                                         store::ExecutionStore::Mode::writer);
    REQUIRE(w);
    put(**w, "e-1", "orders", "success", 1000);
    put(**w, "e-2", "orders", "fail", 2000);
    put(**w, "e-3", "mail", "success", 3000);
  }
  static void put(store::ExecutionStore& w, const std::string& id, const std::string& flow,
                  const std::string& status, std::int64_t ms) {
    store::ExecutionRow r;
    r.execution_id = id;
    r.flow = flow;
    r.workflow_id = "wid";
    r.workflow_urn = "urn:fss:cn-north-4:local:workflow:default:" + flow + ":latest";
    r.status = status;
    r.begin_time = "2026-12-04T10:00:00Z";
    r.end_time = "2026-12-04T10:00:01Z";
    r.begin_ms = ms;
    OrderedJson rec;
    rec["execution_id"] = id;
    rec["status"] = status;
    rec["output"] = {{"ok", status == "success"}};
    OrderedJson attempt = {{"status", status},
                           {"begin_time", ms},
                           {"end_time", ms + 5},
                           {"error_message", status == "fail" ? "boom" : ""}};
    rec["node_execution_details"] =
        OrderedJson::array({{{"node_id", "charge"}, {"node_name", ""}, {"executions", {attempt}}}});
    r.record = rec.dump();
    REQUIRE(w.begin(r));
  }
};

}  // namespace

TEST_CASE("flow executions: newest first, filtered, as text and JSON", "[store][cli]") {
  Project p;
  CliRun all({"flow", "executions"}, p.s.path());
  REQUIRE(all.code == 0);
  const std::string out = all.out.str();
  REQUIRE(out.find("e-3") < out.find("e-2"));
  REQUIRE(out.find("e-2") < out.find("e-1"));
  CHECK(has(all.out,
            "e-2                                  orders           fail     "
            "2026-12-04T10:00:00Z 2026-12-04T10:00:01Z"));

  CliRun orders({"flow", "executions", "orders", "--status", "fail", "--json"}, p.s.path());
  REQUIRE(orders.code == 0);
  Json j = parse_json(orders.out.str(), "out").value();
  REQUIRE(j.size() == 1);
  CHECK(j[0]["execution_id"] == "e-2");
  CHECK(j[0]["flow"] == "orders");
  CHECK(j[0]["workflow_urn"] == "urn:fss:cn-north-4:local:workflow:default:orders:latest");

  CliRun limited({"flow", "executions", "--limit", "1"}, p.s.path());
  CHECK(limited.out.str().find("e-3") != std::string::npos);
  CHECK(limited.out.str().find("e-2") == std::string::npos);

  CliRun none({"flow", "executions", "nope"}, p.s.path());
  CHECK(none.code == 0);
  CHECK(none.out.str().empty());
  CHECK(has(none.err, "no executions of flow nope kept in .fstage/executions.db"));
}

TEST_CASE("flow history: a kept execution's timeline, as remote flow history prints it",
          "[store][cli]") {
  Project p;
  CliRun h({"flow", "history", "e-2"}, p.s.path());
  REQUIRE(h.code == 0);
  CHECK(has(h.out, "+     0.000 ms  charge  start\n"));
  CHECK(has(h.out, "+     5.000 ms  charge  end  5.000 ms  fail  boom\n"));
  CHECK(has(h.out, "SUMMARY Status: fail\tStates: 1\tAttempts: 1\tWall: 5.000 ms"));
  CliRun j({"flow", "history", "e-1", "--json"}, p.s.path());
  REQUIRE(j.code == 0);
  CHECK(parse_json(j.out.str(), "out").value()["output"]["ok"] == true);
  CliRun missing({"flow", "history", "e-9"}, p.s.path());
  CHECK(missing.code == 4);
  CHECK(has(missing.err, "no execution e-9 kept in .fstage/executions.db"));
  CHECK(has(missing.err, "fstage flow executions"));
}

TEST_CASE("flow executions: a store from a newer fstage is a clear error", "[store][cli]") {
  Project p;
  {
    auto d = store::Database::open(store::ExecutionStore::path_for(p.s.path()),
                                   store::Database::Open::read_write);
    REQUIRE(d);
    REQUIRE(d->exec("PRAGMA user_version = 9"));
  }
  CliRun r({"flow", "executions"}, p.s.path());
  CHECK(r.code == 3);
  CHECK(has(r.err, "was written by a newer fstage (schema 9"));
  CHECK(has(r.err, "hint: upgrade fstage"));
}
