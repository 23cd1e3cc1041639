// SPDX-License-Identifier: Apache-2.0
// The engine on the v2 model: Operation, Sleep, End, arguments, filters, merge parameters,
// on_errors and retries, against a mock Invoker.
#include <atomic>
#include <condition_variable>

#include <catch2/catch.hpp>

#include "test_flow_engine_support.hpp"

using namespace fstage;
using namespace fstage::test;
using flow::InvocationResult;

TEST_CASE("flow::run runs the platform's published example", "[flow][engine]") {
  // FLOW.md §2, verbatim from the CreateWorkflow API page.
  auto d = flow_of({"test"}, "test");
  d.name = "workflow_test";
  d.functions[0].operation = "urn:fss:{regin}:c53626012ba84727b938ca8bf03108ef:test:latest";
  d.states.push_back(operation("test", {action("test", {{"execution_name", "$.test"}})}, "end"));
  auto end = end_state("end");
  d.states.push_back(end);
  d.retries.push_back(retry("test", 1, 3));
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    auto event = OrderedJson::parse(c.event);
    return MockInvoker::ok(OrderedJson{{"hello", event["execution_name"]}}.dump());
  };
  auto e = run_ok(d, inv, input(R"({"test":"world"})"));
  CHECK(e.status == "success");
  REQUIRE(inv.calls.size() == 1);
  CHECK(js(inv.calls[0].event.c_str()) == js(R"({"execution_name":"world"})"));
  CHECK(inv.calls[0].function == "test");
  CHECK(inv.calls[0].state_id == "test");
  CHECK(e.output == js(R"({"hello":"world"})"));
  CHECK(e.path == std::vector<std::string>{"test", "end"});
  REQUIRE(e.node_execution_details.size() == 2);
  CHECK(e.node_execution_details[0].node_id == "test");
  CHECK(e.node_execution_details[0].executions[0].input == js(R"({"test":"world"})"));
  CHECK(e.node_execution_details[0].executions[0].output == e.output);
  CHECK(e.workflow_urn == "urn:fss:cn-north-4:local:workflow:default:workflow_test:latest");
}

TEST_CASE("flow::run retries a failing state and recovers, in virtual time", "[flow][engine]") {
  auto d = flow_of({"flaky"}, "flaky");
  auto s = call("flaky", "end");
  s.on_errors.push_back(on_error("*", "", "again"));
  d.states.push_back(s);
  d.states.push_back(end_state());
  d.retries.push_back(retry("again", 30, 3));
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return c.attempt < 2 ? MockInvoker::error("Busy", "try later")
                         : MockInvoker::ok(R"({"done":3})");
  };
  auto e = run_ok(d, inv);
  CHECK(e.status == "success");
  CHECK(e.output == js(R"({"done":3})"));
  REQUIRE(inv.calls.size() == 3);
  CHECK(inv.calls[0].attempt == 0);
  CHECK(inv.calls[2].attempt == 2);
  const auto& attempts = e.node_execution_details[0].executions;
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].status == "fail");
  CHECK(attempts[0].error_message == "try later");
  CHECK(attempts[0].error_type == "Busy");
  CHECK(attempts[1].status == "fail");
  CHECK(attempts[2].status == "success");
  // Two delays of 30 s, skipped: the record moves on, the test does not wait.
  CHECK(e.virtual_slept_ms == 60000);
  CHECK(attempts[1].begin_ms - attempts[0].begin_ms >= 30000);
  CHECK(attempts[2].begin_ms - attempts[0].begin_ms >= 60000);
  CHECK(e.duration_ms < 30000);
}

TEST_CASE("flow::run follows the transition once retries are exhausted", "[flow][engine]") {
  auto d = flow_of({"charge", "refund"}, "charge");
  auto s = call("charge", "end");
  s.on_errors.push_back(on_error("PaymentDeclined", "refund", "twice"));
  d.states.push_back(s);
  d.states.push_back(call("refund", "end"));
  d.states.push_back(end_state());
  d.retries.push_back(retry("twice", 1, 2));
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return c.function == "charge" ? MockInvoker::error("PaymentDeclined", "card refused")
                                  : MockInvoker::ok(R"({"refunded":true})");
  };
  auto e = run_ok(d, inv, input(R"({"order":7})"));
  CHECK(e.status == "success");
  CHECK(inv.calls_to("charge").size() == 3);  // the first try and two retries
  REQUIRE(inv.calls_to("refund").size() == 1);
  CHECK(js(inv.calls_to("refund")[0].event.c_str()) ==
        js(R"({"order":7,"error":{"errorType":"PaymentDeclined","errorMessage":"card refused",
               "state":"charge"}})"));
  CHECK(e.path == std::vector<std::string>{"charge", "refund", "end"});
  CHECK(e.output == js(R"({"refunded":true})"));
  CHECK(e.virtual_slept_ms == 2000);
}

TEST_CASE("flow::run routes an error to a compensating state", "[flow][engine]") {
  auto d = flow_of({"reserve", "release", "ship"}, "reserve");
  auto s = call("reserve", "ship");
  s.on_errors.push_back(on_error("OutOfStock", "release"));
  d.states.push_back(s);
  d.states.push_back(call("ship", "end"));
  d.states.push_back(call("release", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return c.function == "reserve" ? MockInvoker::error("OutOfStock")
                                   : MockInvoker::ok(R"({"released":1})");
  };
  auto e = run_ok(d, inv, input(R"({"sku":"a"})"));
  CHECK(e.status == "success");
  CHECK(e.path == std::vector<std::string>{"reserve", "release", "end"});
  CHECK(inv.calls_to("ship").empty());
  CHECK(inv.calls_to("reserve").size() == 1);  // a handler without retry_ref does not retry
  CHECK(e.node_execution_details[0].executions[0].status == "fail");
}

TEST_CASE("flow::run matches on_errors in order, '*' against the exact errorType",
          "[flow][engine]") {
  auto d = flow_of({"work", "a", "b"}, "work");
  d.states.push_back(call("work", "end"));
  d.states.push_back(call("a", "end"));
  d.states.push_back(call("b", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  std::string thrown;
  inv.answer = [&](const flow::Invocation& c) {
    return c.function == "work" ? MockInvoker::error(thrown) : MockInvoker::ok("{}");
  };
  auto route = [&](std::string type) {
    thrown = std::move(type);
    auto e = run_ok(d, inv);
    REQUIRE(e.path.size() >= 2);
    return e.path[1];
  };
  SECTION("exact first, then '*'") {
    d.states[0].on_errors = {on_error("Timeout", "a"), on_error("*", "b")};
    CHECK(route("Timeout") == "a");
    CHECK(route("Other") == "b");
    CHECK(route("timeout") == "b");  // exact: case matters
  }
  SECTION("'*' first takes everything") {
    d.states[0].on_errors = {on_error("*", "b"), on_error("Timeout", "a")};
    CHECK(route("Timeout") == "b");
  }
}

TEST_CASE("flow::run fails the flow when no handler matches", "[flow][engine]") {
  auto d = flow_of({"work", "never"}, "work");
  auto s = call("work", "end");
  s.on_errors.push_back(on_error("SomethingElse", "never"));
  d.states.push_back(s);
  d.states.push_back(call("never", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation&) { return MockInvoker::error("Boom", "bad input"); };
  auto e = run_ok(d, inv);
  CHECK(e.status == "fail");
  CHECK(e.error_type == "Boom");
  CHECK(e.error_message == "bad input");
  CHECK(e.error_state == "work");
  CHECK(e.output.is_null());
  CHECK(inv.calls.size() == 1);
  CHECK(e.path == std::vector<std::string>{"work"});
}

TEST_CASE("flow::run gives timeouts, OOM and crashes the platform's error types",
          "[flow][engine]") {
  auto d = flow_of({"work", "handle"}, "work");
  d.states.push_back(call("work", "end"));
  d.states.push_back(call("handle", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  InvocationResult::Status status = InvocationResult::Status::timeout;
  inv.answer = [&](const flow::Invocation& c) {
    if (c.function == "handle") {
      return MockInvoker::ok("{}");
    }
    return MockInvoker::error("", "it went wrong", status);
  };
  SECTION("an unhandled timeout ends the run as timeout") {
    auto e = run_ok(d, inv);
    CHECK(e.status == "timeout");
    CHECK(e.error_type == flow::k_error_timeout);
    CHECK(e.node_execution_details[0].executions[0].status == "timeout");
  }
  SECTION("OOM is routable by its type") {
    status = InvocationResult::Status::oom;
    d.states[0].on_errors = {on_error(std::string(flow::k_error_oom), "handle")};
    auto e = run_ok(d, inv);
    CHECK(e.status == "success");
    CHECK(e.path[1] == "handle");
  }
  SECTION("a crash fails with its type") {
    status = InvocationResult::Status::crash;
    auto e = run_ok(d, inv);
    CHECK(e.status == "fail");
    CHECK(e.error_type == flow::k_error_crash);
  }
  SECTION("a sandbox failure is not the flow's to route") {
    status = InvocationResult::Status::sandbox;
    d.states[0].on_errors = {on_error("*", "handle")};
    auto e = run_ok(d, inv);
    CHECK(e.status == "fail");
    CHECK(e.sandbox_failure);
    CHECK(inv.calls_to("handle").empty());
  }
}

TEST_CASE("flow::run fails a state whose function returns no JSON", "[flow][engine]") {
  auto d = flow_of({"text", "handle"}, "text");
  d.states.push_back(call("text", "end"));
  d.states.push_back(call("handle", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return MockInvoker::ok(c.function == "text" ? "Hello, World!" : "{}");
  };
  auto e = run_ok(d, inv);
  CHECK(e.status == "fail");
  CHECK(e.error_type == flow::k_error_not_json);
  CHECK(e.error_message.find("not JSON") != std::string::npos);
  SECTION("and '*' can route it") {
    d.states[0].on_errors = {on_error("*", "handle")};
    CHECK(run_ok(d, inv).status == "success");
  }
  SECTION("an empty body is null, not an error") {
    inv.answer = [](const flow::Invocation&) { return MockInvoker::ok(""); };
    d.states[0].transition = "end";
    auto ok = run_ok(d, inv);
    CHECK(ok.status == "success");
    CHECK(ok.output.is_null());
  }
}

TEST_CASE("flow::run sleeps a day in virtual time", "[flow][engine]") {
  auto d = flow_of({"after"}, "wait");
  d.states.push_back(sleep_state("wait", 86400, "after"));
  d.states.push_back(call("after", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  std::vector<flow::Event> slept;
  auto opts = input(R"({"x":1})");
  opts.on_event = [&](const flow::Event& ev) {
    if (ev.kind == flow::Event::Kind::slept) {
      slept.push_back(ev);
    }
  };
  auto e = run_ok(d, inv, opts);
  CHECK(e.status == "success");
  CHECK(e.virtual_slept_ms == 86400000);
  CHECK(e.duration_ms < 5000);  // it did not wait
  const auto& sleep = e.node_execution_details[0].executions[0];
  CHECK(sleep.end_ms - sleep.begin_ms >= 86400000);
  CHECK(sleep.end_ms - sleep.begin_ms < 86400000 + 5000);
  CHECK(sleep.output == js(R"({"x":1})"));
  CHECK(e.node_execution_details[1].executions[0].begin_ms >= sleep.begin_ms + 86400000);
  CHECK(e.end_time.substr(0, 10) != e.begin_time.substr(0, 10));
  REQUIRE(slept.size() == 1);
  CHECK(slept[0].slept_ms == 86400000);
  CHECK(slept[0].state_id == "wait");
}

TEST_CASE("flow::run waits for real with real_time, and wakes on cancel", "[flow][engine]") {
  auto d = flow_of({}, "wait");
  d.states.push_back(sleep_state("wait", 1, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  flow::RunOptions opts;
  opts.real_time = true;
  auto e = run_ok(d, inv, opts);
  CHECK(e.status == "success");
  CHECK(e.virtual_slept_ms == 0);
  CHECK(e.duration_ms >= 1000);
  CHECK(e.engine_ms < e.duration_ms);
}

TEST_CASE("flow::run applies state_data_filter on entry and exit", "[flow][engine]") {
  auto d = flow_of({"price"}, "price");
  auto s = call("price", "end");
  s.filter.input = "$.order";
  s.filter.output = "$.total";
  d.states.push_back(s);
  auto end = end_state();
  end.filter.output = "$.amount";
  d.states.push_back(end);
  MockInvoker inv;
  inv.answer = [](const flow::Invocation&) {
    return MockInvoker::ok(R"({"total":{"amount":42,"currency":"CNY"},"debug":1})");
  };
  auto e = run_ok(d, inv, input(R"({"order":{"items":[1,2]},"user":"u"})"));
  CHECK(js(inv.calls[0].event.c_str()) == js(R"({"items":[1,2]})"));
  CHECK(e.node_execution_details[0].executions[0].input == js(R"({"items":[1,2]})"));
  CHECK(e.node_execution_details[0].executions[0].output ==
        js(R"({"amount":42,"currency":"CNY"})"));
  CHECK(e.output == OrderedJson(42));
  SECTION("a filter that selects nothing gives {}") {
    d.states[0].filter.input = "$.missing";
    auto e2 = run_ok(d, inv, input(R"({"order":1})"));
    CHECK(js(inv.calls.back().event.c_str()) == OrderedJson::object());
  }
  SECTION("'' and '$' pass the data through") {
    d.states[0].filter = {};
    d.states[0].filter.output = "$";
    d.states[1].filter = {};
    auto e3 = run_ok(d, inv, input(R"({"order":1})"));
    CHECK(js(inv.calls.back().event.c_str()) == js(R"({"order":1})"));
    CHECK(e3.output == js(R"({"total":{"amount":42,"currency":"CNY"},"debug":1})"));
  }
}

TEST_CASE("flow::run evaluates arguments with fallbacks and $CONST", "[flow][engine]") {
  auto d = flow_of({"f"}, "f");
  d.constants = js(R"({"region":"cn-north-4","limits":{"max":10}})");
  d.states.push_back(operation("f",
                               {action("f", {{"name", "$.user.name"},
                                             {"count", "$.count | 5"},
                                             {"label", "$.label | 'none'"},
                                             {"flag", "$.flag | false"},
                                             {"region", "$.region | $CONST.region"},
                                             {"max", "$CONST.limits.max"},
                                             {"first", "$.items[0]"},
                                             {"last", "$.items[-1]"},
                                             {"ids", "$.items[*].id"},
                                             {"gone", "$.nothing"}})},
                               "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  auto e = run_ok(d, inv, input(R"({"user":{"name":"ann"},"flag":null,
                                    "items":[{"id":1},{"id":2}]})"));
  CHECK(e.status == "success");
  CHECK(js(inv.calls[0].event.c_str()) ==
        js(R"({"name":"ann","count":5,"label":"none","flag":null,"region":"cn-north-4",
               "max":10,"first":{"id":1},"last":{"id":2},"ids":[1,2]})"));
  SECTION("arguments: {} sends an empty object, not the data") {
    d.states[0].actions = {action("f", {}, true)};
    run_ok(d, inv, input(R"({"a":1})"));
    CHECK(inv.calls.back().event == "{}");
  }
  SECTION("a malformed argument fails the state with its offset") {
    d.states[0].actions = {action("f", {{"bad", "$.a |"}})};
    auto bad = run_ok(d, inv);
    CHECK(bad.status == "fail");
    CHECK(bad.error_type == flow::k_error_data);
    CHECK(bad.error_message.find("offset 5") != std::string::npos);
  }
}

TEST_CASE("flow::run merges parameters when asked", "[flow][engine]") {
  auto d = flow_of({"one", "two"}, "one");
  d.states.push_back(call("one", "two"));
  d.states.push_back(call("two", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return MockInvoker::ok(c.function == "one" ? R"({"a":2,"b":1})" : R"({"c":3})");
  };
  auto opts = input(R"({"a":1,"start":true})");
  SECTION("off: each state gets the previous output") {
    auto e = run_ok(d, inv, opts);
    CHECK(js(inv.calls_to("two")[0].event.c_str()) == js(R"({"a":2,"b":1})"));
    CHECK(e.output == js(R"({"c":3})"));
  }
  SECTION("on: the previous output merged into its input") {
    opts.merge_parameters = true;
    auto e = run_ok(d, inv, opts);
    CHECK(js(inv.calls_to("two")[0].event.c_str()) == js(R"({"a":2,"start":true,"b":1})"));
    CHECK(e.output == js(R"({"a":2,"start":true,"b":1,"c":3})"));
  }
}

TEST_CASE("flow::run chains sequential actions and merges parallel ones", "[flow][engine]") {
  auto d = flow_of({"a", "b"}, "s");
  d.states.push_back(operation("s", {action("a"), action("b")}, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  SECTION("sequential: b gets a's result") {
    inv.answer = [](const flow::Invocation& c) {
      return MockInvoker::ok(c.function == "a" ? R"({"from_a":1})" : R"({"from_b":2})");
    };
    auto e = run_ok(d, inv, input(R"({"in":0})"));
    REQUIRE(inv.calls.size() == 2);
    CHECK(inv.calls[0].function == "a");
    CHECK(js(inv.calls[1].event.c_str()) == js(R"({"from_a":1})"));
    CHECK(e.output == js(R"({"from_b":2})"));
    CHECK(e.node_execution_details[0].executions[0].function == "a,b");
  }
  SECTION("parallel: both at once, both see the state's data, objects merged in order") {
    d.states[0].action_mode = "parallel";
    // Each call waits for the other: this only finishes when they run at the same time.
    std::mutex m;
    std::condition_variable cv;
    int arrived = 0;
    inv.answer = [&](const flow::Invocation& c) {
      std::unique_lock lock(m);
      ++arrived;
      cv.notify_all();
      bool both = cv.wait_for(lock, std::chrono::seconds(5), [&] { return arrived == 2; });
      if (!both) {
        return MockInvoker::error("NotConcurrent");
      }
      return MockInvoker::ok(c.function == "a" ? R"({"x":"a","a":1})" : R"({"x":"b","b":2})");
    };
    auto e = run_ok(d, inv, input(R"({"in":0})"));
    CHECK(e.status == "success");
    for (const auto& c : inv.calls) {
      CHECK(js(c.event.c_str()) == js(R"({"in":0})"));
    }
    CHECK(e.output == js(R"({"x":"b","a":1,"b":2})"));
  }
  SECTION("parallel: non-object results make an array in action order") {
    d.states[0].action_mode = "parallel";
    inv.answer = [](const flow::Invocation& c) {
      return MockInvoker::ok(c.function == "a" ? "1" : "[2]");
    };
    CHECK(run_ok(d, inv).output == js("[1,[2]]"));
  }
  SECTION("parallel: one failure fails the state") {
    d.states[0].action_mode = "parallel";
    inv.answer = [](const flow::Invocation& c) {
      return c.function == "b" ? MockInvoker::error("BFailed") : MockInvoker::ok("{}");
    };
    auto e = run_ok(d, inv);
    CHECK(e.status == "fail");
    CHECK(e.error_type == "BFailed");
  }
}

TEST_CASE("flow::run resumes a failed run at its failed state, on the input it had",
          "[flow][engine]") {
  // a -> b (input filter $.order) -> end: b failed once; the retry starts at b with the
  // input its attempt recorded (already filtered), and a does not run again.
  auto d = flow_of({"a", "b"}, "a");
  d.states.push_back(call("a", "b"));
  auto b = call("b", "end");
  b.filter.input = "$.order";
  d.states.push_back(b);
  d.states.push_back(end_state());
  MockInvoker inv;
  bool fail_b = true;
  inv.answer = [&](const flow::Invocation& c) {
    if (c.function == "a") {
      return MockInvoker::ok(R"({"order": {"id": 7}})");
    }
    return fail_b ? MockInvoker::error("Busy", "later") : MockInvoker::ok(c.event);
  };
  auto first = run_ok(d, inv);
  REQUIRE(first.status == "fail");
  CHECK(first.error_state == "b");
  const OrderedJson recorded = first.node_execution_details.at(1).executions.at(0).input;
  CHECK(recorded == js(R"({"id": 7})"));

  fail_b = false;
  inv.calls.clear();
  flow::RunOptions again;
  again.input = recorded;
  again.resume_state = "b";
  again.execution_id = first.execution_id;
  auto second = run_ok(d, inv, again);
  CHECK(second.status == "success");
  CHECK(second.output == js(R"({"id": 7})"));  // the filter was not applied twice
  REQUIRE(inv.calls.size() == 1);
  CHECK(inv.calls[0].function == "b");
  CHECK(inv.calls[0].headers.at("X-Cff-Workflow-Run-Id") == first.execution_id);
  CHECK(second.path == std::vector<std::string>{"b", "end"});

  again.resume_state = "nowhere";
  auto bad = flow::run(d, inv, again);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message.find("no state 'nowhere' to resume at") != std::string::npos);
}
