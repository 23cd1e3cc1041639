// SPDX-License-Identifier: Apache-2.0
// What a run leaves and says: the record in the API's ShowWorkflowExecution shape, the workflow
// headers every function gets, events, cancel, and one state run alone (--state).
#include <atomic>
#include <regex>

#include <catch2/catch.hpp>

#include <fstage/base/interrupt.hpp>

#include "test_flow_engine_support.hpp"

using namespace fstage;
using namespace fstage::test;
using flow::InvocationResult;

namespace {

flow::Definition three_steps() {
  auto d = flow_of({"one", "two", "three"}, "one");
  d.states.push_back(call("one", "two"));
  d.states.push_back(call("two", "three"));
  d.states.push_back(call("three", "end"));
  d.states.push_back(end_state());
  return d;
}

std::vector<std::string> keys(const OrderedJson& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) {
    out.push_back(k);
  }
  return out;
}

}  // namespace

TEST_CASE("flow::to_json writes the API's ShowWorkflowExecution shape", "[flow][engine]") {
  auto d = three_steps();
  MockInvoker inv;
  auto opts = input(R"({"a":1})");
  opts.headers = {{"X-Trace", "t1"}};
  auto e = run_ok(d, inv, opts);
  auto j = flow::to_json(e);
  CHECK(keys(j) == std::vector<std::string>{"workflow_id", "workflow_urn", "execution_id", "status",
                                            "headers", "input", "output", "begin_time", "end_time",
                                            "last_update_time", "node_execution_details",
                                            "fstage"});
  std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  CHECK(std::regex_match(j["begin_time"].get<std::string>(), iso));
  CHECK(std::regex_match(j["end_time"].get<std::string>(), iso));
  CHECK(j["status"] == "success");
  CHECK(j["headers"] == js(R"({"X-Trace":"t1"})"));
  CHECK(j["input"] == js(R"({"a":1})"));
  REQUIRE(j["node_execution_details"].size() == 4);
  const auto& node = j["node_execution_details"][0];
  CHECK(keys(node) ==
        std::vector<std::string>{"node_id", "node_name", "execution_id", "executions"});
  const auto& attempt = node["executions"][0];
  CHECK(keys(attempt) == std::vector<std::string>{"status", "input", "output", "begin_time",
                                                  "end_time", "error_message", "request_id"});
  // Node times are epoch milliseconds (numbers), near the execution's begin.
  REQUIRE(attempt["begin_time"].is_number_integer());
  REQUIRE(attempt["end_time"].is_number_integer());
  CHECK(attempt["begin_time"].get<std::int64_t>() > 1600000000000);
  CHECK(attempt["end_time"] >= attempt["begin_time"]);
  CHECK(attempt["request_id"].get<std::string>().rfind("req-", 0) == 0);
  std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  CHECK(std::regex_match(j["execution_id"].get<std::string>(), uuid));
  CHECK(std::regex_match(node["execution_id"].get<std::string>(), uuid));
  const auto& f = j["fstage"];
  CHECK(f["path"] == js(R"(["one","two","three","end"])"));
  CHECK(f["virtual_slept_ms"] == 0);
  CHECK(f["duration_ms"].is_number());
  CHECK(f["engine_ms"].is_number());
  CHECK(f["attempts"].size() == 4);
  CHECK(f["attempts"][0]["function"] == "one");
  CHECK(f["attempts"][0]["mocked"] == true);
  CHECK_FALSE(f.contains("error"));
}

TEST_CASE("flow::to_json records a failure in the node and in fstage.error", "[flow][engine]") {
  auto d = three_steps();
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return c.function == "two" ? MockInvoker::error("Broken", "step two broke")
                               : MockInvoker::ok("{}");
  };
  auto j = flow::to_json(run_ok(d, inv));
  CHECK(j["status"] == "fail");
  CHECK(j["output"].is_null());
  CHECK(j["node_execution_details"][1]["executions"][0]["error_message"] == "step two broke");
  CHECK(j["node_execution_details"][1]["executions"][0]["status"] == "fail");
  CHECK(j["fstage"]["error"] ==
        js(R"({"state":"two","error_type":"Broken","message":"step two broke"})"));
}

TEST_CASE("flow::run sends the workflow headers with every invocation", "[flow][engine]") {
  auto d = three_steps();
  MockInvoker inv;
  flow::RunOptions opts;
  opts.headers = {{"X-Custom", "v"}, {"X-Cff-Workflow-Id", "ignored"}};
  auto e = run_ok(d, inv, opts);
  REQUIRE(inv.calls.size() == 3);
  for (const auto& c : inv.calls) {
    CHECK(c.headers.at("X-Cff-Workflow-Id") == e.workflow_id);
    CHECK(c.headers.at("X-Cff-Workflow-Run-Id") == e.execution_id);
    CHECK(c.headers.at("X-Cff-Workflow-State-Id") == c.state_id);
    CHECK(c.headers.at("X-Custom") == "v");
    CHECK(c.stop_fd == -1);  // outside a Parallel or Foreach only the run's cancel_fd stops
  }
  CHECK(inv.calls[1].headers.at("X-Cff-Workflow-State-Id") == "two");
  // The workflow id is stable for a flow's name; the run id is new each run.
  auto again = run_ok(d, inv, opts);
  CHECK(again.workflow_id == e.workflow_id);
  CHECK(again.execution_id != e.execution_id);
  auto other = d;
  other.name = "other_flow";
  CHECK(run_ok(other, inv).workflow_id != e.workflow_id);
  // An execution id given by the caller is used.
  opts.execution_id = "11111111-2222-4333-8444-555555555555";
  CHECK(run_ok(d, inv, opts).execution_id == opts.execution_id);
}

TEST_CASE("flow::run emits events one at a time, in order", "[flow][engine]") {
  auto d = three_steps();
  MockInvoker inv;
  std::vector<flow::Event> events;
  std::atomic<int> inside{0};
  bool overlapped = false;
  flow::RunOptions opts;
  opts.on_event = [&](const flow::Event& ev) {
    if (++inside > 1) {
      overlapped = true;
    }
    events.push_back(ev);
    --inside;
  };
  run_ok(d, inv, opts);
  CHECK_FALSE(overlapped);
  REQUIRE(events.size() == 1 + 4 * 3 + 1);
  CHECK(events.front().kind == flow::Event::Kind::flow_started);
  CHECK(events[1].kind == flow::Event::Kind::state_started);
  CHECK(events[1].state_id == "one");
  CHECK(events[2].kind == flow::Event::Kind::attempt_finished);
  CHECK(events[2].function == "one");
  CHECK(events[2].status == "success");
  CHECK(events[2].mocked);
  CHECK(events[3].kind == flow::Event::Kind::state_finished);
  CHECK(events.back().kind == flow::Event::Kind::flow_finished);
  CHECK(events.back().status == "success");
}

TEST_CASE("flow::run stops on cancel and records the execution as cancel", "[flow][engine]") {
  auto d = three_steps();
  CancelFlag flag;
  REQUIRE(flag.fd() >= 0);
  MockInvoker inv;
  flow::RunOptions opts;
  opts.cancel_fd = flag.fd();
  SECTION("while a function runs: the Invoker stops it, nothing more starts") {
    inv.answer = [&](const flow::Invocation& c) {
      if (c.function == "two") {
        flag.raise();  // Ctrl-C arrives; the Invoker watching the fd stops the function
        InvocationResult r;
        r.status = InvocationResult::Status::cancelled;
        return r;
      }
      return MockInvoker::ok("{}");
    };
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "cancel");
    CHECK(inv.calls.size() == 2);
    CHECK(inv.calls_to("three").empty());
    CHECK(e.node_execution_details[1].executions[0].status == "cancel");
    CHECK(e.path == std::vector<std::string>{"one", "two"});
  }
  SECTION("between states: the next one does not start") {
    inv.answer = [&](const flow::Invocation& c) {
      if (c.function == "one") {
        flag.raise();
      }
      return MockInvoker::ok("{}");
    };
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "cancel");
    CHECK(inv.calls.size() == 1);
  }
  SECTION("during a real-time Sleep: it wakes at once") {
    auto s = flow_of({}, "wait");
    s.states.push_back(sleep_state("wait", 3600, "end"));
    s.states.push_back(end_state());
    opts.real_time = true;
    std::thread raiser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      flag.raise();
    });
    auto e = run_ok(s, inv, opts);
    raiser.join();
    CHECK(e.status == "cancel");
    CHECK(e.duration_ms < 60000);
  }
  SECTION("before the start: nothing runs") {
    flag.raise();
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "cancel");
    CHECK(inv.calls.empty());
  }
}

TEST_CASE("flow::run with only_state runs one state alone", "[flow][engine]") {
  auto d = flow_of({"charge", "refund", "ship"}, "charge");
  auto s = call("charge", "ship");
  s.filter.input = "$.order";
  s.on_errors = {on_error("Declined", "refund", "once")};
  d.states.push_back(s);
  d.states.push_back(call("ship", "end"));
  d.states.push_back(call("refund", "end"));
  d.states.push_back(end_state());
  d.retries.push_back(retry("once", 5, 1));
  MockInvoker inv;
  auto opts = input(R"({"order":{"id":9}})");
  opts.only_state = "charge";
  SECTION("success: the transition it would take, not followed") {
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "success");
    CHECK(e.next_state == "ship");
    CHECK_FALSE(e.caught_error);
    REQUIRE(inv.calls.size() == 1);
    CHECK(js(inv.calls[0].event.c_str()) == js(R"({"id":9})"));
    CHECK(e.path == std::vector<std::string>{"charge"});
    CHECK(flow::to_json(e)["fstage"]["next_state"] == "ship");
  }
  SECTION("an error: its retries, then the handler's transition") {
    inv.answer = [](const flow::Invocation&) { return MockInvoker::error("Declined", "no"); };
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "success");
    CHECK(e.caught_error);
    CHECK(e.next_state == "refund");
    CHECK(e.error_type == "Declined");
    CHECK(inv.calls.size() == 2);  // the try and one retry; refund does not run
    CHECK(e.virtual_slept_ms == 5000);
  }
  SECTION("an unhandled error fails") {
    inv.answer = [](const flow::Invocation&) { return MockInvoker::error("Other"); };
    auto e = run_ok(d, inv, opts);
    CHECK(e.status == "fail");
    CHECK(e.next_state.empty());
  }
  SECTION("an unknown state is not_found, naming the states") {
    opts.only_state = "nope";
    auto e = flow::run(d, inv, opts);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == ErrorCode::not_found);
    CHECK(e.error().hint.find("charge") != std::string::npos);
  }
}
