// SPDX-License-Identifier: Apache-2.0
// What a failed flow test shows: JSON differences per key (exact and subset), the first step
// where the path went elsewhere, and each expectation compared with a run.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/testdiff.hpp>
#include <fstage/flow/testrun.hpp>

using namespace fstage;
using namespace fstage::flow;

namespace {

OrderedJson j(const char* text) {
  return OrderedJson::parse(text);
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("flow::json_diff compares objects by key in any order, numbers by value",
          "[flow][test]") {
  CHECK(
      json_diff(j(R"({"a": 1, "b": [1, {"c": 2}]})"), j(R"({"b": [1.0, {"c": 2}], "a": 1})"), false)
          .empty());
  CHECK(json_diff(j("null"), j("null"), false).empty());
  CHECK(json_diff(j(R"("x")"), j(R"("x")"), true).empty());
}

TEST_CASE("flow::json_diff names each differing key", "[flow][test]") {
  auto lines = json_diff(j(R"({"charged": true, "receipt": "r-1", "items": [1, 2],
                               "who": {"id": 7}, "a b": 1})"),
                         j(R"({"charged": false, "items": [1, 3], "who": {"id": "7"},
                               "extra": 3, "a b": 1})"),
                         false);
  CHECK(lines == Lines{
                     "$.charged: expected true, got false",
                     "$.receipt: missing (expected \"r-1\")",
                     "$.items[1]: expected 2, got 3",
                     "$.who.id: expected 7, got \"7\"",
                     "$.extra: not expected (got 3)",
                 });
  CHECK(json_diff(j(R"({"a b": 1})"), j(R"({"a b": 2})"), false) ==
        Lines{"$[\"a b\"]: expected 1, got 2"});
  CHECK(json_diff(j("[1, 2]"), j("[1]"), false) ==
        Lines{"$: expected 2 items, got 1: expected [1,2], got [1]"});
  CHECK(json_diff(j(R"({"a": 1})"), j("[1]"), false) == Lines{"$: expected {\"a\":1}, got [1]"});
  CHECK(json_diff(j(R"({"a": 1})"), j("null"), false) == Lines{"$: expected {\"a\":1}, got null"});
}

TEST_CASE("flow::json_diff subset: extra keys at any depth are fine, missing ones are not",
          "[flow][test]") {
  const auto actual = j(R"({"order": {"id": 42, "total": 9.5}, "charged": true, "log": [1]})");
  CHECK(json_diff(j(R"({"order": {"id": 42}})"), actual, true).empty());
  CHECK(json_diff(j(R"({"charged": true, "log": [1]})"), actual, true).empty());
  CHECK(json_diff(j(R"({"order": {"id": 43, "currency": "EUR"}})"), actual, true) ==
        Lines{"$.order.id: expected 43, got 42", "$.order.currency: missing (expected \"EUR\")"});
  // Arrays still compare element by element.
  CHECK(json_diff(j(R"({"log": []})"), actual, true).size() == 1);
}

TEST_CASE("flow::json_diff stops after max_lines and says how many more", "[flow][test]") {
  OrderedJson x = OrderedJson::object();
  OrderedJson a = OrderedJson::object();
  for (int i = 0; i < 30; ++i) {
    x["k" + std::to_string(i)] = i;
    a["k" + std::to_string(i)] = i + 1;
  }
  auto lines = json_diff(x, a, false, 5);
  REQUIRE(lines.size() == 6);
  CHECK(lines.back() == "... and 25 more differences");
  // Long values are cut.
  auto long_lines = json_diff(OrderedJson(std::string(500, 'x')), OrderedJson(1), false);
  REQUIRE(long_lines.size() == 1);
  CHECK(long_lines[0].size() < 200);
  CHECK(long_lines[0].find("...") != std::string::npos);
}

TEST_CASE("flow::path_diff points at the first step that differs", "[flow][test]") {
  CHECK(path_diff({"a", "b"}, {"a", "b"}).empty());
  CHECK(path_diff({"validate", "charge", "ship"}, {"validate", "charge", "cancel", "done"}) ==
        Lines{"step 3: expected 'ship', got 'cancel'", "expected: [validate, charge, ship]",
              "actual:   [validate, charge, cancel, done]"});
  CHECK(path_diff({"a", "b", "c"}, {"a"}).front() ==
        "the run stopped after 1 step; expected 'b' next");
  CHECK(path_diff({"a"}, {"a", "b"}).front() == "step 2: 'b' ran after the expected path ended");
  CHECK(path_diff({"a"}, {}).front() == "the run stopped after 0 steps; expected 'a' next");
}

TEST_CASE("flow::compare reports each expectation the run missed", "[flow][test]") {
  Execution e;
  e.status = "fail";
  e.output = OrderedJson();
  e.path = {"validate", "charge"};
  e.error_state = "charge";
  e.error_type = "PaymentDeclined";
  e.error_message = "card declined";
  std::vector<MockInvoker::Call> calls(3);
  calls[0].state_id = "validate";
  calls[1].state_id = "charge";
  calls[2].state_id = "charge";

  CaseExpectation x;
  x.status = "success";
  x.status_where = {"t", 9, 15};
  x.output = j(R"({"charged": true})");
  x.path = std::vector<std::string>{"validate", "charge", "ship"};
  x.attempts = {{"charge", 3}, {"validate", 1}};
  x.attempts_where = {{"t", 12, 9}, {"t", 12, 20}};
  x.error_type = "Timeout";
  auto m = compare(x, e, calls);
  REQUIRE(m.size() == 5);
  CHECK(m[0].what == "status");
  CHECK(m[0].lines == Lines{"expected success, got fail",
                            "the run ended in state 'charge' with PaymentDeclined: card declined"});
  CHECK(m[0].where.line == 9);
  CHECK(m[1].what == "output");
  CHECK(m[1].lines == Lines{"$: expected {\"charged\":true}, got null"});
  CHECK(m[2].what == "path");
  CHECK(m[2].lines.front() == "the run stopped after 2 steps; expected 'ship' next");
  CHECK(m[3].what == "attempts.charge");
  CHECK(m[3].lines == Lines{"expected 3 calls of state 'charge', got 2"});
  CHECK(m[3].where.column == 9);
  CHECK(m[4].what == "error");
  CHECK(m[4].lines == Lines{"type: expected 'Timeout', got 'PaymentDeclined'"});

  CaseExpectation ok;
  ok.status = "fail";
  ok.error_type = "PaymentDeclined";
  ok.error_state = "charge";
  ok.attempts = {{"charge", 2}};
  ok.attempts_where = {{"t", 1, 1}};
  ok.path = e.path;
  CHECK(compare(ok, e, calls).empty());
}

TEST_CASE("flow::failure_lines renders mismatches with their lines, errors as one",
          "[flow][test]") {
  CaseResult r;
  r.outcome = CaseResult::Outcome::failed;
  r.mismatches.push_back(
      Mismatch{"output", {"t", 14, 9}, {"$.a: expected 1, got 2", "$.b: missing (expected 3)"}});
  CHECK(failure_lines(r) ==
        Lines{"output (line 14):", "  $.a: expected 1, got 2", "  $.b: missing (expected 3)"});
  CaseResult err;
  err.outcome = CaseResult::Outcome::error;
  err.error = "state 'charge' was called for attempt 1, which its mocks do not answer";
  CHECK(failure_lines(err) ==
        Lines{"error: state 'charge' was called for attempt 1, which its mocks do not answer"});
  CHECK(failure_lines(CaseResult{}).empty());
}
