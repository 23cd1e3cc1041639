#!/usr/bin/env bash
# `fstage flow test` with every state mocked (no sandbox needed): a passing suite, a failing
# case and its diff, --junit read back by an XML parser, --json, --case, and the exit codes of
# a bad test file (3), an unknown flow or case (4) and a failed case (14).
. "$(dirname "$0")/lib/test.sh"
example_project shop
cd shop
cat >flows/orders.test.yaml <<'YAML'
cases:
  - name: charged on the first try
    input: {order_id: A-1, amount: 25.5}
    mocks:
      validate: {"0": {result: {order_id: A-1, amount: 25.5, currency: EUR}}}
      charge: {"0": {result: {order_id: A-1, charged: 25.5, receipt: r-1}}}
    expect:
      output: {order_id: A-1, charged: 25.5, receipt: r-1}
      path: [validate, charge, done]
  - name: retried twice
    mocks:
      validate: {"0": {result: {order_id: A-2}}}
      charge:
        "0-1": {error: {type: PaymentUnavailable, message: down}}
        "2-": {result: {receipt: r-2}}
    expect:
      output_contains: {receipt: r-2}
      attempts: {charge: 3}
YAML
expect_exit 0 "$FSTAGE" flow test
assert_contains "$T/out" "flow orders (flows/orders.test.yaml)"
assert_contains "$T/out" "  PASS  charged on the first try"
assert_contains "$T/out" "2 calls, 2 mocked"
assert_contains "$T/out" "2 passed, 0 failed"

# A failing case: each unmet expectation with its line, JSON per key, the path's first step.
cat >>flows/orders.test.yaml <<'YAML'
  - name: wrong expectations
    mocks:
      validate: {"0": {result: {order_id: A-3}}}
      charge: {"0": {result: {order_id: A-3, charged: 25.5}}}
    expect:
      output: {order_id: A-3, charged: 99, receipt: r-3}
      path: [validate, cancel, done]
YAML
expect_exit 14 "$FSTAGE" flow test
assert_contains "$T/out" "  FAIL  wrong expectations"
assert_contains "$T/out" "at flows/orders.test.yaml:19:5"
assert_contains "$T/out" "output (line 24):"
assert_contains "$T/out" '$.charged: expected 99, got 25.5'
assert_contains "$T/out" '$.receipt: missing (expected "r-3")'
assert_contains "$T/out" "path (line 25):"
assert_contains "$T/out" "step 2: expected 'cancel', got 'charge'"
assert_contains "$T/out" "actual:   [validate, charge, done]"
assert_contains "$T/out" "2 passed, 1 failed"

# --junit: written also when a case fails, and read back by a real XML parser.
expect_exit 14 "$FSTAGE" flow test orders --junit "$T/report.xml"
"$PYTHON" - "$T/report.xml" <<'PY' || fail "JUnit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1", root.attrib
suite = root.find("testsuite")
assert suite.get("name") == "flow.orders" and suite.get("errors") == "0", suite.attrib
cases = {c.get("name"): c for c in suite.findall("testcase")}
assert set(cases) == {"charged on the first try", "retried twice", "wrong expectations"}, cases
assert cases["retried twice"].find("failure") is None
failure = cases["wrong expectations"].find("failure")
assert failure.get("message") == "2 expectations not met: output, path", failure.get("message")
assert "$.charged: expected 99, got 25.5" in failure.text, failure.text
assert float(suite.get("time")) >= 0 and suite.get("timestamp"), suite.attrib
PY

expect_exit 14 "$FSTAGE" flow test --json
[ "$(json_get "$T/out" "(j['passed'], j['failed'], j['errors'])")" = "(2, 1, 0)" ] || fail "--json counts"
[ "$(json_get "$T/out" "j['flows'][0]['cases'][2]['mismatches'][1]['what']")" = path ] || fail "--json mismatches"
[ "$(json_get "$T/out" "j['flows'][0]['cases'][0]['execution']['status']")" = success ] ||
  fail "--json execution"

expect_exit 0 "$FSTAGE" flow test --case "retried twice"
assert_contains "$T/out" "1 passed, 0 failed"
assert_not_contains "$T/out" "charged on the first try"
expect_exit 4 "$FSTAGE" flow test --case "retried thrice"
assert_contains "$T/err" "no test case named 'retried thrice'; did you mean 'retried twice'?"
expect_exit 4 "$FSTAGE" flow test ordres
assert_contains "$T/err" "ordres"

# A retry the case did not foresee stops it, naming the attempt to add (exit 14).
cat >flows/orders.test.yaml <<'YAML'
cases:
  - name: unforeseen retry
    mocks:
      validate: {"0": {result: {}}}
      charge: {"0": {error: {type: PaymentUnavailable}}}
YAML
expect_exit 14 "$FSTAGE" flow test
assert_contains "$T/out" "  ERROR unforeseen retry"
assert_contains "$T/out" "state 'charge' was called for attempt 1, which its mocks (0, at flows/orders.test.yaml:5:7) do not answer; add \"1\""
assert_contains "$T/out" "0 passed, 0 failed, 1 could not run"

# A mock no state can take is an error at its position, and nothing runs (exit 3).
cat >flows/orders.test.yaml <<'YAML'
cases:
  - name: a
    mocks:
      done: {"0": {result: {}}}
YAML
expect_exit 3 "$FSTAGE" flow test
assert_contains "$T/err" "flows/orders.test.yaml:4:7: mocks.done: state 'done' is an End, which calls no function"
[ ! -s "$T/out" ] || fail "a bad test file still ran: $(cat "$T/out")"

rm flows/orders.test.yaml
expect_exit 4 "$FSTAGE" flow test
assert_contains "$T/err" "no flow has a test file"
assert_contains "$T/err" "flows/orders.test.yaml"
