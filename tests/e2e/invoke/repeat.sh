# --repeat N: one warm instance, the initializer runs once, cold and warm timings reported.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" counter --repeat 5 --json
[ "$(json_get "$T/out" "json.loads(j['invocations'][4]['result'])['invocations']")" = 5 ] ||
  fail "five invocations on one instance"
[ "$(json_get "$T/out" "json.loads(j['invocations'][4]['result'])['init_calls']")" = 1 ] ||
  fail "initializer ran once"
[ "$(json_get "$T/out" "[i['cold'] for i in j['invocations']]")" = "[True, False, False, False, False]" ] ||
  fail "cold then warm"
[ "$(json_get "$T/out" "j['summary']['warm_count']")" = 4 ] || fail "summary"
expect_exit 0 "$FSTAGE" invoke -f "$PY" counter --repeat 3
assert_contains "$T/err" "SUMMARY invocations: 3"
# The initializer's log lines carry a request id of their own, like any invocation's.
grep -qE 'Z [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} INFO initializer ran' \
  "$T/err" || { cat "$T/err"; fail "initializer log line without a request id"; }
