// SPDX-License-Identifier: Apache-2.0
// MockInvoker: answers advance with the attempt (never stuck on the first), a missing attempt
// stops the run instead of reusing another answer, unmocked states reach the real functions,
// and calls from many threads are all recorded.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/mock_invoker.hpp>

using namespace fstage;
using namespace fstage::flow;

namespace {

using Status = InvocationResult::Status;

// The "real" functions: echo which function ran.
class Echo : public Invoker {
 public:
  InvocationResult invoke(const Invocation& call) override {
    ++calls;
    InvocationResult r;
    r.output = "{\"ran\":\"" + call.function + "\"}";
    return r;
  }
  std::atomic<int> calls{0};
};

Invocation call(const std::string& state, int attempt, const std::string& ref = "charge") {
  Invocation c;
  c.state_id = state;
  c.ref_name = ref;
  c.function = ref + "-fn";
  c.attempt = attempt;
  c.event = "{}";
  return c;
}

std::vector<StateMock> mocks_of(const std::string& yaml) {
  auto p = parse_test_file("cases:\n  - name: c\n    mocks:\n" + yaml, "t.test.yaml");
  for (const auto& e : p.errors) {
    UNSCOPED_INFO(e.str());
  }
  REQUIRE(p.file);
  return p.file->cases.at(0).mocks;
}

}  // namespace

TEST_CASE("flow::MockInvoker answers each attempt from its own range", "[flow][test]") {
  Echo real;
  MockInvoker m(mocks_of("      charge:\n"
                         "        \"0\": {error: {type: Busy, message: try later}}\n"
                         "        \"1-2\": {result: {n: 12}}\n"
                         "        \"3-\": {result: {n: 3}}\n"),
                &real);
  auto r0 = m.invoke(call("charge", 0));
  CHECK(r0.status == Status::function_error);
  CHECK(r0.error_type == "Busy");
  CHECK(r0.error_message == "try later");
  CHECK(r0.mocked);
  for (int attempt : {1, 2}) {
    auto r = m.invoke(call("charge", attempt));
    CHECK(r.status == Status::ok);
    CHECK(r.output == R"({"n":12})");
    CHECK(r.mocked);
  }
  for (int attempt : {3, 4, 50}) {
    CHECK(m.invoke(call("charge", attempt)).output == R"({"n":3})");
  }
  CHECK(real.calls == 0);
  CHECK(m.problems().empty());
  auto calls = m.calls();
  REQUIRE(calls.size() == 6);
  CHECK(calls[0].attempt == 0);
  CHECK(calls[0].status == Status::function_error);
  CHECK(calls[5].attempt == 50);
  CHECK(calls[5].mocked);
}

TEST_CASE("flow::MockInvoker stops the run at an attempt no range answers", "[flow][test]") {
  Echo real;
  MockInvoker m(mocks_of("      charge:\n        \"0\": {error: {type: Busy}}\n"), &real);
  CHECK(m.invoke(call("charge", 0)).status == Status::function_error);
  // Neither the first answer again nor the real function: the test did not foresee a retry.
  auto r = m.invoke(call("charge", 1));
  CHECK(r.status == Status::sandbox);
  CHECK(real.calls == 0);
  REQUIRE(m.problems().size() == 1);
  CHECK(m.problems()[0] ==
        "state 'charge' was called for attempt 1, which its mocks (0, at t.test.yaml:4:7) do "
        "not answer; add \"1\" or an open range such as \"1-\"");
}

TEST_CASE("flow::MockInvoker passes unmocked states to the real functions", "[flow][test]") {
  Echo real;
  MockInvoker m(mocks_of("      charge: {\"0-\": {result: 1}}\n"), &real);
  auto r = m.invoke(call("ship", 0, "ship"));
  CHECK(r.status == Status::ok);
  CHECK(r.output == R"({"ran":"ship-fn"})");
  CHECK_FALSE(r.mocked);
  CHECK(real.calls == 1);
  CHECK(m.invoke(call("charge", 0)).output == "1");
  auto calls = m.calls();
  REQUIRE(calls.size() == 2);
  CHECK_FALSE(calls[0].mocked);
  CHECK(calls[1].mocked);
}

TEST_CASE("flow::MockInvoker without real functions reports the unmocked call", "[flow][test]") {
  MockInvoker m({}, nullptr);
  auto r = m.invoke(call("ship", 0, "ship"));
  CHECK(r.status == Status::sandbox);
  REQUIRE(m.problems().size() == 1);
  CHECK(m.problems()[0].find("state 'ship' calls function 'ship-fn', which has no mock") !=
        std::string::npos);
}

TEST_CASE("flow::MockInvoker: an action's mock wins over its state's, nested ids match",
          "[flow][test]") {
  Echo real;
  MockInvoker m(mocks_of("      notify:\n"
                         "        \"0-\": {result: whole}\n"
                         "        email: {\"0-\": {result: email}}\n"),
                &real);
  CHECK(m.invoke(call("notify", 0, "email")).output == R"("email")");
  CHECK(m.invoke(call("notify", 0, "sms")).output == R"("whole")");
  // A state inside a Parallel branch or a Foreach body, as the engine names it.
  CHECK(m.invoke(call("fanout/1/notify", 0, "sms")).output == R"("whole")");
  CHECK(m.invoke(call("fanout/1/notify", 0, "email")).output == R"("email")");
  // A state whose id merely ends the same way is another state.
  CHECK(m.invoke(call("renotify", 0, "sms")).output == R"({"ran":"sms-fn"})");
  CHECK(names_state("a/0/b", "b"));
  CHECK_FALSE(names_state("a/0/bb", "b"));
}

TEST_CASE("flow::MockInvoker records every call made from many threads", "[flow][test]") {
  Echo real;
  MockInvoker m(mocks_of("      charge: {\"0-\": {result: 1}}\n"), &real);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 200; ++i) {
        m.invoke(call(i % 2 == 0 ? "charge" : "ship", t, i % 2 == 0 ? "charge" : "ship"));
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  auto calls = m.calls();
  CHECK(calls.size() == 1600);
  CHECK(real.calls == 800);
  std::size_t mocked = 0;
  for (const auto& c : calls) {
    mocked += c.mocked ? 1 : 0;
  }
  CHECK(mocked == 800);
}
