#!/usr/bin/env bash
# package reports the manifest's warnings on stderr (file:line:column), keeps --json stdout pure
# and stays silent with -q.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p p && cd p
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n    env:\n      EMPTY:\n' >fstage.yaml
echo 'def handler(event, context): return event' >index.py

expect_exit 0 "$FSTAGE" package
assert_contains "$T/err" "fstage.yaml:8:7: functions.hello.env.EMPTY"
assert_contains "$T/err" "EMPTY: empty value"
expect_exit 0 "$FSTAGE" package --json
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" || fail "stdout is not JSON"
assert_contains "$T/err" "empty value"
expect_exit 0 "$FSTAGE" -q package
[ ! -s "$T/err" ] || fail "-q printed: $(cat "$T/err")"
echo "ok"
