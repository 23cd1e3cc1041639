#!/usr/bin/env bash
# init never overwrites without --force, and a refused run changes nothing.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 0 "$FSTAGE" init demo -r python3.10
echo "custom" > demo/index.py
before=$(cd demo && find . -exec stat -c '%n %s %Y' {} + | sort)
expect_exit 5 "$FSTAGE" init demo -r nodejs18
assert_contains "$T/err" "fstage: error:"
assert_contains "$T/err" "fstage.yaml"
assert_contains "$T/err" "hint:"
after=$(cd demo && find . -exec stat -c '%n %s %Y' {} + | sort)
[ "$before" = "$after" ] || fail "refused init changed the directory"
expect_exit 0 "$FSTAGE" init demo -r nodejs18 --force
assert_contains demo/fstage.yaml "Node.js18.15"
[ "$(cat demo/index.py)" = "custom" ] || fail "--force touched a file the template does not have"
echo ok
