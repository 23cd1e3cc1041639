// SPDX-License-Identifier: Apache-2.0
// flow::run_case against the real engine: a retry path tested with mocks, real functions for
// the states left unmocked, a Foreach body's state mocked in every iteration, and the ways a
// case cannot be judged (a mock missing for an attempt, no function to run, a sandbox that
// does not start).
#include <atomic>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/testrun.hpp>

using namespace fstage;
using namespace fstage::flow;

namespace {

using Outcome = CaseResult::Outcome;

State operation(const std::string& id, const std::string& next) {
  State s;
  s.id = id;
  s.name = id;
  s.type = StateType::operation;
  s.transition = next;
  Action a;
  a.ref_name = id;
  s.actions.push_back(a);
  return s;
}

FunctionDecl function(const std::string& name) {
  FunctionDecl f;
  f.name = name;
  f.operation = name;
  f.local = name + "-fn";
  return f;
}

// validate -> charge -> done; charge retries PaymentUnavailable (3 more attempts), and any
// error, or retries run out, goes to cancel -> done.
Definition orders() {
  Definition d;
  d.name = "orders";
  d.start = "validate";
  for (const char* f : {"validate", "charge", "cancel"}) {
    d.functions.push_back(function(f));
  }
  Retry r;
  r.name = "payment";
  r.delay = 2;
  r.max_attempts = 3;
  d.retries.push_back(r);
  d.states.push_back(operation("validate", "charge"));
  State charge = operation("charge", "done");
  OnError unavailable;
  unavailable.error = "PaymentUnavailable";
  unavailable.transition = "cancel";
  unavailable.retry_ref = "payment";
  charge.on_errors.push_back(unavailable);
  OnError any;
  any.error = "*";
  any.transition = "cancel";
  charge.on_errors.push_back(any);
  d.states.push_back(charge);
  d.states.push_back(operation("cancel", "done"));
  State done;
  done.id = "done";
  done.name = "done";
  done.type = StateType::end;
  done.end = true;
  d.states.push_back(done);
  return d;
}

// The real functions: each returns its input with {"<function>": true} added.
class Real : public Invoker {
 public:
  InvocationResult invoke(const Invocation& call) override {
    ++calls;
    InvocationResult r;
    if (call.function == fail_function) {
      r.status = InvocationResult::Status::sandbox;
      r.error_message = "no user namespaces";
      return r;
    }
    OrderedJson in = OrderedJson::parse(call.event);
    if (!in.is_object()) {
      in = OrderedJson::object();
    }
    in[call.function] = true;
    r.output = in.dump();
    return r;
  }
  std::atomic<int> calls{0};
  std::string fail_function;
};

TestCase the_case(const std::string& yaml, const Definition& def) {
  auto p = parse_test_file("cases:\n" + yaml, "orders.test.yaml");
  for (const auto& e : p.errors) {
    UNSCOPED_INFO(e.str());
  }
  REQUIRE(p.file);
  auto errors = check_test_file(*p.file, def);
  for (const auto& e : errors) {
    UNSCOPED_INFO(e.str());
  }
  REQUIRE(errors.empty());
  return p.file->cases.at(0);
}

CaseResult run(const Definition& def, const std::string& yaml, Invoker* real) {
  CaseResult r = run_case(def, the_case(yaml, def), real, RunOptions{});
  for (const auto& line : failure_lines(r)) {
    UNSCOPED_INFO(line);
  }
  return r;
}

}  // namespace

TEST_CASE("flow::run_case: a retry path tested with mocks, the other states real", "[flow][test]") {
  Real real;
  auto r = run(orders(),
               "  - name: down twice, then charged\n"
               "    input: {order: 7}\n"
               "    mocks:\n"
               "      charge:\n"
               "        \"0-1\": {error: {type: PaymentUnavailable, message: down}}\n"
               "        \"2\": {result: {charged: true}}\n"
               "    expect:\n"
               "      output: {charged: true}\n"
               "      path: [validate, charge, done]\n"
               "      attempts: {charge: 3, validate: 1}\n",
               &real);
  CHECK(r.outcome == Outcome::passed);
  CHECK(r.calls == 4);
  CHECK(r.mocked_calls == 3);
  CHECK(real.calls == 1);  // validate ran for real
  CHECK(r.execution.status == "success");
  // The engine records the mocked attempts as mocked, each with its own answer.
  const NodeExecution* charge = nullptr;
  for (const auto& n : r.execution.node_execution_details) {
    if (n.node_id == "charge") {
      charge = &n;
    }
  }
  REQUIRE(charge);
  REQUIRE(charge->executions.size() == 3);
  CHECK(charge->executions[0].mocked);
  CHECK(charge->executions[0].error_type == "PaymentUnavailable");
  CHECK(charge->executions[2].status == "success");
}

TEST_CASE("flow::run_case: retries run out into the compensation", "[flow][test]") {
  Real real;
  auto r = run(orders(),
               "  - name: down for good\n"
               "    input: {order: 8}\n"
               "    mocks:\n"
               "      charge: {\"0-\": {error: {type: PaymentUnavailable}}}\n"
               "    expect:\n"
               "      output_contains: {order: 8, cancel-fn: true}\n"
               "      path: [validate, charge, cancel, done]\n"
               "      attempts: {charge: 4}\n",
               &real);
  CHECK(r.outcome == Outcome::passed);
  // Three retry delays of 2 s pass in virtual time: a test never waits for them.
  CHECK(r.duration_ms < 1000);
}

TEST_CASE("flow::run_case: unmet expectations fail the case with each difference", "[flow][test]") {
  Real real;
  auto r = run(orders(),
               "  - name: wrong\n"
               "    mocks:\n"
               "      charge: {\"0\": {error: {type: PaymentDeclined, message: no}}}\n"
               "    expect:\n"
               "      output: {charged: true}\n"
               "      path: [validate, charge, done]\n"
               "      attempts: {charge: 2}\n",
               &real);
  REQUIRE(r.outcome == Outcome::failed);
  std::vector<std::string> what;
  for (const auto& m : r.mismatches) {
    what.push_back(m.what);
  }
  CHECK(what == std::vector<std::string>{"output", "path", "attempts.charge"});
  CHECK(r.mismatches[1].lines.front() == "step 3: expected 'done', got 'cancel'");
  CHECK(r.mismatches[2].lines.front() == "expected 2 calls of state 'charge', got 1");
}

TEST_CASE("flow::run_case: an error that ends the run is expected by type and state",
          "[flow][test]") {
  Definition def = orders();
  auto r = run(def,
               "  - name: invalid\n"
               "    mocks:\n"
               "      validate: {\"0\": {error: {type: InvalidOrder, message: bad}}}\n"
               "    expect:\n"
               "      error: {type: InvalidOrder, state: validate}\n"
               "      path: [validate]\n",
               nullptr);
  CHECK(r.outcome == Outcome::passed);
  CHECK(r.execution.status == "fail");
}

TEST_CASE("flow::run_case: a mock missing for an attempt stops the case, naming it",
          "[flow][test]") {
  Real real;
  auto r = run(orders(),
               "  - name: one answer only\n"
               "    mocks:\n"
               "      charge: {\"0\": {error: {type: PaymentUnavailable}}}\n",
               &real);
  REQUIRE(r.outcome == Outcome::error);
  CHECK(r.error.find("state 'charge' was called for attempt 1") != std::string::npos);
  CHECK(real.calls == 1);  // validate only: the unanswered retry never reached a function
}

TEST_CASE("flow::run_case: an unmocked state with no functions to run is an error",
          "[flow][test]") {
  auto r = run(orders(), "  - name: nothing mocked\n", nullptr);
  REQUIRE(r.outcome == Outcome::error);
  CHECK(r.error.find("state 'validate' calls function 'validate-fn', which has no mock") !=
        std::string::npos);
}

TEST_CASE("flow::run_case: a function whose sandbox does not start is an error, not a failure",
          "[flow][test]") {
  Real real;
  real.fail_function = "charge-fn";
  auto r = run(orders(), "  - name: no sandbox\n", &real);
  REQUIRE(r.outcome == Outcome::error);
  CHECK(r.error.find("could not start") != std::string::npos);
  CHECK(r.error.find("no user namespaces") != std::string::npos);
}

TEST_CASE("flow::run_case: a Foreach body's state is mocked in every iteration", "[flow][test]") {
  Definition d;
  d.name = "batch";
  d.start = "each";
  d.functions.push_back(function("work"));
  State each;
  each.id = "each";
  each.name = "each";
  each.type = StateType::foreach;
  each.items_path = "$.items";
  each.result_path = "$.done";
  each.concurrency = 2;
  each.end = true;
  Subflow body;
  body.start = "work";
  State work = operation("work", "");
  work.end = true;
  body.states.push_back(work);
  each.iterator = body;
  d.states.push_back(each);
  auto r = run(d,
               "  - name: every item\n"
               "    input: {items: [1, 2, 3]}\n"
               "    mocks:\n"
               "      work: {\"0\": {result: {ok: 1}}}\n"
               "    expect:\n"
               "      output_contains: {done: [{ok: 1}, {ok: 1}, {ok: 1}]}\n"
               "      attempts: {work: 3}\n",
               nullptr);
  CHECK(r.outcome == Outcome::passed);
  CHECK(r.mocked_calls == 3);
}

TEST_CASE("flow::run_case: a Parallel branch's state is mocked, its path checked", "[flow][test]") {
  Definition d;
  d.name = "fan";
  d.start = "par";
  d.functions.push_back(function("left"));
  d.functions.push_back(function("right"));
  State par;
  par.id = "par";
  par.name = "par";
  par.type = StateType::parallel;
  par.end = true;
  for (const char* id : {"left", "right"}) {
    Subflow b;
    b.start = id;
    State s = operation(id, "");
    s.end = true;
    b.states.push_back(s);
    par.branches.push_back(b);
  }
  d.states.push_back(par);
  Real real;
  auto r = run(d,
               "  - name: one branch mocked\n"
               "    input: {n: 1}\n"
               "    mocks:\n"
               "      right: {\"0\": {result: {mocked: true}}}\n"
               "    expect:\n"
               "      output: {n: 1, result: [{n: 1, left-fn: true}, {mocked: true}]}\n"
               "      attempts: {left: 1, right: 1}\n",
               &real);
  CHECK(r.outcome == Outcome::passed);
  CHECK(real.calls == 1);
  CHECK(r.mocked_calls == 1);
}
