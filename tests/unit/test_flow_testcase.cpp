// SPDX-License-Identifier: Apache-2.0
// Flow test files: the form parsed with positions, broken files reported at their line and
// column, and the file held against the flow it tests (every Operation state mockable, none
// of the others).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/testcase.hpp>

using namespace fstage;
using namespace fstage::flow;

namespace {

State op(const std::string& id, std::vector<std::string> refs, const std::string& next = "") {
  State s;
  s.id = id;
  s.name = id;
  s.type = StateType::operation;
  s.transition = next;
  for (auto& r : refs) {
    Action a;
    a.ref_name = r;
    s.actions.push_back(a);
  }
  return s;
}

// validate -> charge -> (wait) -> ship -> done, plus a Parallel whose branch calls notify.
Definition orders() {
  Definition d;
  d.name = "orders";
  d.start = "validate";
  d.states.push_back(op("validate", {"validate"}, "charge"));
  d.states.push_back(op("charge", {"charge"}, "wait"));
  State wait;
  wait.id = "wait";
  wait.type = StateType::sleep;
  wait.duration = 60;
  wait.transition = "fanout";
  d.states.push_back(wait);
  State par;
  par.id = "fanout";
  par.type = StateType::parallel;
  par.transition = "done";
  Subflow b;
  b.start = "notify";
  b.states.push_back(op("notify", {"email", "sms"}));
  par.branches.push_back(b);
  d.states.push_back(par);
  State end;
  end.id = "done";
  end.type = StateType::end;
  end.end = true;
  d.states.push_back(end);
  return d;
}

TestFile parse_ok(const std::string& text) {
  auto p = parse_test_file(text, "orders.test.yaml");
  for (const auto& e : p.errors) {
    UNSCOPED_INFO(e.str());
  }
  REQUIRE(p.errors.empty());
  REQUIRE(p.file);
  return *p.file;
}

struct BadFile {
  const char* what;
  std::string text;
  int line;
  int column;
  const char* needle;
};

}  // namespace

TEST_CASE("flow::parse_test_file reads cases, mocks by attempt and expectations", "[flow][test]") {
  const std::string text = R"(cases:
  - name: retries then recovers
    input: {order: 42, items: [1, 2.5, "x"], gift: false, note: null}
    mocks:
      charge:
        "0": {error: {type: PaymentDeclined, message: "card declined"}}
        "1-2": {result: {charged: true}}
        3-: {result: "later"}
      notify:
        email: {"0": {result: {}}}
    expect:
      status: success
      output_contains: {charged: true}
      path: [validate, charge, done]
      attempts: {charge: 2}
  - name: declined
    expect:
      error: {type: PaymentDeclined, state: charge}
)";
  TestFile tf = parse_ok(text);
  REQUIRE(tf.cases.size() == 2);
  const TestCase& c = tf.cases[0];
  CHECK(c.name == "retries then recovers");
  CHECK(c.where.line == 2);
  CHECK(c.input == OrderedJson::parse(
                       R"({"order": 42, "items": [1, 2.5, "x"], "gift": false, "note": null})"));
  REQUIRE(c.mocks.size() == 2);
  // The ref's own mock is listed first; the whole state's ranges are sorted.
  const StateMock* charge = nullptr;
  const StateMock* email = nullptr;
  for (const auto& m : c.mocks) {
    (m.state_id == "charge" ? charge : email) = &m;
  }
  REQUIRE(charge);
  REQUIRE(email);
  CHECK(charge->ref_name.empty());
  REQUIRE(charge->ranges.size() == 3);
  CHECK(charge->ranges[0].str() == "0");
  CHECK(charge->ranges[0].answer.is_error);
  CHECK(charge->ranges[0].answer.error_type == "PaymentDeclined");
  CHECK(charge->ranges[0].answer.error_message == "card declined");
  CHECK(charge->ranges[1].str() == "1-2");
  CHECK(charge->ranges[1].answer.result == OrderedJson::parse(R"({"charged": true})"));
  CHECK(charge->ranges[2].str() == "3-");
  CHECK(charge->ranges[2].covers(3));
  CHECK(charge->ranges[2].covers(1000));
  CHECK_FALSE(charge->ranges[1].covers(3));
  CHECK(charge->ranges[2].answer.result == "later");
  CHECK(email->state_id == "notify");
  CHECK(email->ref_name == "email");
  CHECK(c.expect.status == "success");
  CHECK_FALSE(c.expect.output);
  CHECK(c.expect.output_contains == OrderedJson::parse(R"({"charged": true})"));
  CHECK(c.expect.path == std::vector<std::string>{"validate", "charge", "done"});
  REQUIRE(c.expect.attempts.size() == 1);
  CHECK(c.expect.attempts[0] == std::pair<std::string, int>("charge", 2));
  CHECK(c.expect.path_items_where.at(1).line == 14);
  CHECK(c.expect.path_items_where.at(1).column == 24);
  // An expected error implies a failed run.
  CHECK(tf.cases[1].expect.status == "fail");
  CHECK(tf.cases[1].expect.error_type == "PaymentDeclined");
  CHECK(tf.cases[1].expect.error_state == "charge");
  CHECK(tf.cases[1].input == OrderedJson::object());
  CHECK(check_test_file(tf, orders()).empty());
}

TEST_CASE("flow::parse_test_file: a case without expect expects success", "[flow][test]") {
  TestFile tf = parse_ok("cases:\n  - name: smoke\n");
  CHECK(tf.cases[0].expect.status == "success");
  CHECK_FALSE(tf.cases[0].expect.output);
  CHECK_FALSE(tf.cases[0].expect.path);
}

TEST_CASE("flow::parse_test_file: quoted scalars stay strings, plain ones are typed",
          "[flow][test]") {
  TestFile tf = parse_ok(
      "cases:\n  - name: t\n    input: {a: '1', b: 1, c: \"true\", d: true, e: 1e3, f: -7, "
      "g: 0.5, h: yes, i: 18446744073709551615}\n");
  CHECK(tf.cases[0].input == OrderedJson::parse(
                                 R"({"a": "1", "b": 1, "c": "true", "d": true, "e": 1000.0,
                                     "f": -7, "g": 0.5, "h": "yes",
                                     "i": 18446744073709551615})"));
}

TEST_CASE("flow::parse_test_file reports each broken file at its line and column", "[flow][test]") {
  // Line 2 holds the case's "- name:", its keys are at column 5 from line 3 on.
  const std::string head = "cases:\n  - name: c\n";
  const std::vector<BadFile> cases = {
      {"empty file", "", 1, 1, "the test file is empty"},
      {"only comments", "# nothing yet\n", 1, 1, "the test file is empty"},
      {"a list at the top", "- a\n", 1, 1, "found a list"},
      {"no cases", "{}\n", 1, 1, "missing required key 'cases'"},
      {"another top-level key", "cases:\n  - name: c\nname: x\n", 3, 1,
       "unknown top-level key 'name'; expected one of cases"},
      {"misspelt cases", "case: []\n", 1, 1, "did you mean 'cases'"},
      {"cases empty", "cases: []\n", 1, 8, "the list is empty"},
      {"cases a mapping", "cases: {a: 1}\n", 1, 8, "found a mapping"},
      {"case without a name", "cases:\n  - input: {}\n", 2, 5, "missing required key 'name'"},
      {"unknown case key", head + "    mock: {}\n", 3, 5, "did you mean 'mocks'"},
      {"two cases of one name", head + "  - name: c\n", 3, 11,
       "a second case named 'c' (the first is on line 2)"},
      {"mocks a list", head + "    mocks: [charge]\n", 3, 12, "mocks: found a list"},
      {"state mocks a scalar", head + "    mocks:\n      charge: ok\n", 4, 15,
       "mocks.charge: found 'ok'"},
      {"no attempts", head + "    mocks:\n      charge: {}\n", 4, 15, "no attempts are mocked"},
      {"backwards range", head + "    mocks:\n      charge:\n        \"2-1\": {result: 1}\n", 5, 9,
       "the range '2-1' runs backwards"},
      {"two dashes", head + "    mocks:\n      charge:\n        \"1--2\": {result: 1}\n", 5, 9,
       "'1--2' is not an attempt"},
      {"huge attempt", head + "    mocks:\n      charge:\n        \"99999999\": {result: 1}\n", 5,
       9, "is not an attempt"},
      {"overlapping ranges",
       head +
           "    mocks:\n      charge:\n        \"0-2\": {result: 1}\n        \"2\": {result: 2}\n",
       6, 9, "attempts '2' overlap '0-2' (line 5)"},
      {"an open range swallowing the next",
       head +
           "    mocks:\n      charge:\n        \"1-\": {result: 1}\n        \"3\": {result: 2}\n",
       6, 9, "attempts '3' overlap '1-'"},
      {"answer with both",
       head + "    mocks:\n      charge:\n        \"0\": {result: 1, error: {type: X}}\n", 5, 14,
       "both 'result' and 'error'"},
      {"answer with neither", head + "    mocks:\n      charge:\n        \"0\": {value: 1}\n", 5,
       14, "neither 'result' nor 'error'"},
      {"error without a type",
       head + "    mocks:\n      charge:\n        \"0\": {error: {message: m}}\n", 5, 22,
       "missing required key 'type'"},
      {"error as a scalar", head + "    mocks:\n      charge:\n        \"0\": {error: Declined}\n",
       5, 22, "found 'Declined'"},
      {"ref mock with a non-attempt key",
       head + "    mocks:\n      notify:\n        email: {result: 1}\n", 5, 17,
       "'result' is not an attempt"},
      {"unknown status", head + "    expect: {status: succes}\n", 3, 22, "unknown status 'succes'"},
      {"output and output_contains", head + "    expect: {output: 1, output_contains: 1}\n", 3, 42,
       "both 'output' and 'output_contains'"},
      {"path a scalar", head + "    expect: {path: validate}\n", 3, 20,
       "expect.path: found 'validate'"},
      {"attempts negative", head + "    expect: {attempts: {charge: -1}}\n", 3, 33, "charge"},
      {"attempts quoted", head + "    expect: {attempts: {charge: \"2\"}}\n", 3, 33, "charge"},
      {"error with success", head + "    expect: {status: success, error: {type: X}}\n", 3, 38,
       "an error is expected, but expect.status is success"},
      {"error empty", head + "    expect: {error: {}}\n", 3, 21, "expect.error: empty"},
      {"infinite input", head + "    input: {n: .inf}\n", 3, 16, ".inf has no JSON form"},
      {"YAML syntax", head + "    input: {a: [1, 2}\n", 3, 21, "YAML"},
      {"tab indentation", "cases:\n\t- name: c\n", 2, 1, "tab"},
  };
  for (const auto& bad : cases) {
    SECTION(bad.what) {
      auto p = parse_test_file(bad.text, "t.test.yaml");
      REQUIRE_FALSE(p.file);
      REQUIRE_FALSE(p.errors.empty());
      const auto& d = p.errors.front();
      INFO(d.str());
      CHECK(d.where.file == "t.test.yaml");
      CHECK(d.where.line == bad.line);
      CHECK(d.where.column == bad.column);
      CHECK(d.str().find(bad.needle) != std::string::npos);
    }
  }
}

TEST_CASE("flow::parse_test_file reports every problem of a file in one run", "[flow][test]") {
  auto p = parse_test_file(
      "cases:\n  - name: a\n    expect: {status: nope}\n  - name: b\n    mocks: {x: {\"z\": 1}}\n",
      "t.test.yaml");
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].where.line == 3);
  CHECK(p.errors[1].where.line == 5);
}

TEST_CASE("flow::check_test_file: every Operation state can be mocked, at any depth",
          "[flow][test]") {
  TestFile tf = parse_ok(R"(cases:
  - name: all of them
    mocks:
      validate: {"0-": {result: {}}}
      charge: {"0-": {result: {}}}
      notify:
        email: {"0": {result: {}}}
        sms: {"0": {result: {}}}
    expect:
      path: [validate, charge, wait, fanout, fanout/0/notify, done]
      attempts: {notify: 2}
)");
  auto errors = check_test_file(tf, orders());
  for (const auto& e : errors) {
    UNSCOPED_INFO(e.str());
  }
  CHECK(errors.empty());
}

TEST_CASE("flow::check_test_file reports mocks and expectations the flow cannot meet",
          "[flow][test]") {
  const std::vector<BadFile> cases = {
      {"unknown state", "    mocks:\n      chrage: {\"0\": {result: 1}}\n", 5, 7,
       "flow 'orders' has no state 'chrage'; expected an Operation state of the flow: "
       "validate, charge, notify; did you mean 'charge'?"},
      {"a Sleep", "    mocks:\n      wait: {\"0\": {result: 1}}\n", 5, 7,
       "state 'wait' is a Sleep, which calls no function"},
      {"an End", "    mocks:\n      done: {\"0\": {result: 1}}\n", 5, 7, "is an End"},
      {"a Parallel", "    mocks:\n      fanout: {\"0\": {result: 1}}\n", 5, 7, "is a Parallel"},
      {"an action the state has not",
       "    mocks:\n      notify:\n        fax: {\"0\": {result: 1}}\n", 6, 9,
       "state 'notify' has no action calling 'fax'; expected attempts"},
      {"attempts of an unknown state", "    expect: {attempts: {ship: 1}}\n", 4, 25,
       "expect.attempts: flow 'orders' has no state 'ship'"},
      {"attempts of a Sleep", "    expect: {attempts: {wait: 1}}\n", 4, 25, "is a Sleep"},
      {"unknown path entry", "    expect: {path: [validate, shipp]}\n", 4, 31,
       "expect.path: flow 'orders' has no state 'shipp'"},
      {"unknown nested path entry", "    expect: {path: [fanout/0/nothing]}\n", 4, 21,
       "no state 'fanout/0/nothing'"},
      {"unknown error state", "    expect: {error: {state: nowhere}}\n", 4, 21,
       "expect.error.state: flow 'orders' has no state 'nowhere'"},
  };
  for (const auto& bad : cases) {
    SECTION(bad.what) {
      TestFile tf = parse_ok("cases:\n  - name: a\n  - name: b\n" + bad.text);
      auto errors = check_test_file(tf, orders());
      REQUIRE(errors.size() == 1);
      const auto& d = errors.front();
      INFO(d.str());
      CHECK(d.where.file == "orders.test.yaml");
      CHECK(d.where.line == bad.line);
      CHECK(d.where.column == bad.column);
      CHECK(d.str().find(bad.needle) != std::string::npos);
    }
  }
}

TEST_CASE("flow::test_file_path: beside the definition file, or flows/<name> for inline flows",
          "[flow][test]") {
  manifest::Manifest m;
  m.root = "/p";
  manifest::FlowSource file;
  file.name = "orders";
  file.file = "flows/orders.json";
  CHECK(test_file_path(m, file) == "/p/flows/orders.test.yaml");
  file.file = "defs/checkout.yaml";
  CHECK(test_file_path(m, file) == "/p/defs/checkout.test.yaml");
  manifest::FlowSource inline_flow;
  inline_flow.name = "billing";
  CHECK(test_file_path(m, inline_flow) == "/p/flows/billing.test.yaml");
}

TEST_CASE("flow::load_test_file: a missing file is not_found, a bad one invalid_input",
          "[flow][test]") {
  auto missing = load_test_file("/nonexistent/x.test.yaml", "x.test.yaml", orders());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::not_found);
}
