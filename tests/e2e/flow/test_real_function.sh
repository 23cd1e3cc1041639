#!/usr/bin/env bash
# `fstage flow test` runs the states a case does not mock in their real Python functions, in
# the sandbox, beside mocked ones: the worked example's own test file passes, its functions
# see the workflow's ids, and a real function's error is routed like a mock's.
. "$(dirname "$0")/lib/test.sh"
has_namespaces || skip "no namespaces here (degraded tier): the flow's functions need a sandbox root"
example_project shop
cd shop

expect_exit 0 "$FSTAGE" -v flow test
assert_contains "$T/out" "  PASS  a valid order is charged  ("
assert_contains "$T/out" "  PASS  an invalid order fails the flow"
assert_contains "$T/out" "5 passed, 0 failed"
# The unmocked validate-order ran for real and knew its place in the flow.
assert_contains "$T/err" "order A-1001 is valid (state validate of run "

# Counted apart: the first case mocks nothing, the declined one mocks charge only.
expect_exit 0 "$FSTAGE" flow test --json
[ "$(json_get "$T/out" "[(c['calls'], c['mocked_calls']) for c in j['flows'][0]['cases']][:3]")" = \
  "[(2, 0), (4, 3), (3, 1)]" ] || fail "calls and mocked calls: $(cat "$T/out")"

# A real function's error (a card over the limit is declined by charge-card itself) takes the
# same on_errors route as the mocked one; a wrong expectation about it fails with a diff.
cat >flows/orders.test.yaml <<'YAML'
cases:
  - name: declined for real
    input: {order_id: B-1, amount: 5000}
    expect:
      output: {order_id: B-1, status: cancelled}
      path: [validate, charge, cancel, done]
      attempts: {charge: 1}
  - name: a wrong guess about the real path
    input: {order_id: B-2, amount: 5000}
    expect:
      path: [validate, charge, done]
YAML
expect_exit 14 "$FSTAGE" flow test
assert_contains "$T/out" "  PASS  declined for real"
assert_contains "$T/out" "  FAIL  a wrong guess about the real path"
assert_contains "$T/out" "step 3: expected 'done', got 'cancel'"
assert_contains "$T/out" "1 passed, 1 failed"
