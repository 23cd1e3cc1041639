#!/usr/bin/env bash
# `deploy --publish orders` used to publish every function as version "orders"; it is refused
# now, with the two spellings that say which was meant.
. "$(dirname "$0")/../lib/common.sh"
expect_exit 2 "$FSTAGE" deploy --publish orders
assert_contains "$T/err" "'--publish orders' is ambiguous"
assert_contains "$T/err" "fstage deploy --publish=orders"
assert_contains "$T/err" "fstage deploy orders --publish"
# Both spellings pass the command line (and stop at the missing manifest here).
expect_exit 4 "$FSTAGE" deploy --publish=orders
expect_exit 4 "$FSTAGE" deploy orders --publish
echo ok
