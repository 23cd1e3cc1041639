// SPDX-License-Identifier: Apache-2.0
// fstage's local-only states: Switch, Parallel, Foreach (FLOW.md §4, flow/SEMANTICS.md), and the
// bugs other engines' users hit with them (FLOW.md §5): a Switch that does not take the first
// condition that holds, a foreach whose results come back out of order or whose items leak
// between iterations.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <poll.h>

#include <catch2/catch.hpp>

#include "test_flow_engine_support.hpp"

using namespace fstage;
using namespace fstage::test;
using flow::InvocationResult;

namespace {

flow::State switch_state(std::string id, std::vector<std::pair<std::string, std::string>> conds,
                         std::string default_transition) {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::switch_;
  for (auto& [expr, to] : conds) {
    flow::Condition c;
    c.expression = expr;
    c.transition = to;
    s.conditions.push_back(std::move(c));
  }
  s.default_transition = std::move(default_transition);
  return s;
}

// A subflow of one Operation calling `fn`, then its end.
flow::Subflow one_call(const std::string& fn) {
  flow::Subflow f;
  f.start = fn;
  f.states.push_back(call(fn, "done"));
  f.states.push_back(end_state("done"));
  return f;
}

flow::State parallel_state(std::string id, std::vector<flow::Subflow> branches, int completion,
                           std::string transition) {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::parallel;
  s.branches = std::move(branches);
  s.completion = completion;
  s.transition = std::move(transition);
  return s;
}

flow::State foreach_state(std::string id, std::string items, flow::Subflow body, int concurrency,
                          std::string transition) {
  flow::State s;
  s.id = id;
  s.name = id;
  s.type = flow::StateType::foreach;
  s.items_path = std::move(items);
  s.iterator = std::move(body);
  s.concurrency = concurrency;
  s.transition = std::move(transition);
  return s;
}

}  // namespace

TEST_CASE("flow::run Switch takes the first condition that holds, else the default",
          "[flow][engine][local]") {
  auto d = flow_of({"adult", "senior", "child"}, "age");
  d.states.push_back(switch_state(
      "age", {{"$.age >= 65", "senior"}, {"$.age >= 18", "adult"}, {"$.age >= 0", "adult"}},
      "child"));
  d.states.push_back(call("adult", "end"));
  d.states.push_back(call("senior", "end"));
  d.states.push_back(call("child", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  auto route = [&](const char* in) {
    auto e = run_ok(d, inv, input(in));
    REQUIRE(e.path.size() == 3);
    return e.path[1];
  };
  // 70 also satisfies the second and third conditions: the first in order wins.
  CHECK(route(R"({"age":70})") == "senior");
  CHECK(route(R"({"age":30})") == "adult");
  CHECK(route(R"({"age":-1})") == "child");
  CHECK(route(R"({"age":"70"})") == "child");  // a string is not a number
  CHECK(route(R"({})") == "child");
  // The Switch passes its data through to the state it picks.
  auto e = run_ok(d, inv, input(R"({"age":30,"name":"x"})"));
  CHECK(js(inv.calls.back().event.c_str()) == js(R"({"age":30,"name":"x"})"));
  CHECK(e.node_execution_details[0].executions[0].output == js(R"({"age":30,"name":"x"})"));
  SECTION("no condition and no default fails the state") {
    d.states[0].default_transition.clear();
    auto f = run_ok(d, inv, input(R"({"age":-5})"));
    CHECK(f.status == "fail");
    CHECK(f.error_type == flow::k_error_no_match);
  }
}

TEST_CASE("flow::run Parallel runs every branch on a copy and keeps branch order",
          "[flow][engine][local]") {
  auto d = flow_of({"a", "b", "c"}, "par");
  d.states.push_back(
      parallel_state("par", {one_call("a"), one_call("b"), one_call("c")}, 0, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  // All three must be in flight together; c answers first, a last.
  std::mutex m;
  std::condition_variable cv;
  int arrived = 0;
  inv.answer = [&](const flow::Invocation& c) {
    {
      std::unique_lock lock(m);
      ++arrived;
      cv.notify_all();
      if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return arrived == 3; })) {
        return MockInvoker::error("NotConcurrent");
      }
    }
    auto event = OrderedJson::parse(c.event);
    int delay = c.function == "a" ? 30 : (c.function == "b" ? 15 : 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    return MockInvoker::ok(OrderedJson{{"from", c.function}, {"saw", event["n"]}}.dump());
  };
  auto e = run_ok(d, inv, input(R"({"n":1})"));
  CHECK(e.status == "success");
  CHECK(e.output == js(R"({"n":1,"result":[{"from":"a","saw":1},{"from":"b","saw":1},
                                            {"from":"c","saw":1}]})"));
  // Branch states are recorded under the Parallel's id, each branch with a node of its own.
  std::vector<std::string> ids;
  for (const auto& n : e.node_execution_details) {
    ids.push_back(n.node_id);
  }
  CHECK(std::count(ids.begin(), ids.end(), "par/1") == 1);
  CHECK(std::count(ids.begin(), ids.end(), "par/1/b") == 1);
  SECTION("result_key names the output key") {
    d.states[0].result_key = "branches";
    inv.answer = nullptr;
    auto e2 = run_ok(d, inv, input("{}"));
    CHECK(e2.output["branches"].size() == 3);
  }
}

TEST_CASE("flow::run Parallel completes on one or N branches and cancels the rest",
          "[flow][engine][local]") {
  flow::Subflow slow;
  slow.start = "slow";
  slow.states.push_back(call("slow", "after"));
  slow.states.push_back(call("after", "done"));
  slow.states.push_back(end_state("done"));
  auto d = flow_of({"fast", "slow", "after", "fast2"}, "par");
  d.states.push_back(parallel_state("par", {one_call("fast"), slow}, 1, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  bool wait_for_stop = true;
  std::atomic<bool> stopped_by_engine{false};
  std::atomic<bool> slow_started{false};
  inv.answer = [&](const flow::Invocation& c) {
    if (c.function == "fast" && wait_for_stop) {
      eventually([&] { return slow_started.load(); });  // the slow one must be under way
    }
    if (c.function == "slow" && wait_for_stop) {
      slow_started = true;
      // A long function: it runs until the engine says its branch is no longer needed, as
      // the command line's Invoker stops a sandbox when stop_fd becomes readable.
      REQUIRE(c.stop_fd >= 0);
      pollfd p{c.stop_fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) == 1) {
        stopped_by_engine = true;
        InvocationResult r;
        r.status = InvocationResult::Status::cancelled;
        return r;
      }
    }
    return MockInvoker::ok(OrderedJson{{"from", c.function}}.dump());
  };
  SECTION("completion 1: the first success completes the state") {
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.status == "success");
    CHECK(e.output == js(R"({"result":[{"from":"fast"},null]})"));
    CHECK(stopped_by_engine);
    CHECK(inv.calls_to("after").empty());
    bool found = false;
    for (const auto& n : e.node_execution_details) {
      if (n.node_id == "par/1") {
        found = true;
        REQUIRE(n.executions.size() == 1);
        CHECK(n.executions[0].status == "cancel");
      }
    }
    CHECK(found);
  }
  SECTION("completion 2 of 3") {
    d.states[0].branches = {one_call("fast"), slow, one_call("fast2")};
    d.states[0].completion = 2;
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.status == "success");
    CHECK(e.output == js(R"({"result":[{"from":"fast"},null,{"from":"fast2"}]})"));
  }
  SECTION("completion 0 waits for all") {
    d.states[0].completion = 0;
    wait_for_stop = false;
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.output == js(R"({"result":[{"from":"fast"},{"from":"after"}]})"));
  }
}

TEST_CASE("flow::run Parallel fails when too few branches can succeed", "[flow][engine][local]") {
  auto d = flow_of({"good", "bad", "handle"}, "par");
  d.states.push_back(parallel_state("par", {one_call("good"), one_call("bad")}, 0, "end"));
  d.states.push_back(call("handle", "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    return c.function == "bad" ? MockInvoker::error("BranchBroke", "no") : MockInvoker::ok("{}");
  };
  SECTION("all needed: one failure fails the state, with the branch's error") {
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.status == "fail");
    CHECK(e.error_type == "BranchBroke");
    CHECK(e.error_state == "par");
    CHECK(e.error_message.find("par/1/bad") != std::string::npos);
  }
  SECTION("and on_errors routes it like any state's") {
    d.states[0].on_errors = {on_error("BranchBroke", "handle")};
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.status == "success");
    CHECK(e.path.back() == "end");
  }
  SECTION("one needed: the other's success is enough") {
    d.states[0].completion = 1;
    auto e = run_ok(d, inv, input("{}"));
    CHECK(e.status == "success");
  }
}

TEST_CASE("flow::run Foreach runs the iterator per element, results in order",
          "[flow][engine][local]") {
  auto d = flow_of({"square"}, "each");
  d.states.push_back(foreach_state("each", "$.numbers", one_call("square"), 1, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  inv.answer = [](const flow::Invocation& c) {
    auto event = OrderedJson::parse(c.event);
    long v = event["item"].get<long>();
    // Later elements answer sooner: the results must still come back in element order.
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * (4 - v)));
    return MockInvoker::ok(OrderedJson{{"sq", v * v}}.dump());
  };
  auto expected = js(R"({"numbers":[1,2,3],"tag":"t","result":[{"sq":1},{"sq":4},{"sq":9}]})");
  SECTION("concurrency 1: one after another, in order") {
    auto e = run_ok(d, inv, input(R"({"numbers":[1,2,3],"tag":"t"})"));
    CHECK(e.status == "success");
    CHECK(e.output == expected);
    // synapse#180: the results are merged into the state's data, not returned bare;
    // synapse#181: the iteration variable does not leak into the state's output.
    CHECK(e.output.is_object());
    CHECK_FALSE(e.output.contains("item"));
    REQUIRE(inv.calls.size() == 3);
    for (int i = 0; i < 3; ++i) {
      auto event = js(inv.calls[static_cast<std::size_t>(i)].event.c_str());
      // Each iteration sees the state's data and its own element, not the array it iterates.
      CHECK(event == OrderedJson{{"tag", "t"}, {"item", i + 1}});
    }
  }
  SECTION("unlimited: all at once, still in order") {
    d.states[0].concurrency = 0;
    std::mutex m;
    std::condition_variable cv;
    int arrived = 0;
    auto inner = inv.answer;
    inv.answer = [&](const flow::Invocation& c) {
      {
        std::unique_lock lock(m);
        ++arrived;
        cv.notify_all();
        if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return arrived == 3; })) {
          return MockInvoker::error("NotConcurrent");
        }
      }
      return inner(c);
    };
    auto e = run_ok(d, inv, input(R"({"numbers":[1,2,3],"tag":"t"})"));
    CHECK(e.status == "success");
    CHECK(e.output == expected);
  }
  SECTION("iteration_variable and result_path") {
    d.states[0].iteration_variable = "n";
    d.states[0].result_path = "$.out.squares";
    inv.answer = [](const flow::Invocation& c) {
      auto event = OrderedJson::parse(c.event);
      return MockInvoker::ok(event["n"].dump());
    };
    auto e = run_ok(d, inv, input(R"({"numbers":[5,6]})"));
    CHECK(e.output == js(R"({"numbers":[5,6],"out":{"squares":[5,6]}})"));
  }
  SECTION("a nested items_path is left out of the iteration's input, its siblings kept") {
    d.states[0].items_path = "$.order.lines";
    inv.answer = [](const flow::Invocation& c) { return MockInvoker::ok(c.event); };
    auto e = run_ok(d, inv, input(R"({"order":{"id":7,"lines":["a","b"]}})"));
    CHECK(e.output["result"] ==
          js(R"([{"order":{"id":7},"item":"a"},{"order":{"id":7},"item":"b"}])"));
    CHECK(e.output["order"]["lines"] == js(R"(["a","b"])"));  // the state's data is untouched
  }
  SECTION("an empty array gives an empty result") {
    auto e = run_ok(d, inv, input(R"({"numbers":[]})"));
    CHECK(e.output == js(R"({"numbers":[],"result":[]})"));
    CHECK(inv.calls.empty());
  }
  SECTION("items_path that is not an array fails with FlowDataError") {
    auto e = run_ok(d, inv, input(R"({"numbers":{"a":1}})"));
    CHECK(e.status == "fail");
    CHECK(e.error_type == flow::k_error_data);
    CHECK(e.error_message.find("object") != std::string::npos);
  }
  SECTION("a failing iteration fails the state and stops the rest") {
    inv.answer = [](const flow::Invocation& c) {
      auto event = OrderedJson::parse(c.event);
      return event["item"] == 2 ? MockInvoker::error("BadItem") : MockInvoker::ok("{}");
    };
    auto e = run_ok(d, inv, input(R"({"numbers":[1,2,3,4]})"));
    CHECK(e.status == "fail");
    CHECK(e.error_type == "BadItem");
    CHECK(inv.calls.size() == 2);  // concurrency 1: 3 and 4 never start
  }
  SECTION("unlimited: a failure stops the iterations still running") {
    d.states[0].concurrency = 0;
    std::atomic<int> stopped{0};
    inv.answer = [&](const flow::Invocation& c) {
      auto event = OrderedJson::parse(c.event);
      if (event["item"] == 2) {
        // Fails once the other two are running.
        eventually([&] {
          std::lock_guard lock(inv.mutex);
          return inv.calls.size() == 3;
        });
        return MockInvoker::error("BadItem");
      }
      pollfd p{c.stop_fd, POLLIN, 0};
      if (c.stop_fd >= 0 && ::poll(&p, 1, 5000) == 1) {
        ++stopped;
        InvocationResult r;
        r.status = InvocationResult::Status::cancelled;
        return r;
      }
      return MockInvoker::ok("{}");
    };
    auto e = run_ok(d, inv, input(R"({"numbers":[1,2,3]})"));
    CHECK(e.status == "fail");
    CHECK(e.error_type == "BadItem");
    CHECK(stopped == 2);
  }
}

TEST_CASE("flow::run Parallel and Foreach keep virtual time per line", "[flow][engine][local]") {
  flow::Subflow napping;
  napping.start = "nap";
  napping.states.push_back(sleep_state("nap", 3600, "done"));
  napping.states.push_back(end_state("done"));
  auto d = flow_of({}, "par");
  d.states.push_back(parallel_state("par", {napping, napping}, 0, "end"));
  d.states.push_back(end_state());
  MockInvoker inv;
  SECTION("two branches sleeping an hour end an hour later, not two") {
    auto e = run_ok(d, inv);
    CHECK(e.virtual_slept_ms == 3600000);
  }
  SECTION("Foreach with concurrency 1 sleeps one after another") {
    d.states[0] = foreach_state("par", "$.xs", napping, 1, "end");
    auto e = run_ok(d, inv, input(R"({"xs":[1,2,3]})"));
    CHECK(e.virtual_slept_ms == 3 * 3600000);
    d.states[0].concurrency = 0;
    auto all = run_ok(d, inv, input(R"({"xs":[1,2,3]})"));
    CHECK(all.virtual_slept_ms == 3600000);
  }
}
