// SPDX-License-Identifier: Apache-2.0
// serve's v2 execution routes (FlowService::handle) on flows built in code: no function runs
// here (the pool lookup finds none, so an Operation state fails as a sandbox failure); the
// e2e scenario tests/e2e/serve/flows.sh runs real functions.
#include <chrono>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include <fstage/serve/flows.hpp>

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

flow::Definition calls_missing(const std::string& name) {
  flow::Definition d;
  d.name = name;
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
  d.states.push_back(op);
  flow::State end;
  end.id = "done";
  end.type = flow::StateType::end;
  end.end = true;
  d.states.push_back(end);
  return d;
}

HttpRequestData request(std::string method, std::string path, std::string body = "") {
  HttpRequestData r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  return r;
}

OrderedJson body_of(const HttpResponseData& r) {
  return OrderedJson::parse(r.body);
}

// Polls `show` until the execution leaves running (2 s at most).
std::string wait_end(FlowService& s, const std::string& eid) {
  for (int i = 0; i < 200; ++i) {
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

struct Fixture {
  std::ostringstream out;
  Logger log{out, false, false};
  FlowService service{[](const std::string&) { return std::shared_ptr<FunctionPool>(); }, log};
  Fixture() {
    service.set_flows({end_only("quick", flow::Mode::express), end_only("slow", flow::Mode::normal),
                       calls_missing("missing")});
  }
};

}  // namespace

TEST_CASE("serve flows: other paths are not the flow routes'", "[serve][flow]") {
  Fixture f;
  CHECK_FALSE(f.service.handle(request("GET", "/hello")));
  CHECK_FALSE(f.service.handle(request("GET", "/v2/p/fgs/workflows")));
  CHECK_FALSE(f.service.handle(request("GET", "/v2/p/fgs/workflows/quick/metrics")));
}

TEST_CASE("serve flows: sync-executions answers an EXPRESS flow's result", "[serve][flow]") {
  Fixture f;
  auto r = f.service.handle(
      request("POST", "/v2/p/fgs/workflows/quick/sync-executions", R"({"input":{"a":1}})"));
  REQUIRE(r);
  CHECK(r->status == 200);
  OrderedJson j = body_of(*r);
  CHECK(j["status"] == "success");
  CHECK(j["output"] == OrderedJson::parse(R"({"a":1})"));
  CHECK(j["errors"].is_array());
  CHECK(j.contains("begin_time"));
  CHECK(j.contains("end_time"));
  // A NORMAL flow is started with executions only.
  auto normal = f.service.handle(request("POST", "/v2/p/fgs/workflows/slow/sync-executions", "{}"));
  REQUIRE(normal);
  CHECK(normal->status == 400);
}

TEST_CASE("serve flows: executions starts in the background, show, list, stable id",
          "[serve][flow]") {
  Fixture f;
  std::string wid = flow::stable_workflow_id("slow");
  auto r = f.service.handle(
      request("POST", "/v2/p/fgs/workflows/" + wid + "/executions", R"({"input":{"x":2}})"));
  REQUIRE(r);
  REQUIRE(r->status == 200);
  std::string eid = body_of(*r)["execution_id"].get<std::string>();
  CHECK(wait_end(f.service, eid) == "success");
  auto shown = f.service.handle(request("GET", "/v2/p/fgs/workflows/slow/executions/" + eid));
  REQUIRE(shown);
  CHECK(shown->status == 200);
  OrderedJson j = body_of(*shown);
  CHECK(j["workflow_id"] == wid);
  CHECK(j["workflow_urn"] == "urn:fss:cn-north-4:p:workflow:default:slow:latest");
  CHECK(j["output"] == OrderedJson::parse(R"({"x":2})"));
  auto list = f.service.handle(request("GET", "/v2/p/fgs/workflows/slow/executions"));
  REQUIRE(list);
  OrderedJson l = body_of(*list);
  REQUIRE(l["executions"].size() == 1);
  CHECK(l["executions"][0]["execution_id"] == eid);
  // Another flow's route does not show it.
  auto other = f.service.handle(request("GET", "/v2/p/fgs/workflows/quick/executions/" + eid));
  REQUIRE(other);
  CHECK(other->status == 404);
}

TEST_CASE("serve flows: unknown flows and executions are the API's 404", "[serve][flow]") {
  Fixture f;
  auto r = f.service.handle(request("POST", "/v2/p/fgs/workflows/nope/executions", "{}"));
  REQUIRE(r);
  CHECK(r->status == 404);
  OrderedJson j = body_of(*r);
  CHECK(j["error_code"] == "FSS.1051");
  CHECK(j["error_msg"].get<std::string>().find("quick") != std::string::npos);
  auto e = f.service.handle(request("POST", "/v2/p/fgs/workflows/quick/executions/none/terminate"));
  REQUIRE(e);
  CHECK(e->status == 404);
  auto bad = f.service.handle(request("POST", "/v2/p/fgs/workflows/quick/executions", "[1]"));
  REQUIRE(bad);
  CHECK(bad->status == 400);
}

TEST_CASE("serve flows: retry re-runs a failed execution only", "[serve][flow]") {
  Fixture f;
  std::string eid = f.service.start_flow(calls_missing("missing"), OrderedJson::object(), {}, "p");
  CHECK(wait_end(f.service, eid) == "fail");
  auto shown = f.service.show(eid);
  REQUIRE(shown);
  CHECK((*shown)["node_execution_details"].size() >= 1);
  auto retried =
      f.service.handle(request("POST", "/v2/p/fgs/workflows/missing/executions/" + eid + "/retry"));
  REQUIRE(retried);
  CHECK(retried->status == 200);
  CHECK(wait_end(f.service, eid) == "fail");
  std::string ok = f.service.start_flow(end_only("quick", flow::Mode::express), {}, {}, "p");
  CHECK(wait_end(f.service, ok) == "success");
  CHECK_FALSE(f.service.retry(ok));
}

TEST_CASE("serve flows: a sandbox result maps as flow run maps it", "[serve][flow]") {
  sandbox::InvokeResult r;
  r.status = sandbox::InvokeStatus::function_error;
  r.error = R"({"errorMessage":"boom","errorType":"ValueError"})";
  auto out = to_flow_result(r);
  CHECK(out.status == flow::InvocationResult::Status::function_error);
  CHECK(out.error_type == "ValueError");
  CHECK(out.error_message == "boom");
  r.status = sandbox::InvokeStatus::timeout;
  r.error = "late";
  out = to_flow_result(r);
  CHECK(out.status == flow::InvocationResult::Status::timeout);
  CHECK(out.error_type == flow::k_error_timeout);
}
