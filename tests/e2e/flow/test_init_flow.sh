#!/usr/bin/env bash
# `fstage init NAME --flow` makes the README's worked example, and in it `fstage flow run
# orders` and `fstage flow test` pass at once.
. "$(dirname "$0")/lib/test.sh"

expect_exit 2 "$FSTAGE" init bad --flow -r nodejs18
assert_contains "$T/err" "the flow example's functions are written in Python"
expect_exit 2 "$FSTAGE" init bad --flow -t python
assert_contains "$T/err" "--flow cannot be combined with --template"
[ ! -e bad ] || fail "a refused init left files"

expect_exit 0 "$FSTAGE" init shop --flow
assert_contains "$T/err" "Next: cd shop && fstage flow test"
for f in fstage.yaml order.json flows/orders.json flows/orders.test.yaml README.md \
  functions/validate-order/index.py functions/charge-card/index.py functions/cancel-order/index.py; do
  [ -f "shop/$f" ] || fail "init --flow wrote no $f"
done
grep -q '^name: shop$' shop/fstage.yaml || fail "project name: $(cat shop/fstage.yaml)"
cd shop
expect_exit 0 "$FSTAGE" validate
expect_exit 0 "$FSTAGE" flow validate

has_namespaces || skip "no namespaces here (degraded tier): the flow's functions need a sandbox root"
expect_exit 0 "$FSTAGE" flow run orders -i order.json
[ "$(json_get "$T/out" "j")" = \
  "{'order_id': 'A-1001', 'charged': 25.5, 'currency': 'EUR', 'receipt': 'rcpt-A-1001'}" ] ||
  fail "flow run output: $(cat "$T/out")"
assert_contains "$T/err" "validate-order #1"
assert_contains "$T/err" "SUMMARY Status: success"
# Over the card's limit: charge-card itself declines, and the compensation cancels the order.
echo '{"order_id": "A-1002", "amount": 5000}' >big.json
expect_exit 0 "$FSTAGE" flow run orders -i big.json
[ "$(json_get "$T/out" "j")" = "{'order_id': 'A-1002', 'status': 'cancelled'}" ] ||
  fail "compensation output: $(cat "$T/out")"
assert_contains "$T/err" "PaymentDeclined"
expect_exit 0 "$FSTAGE" flow test
assert_contains "$T/out" "5 passed, 0 failed"
