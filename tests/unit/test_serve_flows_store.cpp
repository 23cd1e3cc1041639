// SPDX-License-Identifier: Apache-2.0
// FlowService with the execution store: NORMAL executions outlive the service (a restart of
// serve is a new FlowService on the same project), EXPRESS ones are not kept, a failed one
// kept by an earlier service is retried with the flow's current definition, and an unusable
// store is a warning. Flows built in code, as in test_serve_flows.cpp: no function runs.
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include <fstage/serve/flows.hpp>
#include <fstage/store/executions.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::serve;

namespace {

flow::Definition end_only(const std::string& name, flow::Mode mode) {
  flow::Definition d;
  d.name = name;
  d.mode = mode;
  d.start = "done";
  flow::State s;
  s.id = "done";
  s.type = flow::StateType::end;
  s.end = true;
  d.states.push_back(s);
  return d;
}

// A NORMAL flow whose one Operation calls a function no pool serves: it fails.
flow::Definition calls_missing(const std::string& name) {
  flow::Definition d = end_only(name, flow::Mode::normal);
  d.start = "op";
  flow::FunctionDecl f;
  f.name = "f";
  f.operation = "f";
  f.local = "f";
  d.functions.push_back(f);
  flow::State op;
  op.id = "op";
  op.type = flow::StateType::operation;
  op.transition = "done";
  flow::Action a;
  a.ref_name = "f";
  op.actions.push_back(a);
  d.states.insert(d.states.begin(), op);
  return d;
}

std::string wait_end(FlowService& s, const std::string& eid) {
  for (int i = 0; i < 300; ++i) {
    auto shown = s.show(eid);
    REQUIRE(shown);
    std::string status = (*shown)["status"].get<std::string>();
    if (status != "running") {
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "running";
}

HttpRequestData request(std::string method, std::string path) {
  HttpRequestData r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

struct Serve {
  std::ostringstream out;
  Logger log{out, false, false};
  FlowService service{[](const std::string&) { return std::shared_ptr<FunctionPool>(); }, log};
  Serve(const std::filesystem::path& root, std::vector<flow::Definition> flows) {
    service.use_store(root);
    service.set_flows(std::move(flows));
  }
};

std::vector<flow::Definition> flows() {
  return {end_only("quick", flow::Mode::express), end_only("slow", flow::Mode::normal),
          calls_missing("missing")};
}

}  // namespace

TEST_CASE("serve flows store: NORMAL executions outlive serve, EXPRESS ones are not kept",
          "[serve][flow][store]") {
  test::Scratch s;
  std::string eid;
  std::string express;
  OrderedJson first;
  {
    Serve a(s.path(), flows());
    eid = a.service.start_flow(end_only("slow", flow::Mode::normal),
                               OrderedJson::parse(R"({"x":1})"), {{"X-Trace", "t"}}, "p");
    CHECK(wait_end(a.service, eid) == "success");
    express =
        a.service.run_sync(end_only("quick", flow::Mode::express), OrderedJson::object(), {}, "p")
            .execution_id;
    first = *a.service.show(eid);
    CHECK(test::has(a.out, "executions of NORMAL flows are kept in"));
  }
  Serve b(s.path(), flows());
  auto shown = b.service.handle(request("GET", "/v2/p/fgs/workflows/slow/executions/" + eid));
  REQUIRE(shown);
  CHECK(shown->status == 200);
  CHECK(OrderedJson::parse(shown->body) == first);
  CHECK(first["output"] == OrderedJson::parse(R"({"x":1})"));
  CHECK(first["headers"]["X-Trace"] == "t");
  auto list = b.service.list("slow");
  REQUIRE(list.size() == 1);
  CHECK(list[0]["execution_id"] == eid);
  CHECK(list[0]["status"] == "success");
  CHECK_FALSE(b.service.show(express));  // the platform keeps no EXPRESS history
  CHECK(b.service.list("quick").empty());
  auto kept = store::ExecutionStore::open(store::ExecutionStore::path_for(s.path()),
                                          store::ExecutionStore::Mode::reader);
  REQUIRE(kept);
  CHECK((*kept)->list({}).value().size() == 1);
  CHECK_FALSE((*kept)->get(express).value());
  // terminate of an execution that ended in an earlier serve: known, nothing to do.
  CHECK(b.service.terminate(eid));
}

TEST_CASE(
    "serve flows store: a failed execution of an earlier serve is retried with the "
    "current definition",
    "[serve][flow][store]") {
  test::Scratch s;
  std::string eid;
  {
    Serve a(s.path(), flows());
    eid = a.service.start_flow(calls_missing("missing"), OrderedJson::parse(R"({"y":2})"), {}, "p");
    CHECK(wait_end(a.service, eid) == "fail");
  }
  {
    // The flow has changed since: now it only ends, and succeeds.
    Serve b(s.path(), {end_only("missing", flow::Mode::normal)});
    auto r = b.service.handle(
        request("POST", "/v2/p/fgs/workflows/missing/executions/" + eid + "/retry"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(wait_end(b.service, eid) == "success");
    OrderedJson j = *b.service.show(eid);
    CHECK(j["execution_id"] == eid);  // the same execution, again
    CHECK(j["output"] == OrderedJson::parse(R"({"y":2})"));
    CHECK(j["workflow_urn"] == "urn:fss:cn-north-4:p:workflow:default:missing:latest");
  }
  // And the store has the new end.
  Serve c(s.path(), {end_only("missing", flow::Mode::normal)});
  CHECK((*c.service.show(eid))["status"] == "success");
  // A succeeded one is not retried.
  CHECK_FALSE(c.service.retry(eid));
}

TEST_CASE("serve flows store: an unusable store is a warning, flows still run in memory",
          "[serve][flow][store]") {
  test::Scratch s;
  const auto db = store::ExecutionStore::path_for(s.path());
  std::filesystem::create_directories(db.parent_path());
  const std::string text(2048, 'z');
  std::ofstream(db) << text;
  Serve a(s.path(), flows());
  CHECK(test::has(a.out, "kept in memory only"));
  CHECK(test::has(a.out, "is not a database"));
  std::string eid =
      a.service.start_flow(end_only("slow", flow::Mode::normal), OrderedJson::object(), {}, "p");
  CHECK(wait_end(a.service, eid) == "success");
  std::ifstream in(db, std::ios::binary);
  std::stringstream now;
  now << in.rdbuf();
  CHECK(now.str() == text);
}

TEST_CASE("serve flows store: a project without NORMAL flows gets no database",
          "[serve][flow][store]") {
  test::Scratch s;
  Serve a(s.path(), {end_only("quick", flow::Mode::express)});
  a.service.run_sync(end_only("quick", flow::Mode::express), OrderedJson::object(), {}, "p");
  CHECK_FALSE(std::filesystem::exists(store::ExecutionStore::path_for(s.path())));
}
