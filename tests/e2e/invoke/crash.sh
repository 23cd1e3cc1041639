# A runtime that exits mid-invocation is "killed" (exit 10), not a sandbox failure.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 10 "$FSTAGE" invoke -f "$PY" crash --json
[ "$(json_get "$T/out" "j['status']")" = killed ] || fail "status killed"
[ "$(json_get "$T/out" "j['error']['errorType']")" = RuntimeExited ] || fail "errorType"
