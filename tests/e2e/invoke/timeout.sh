# A busy loop past the timeout is killed at the timeout: exit 11.
. "$(dirname "$0")/lib/invoke.sh"
need_python
start=$(date +%s)
expect_exit 11 "$FSTAGE" invoke -f "$PY" spin
took=$(( $(date +%s) - start ))
[ "$took" -lt 10 ] || fail "took ${took}s for a 3 s timeout"
assert_contains "$T/out" "timed out after 3 seconds"
assert_contains "$T/err" "Status: timeout"
