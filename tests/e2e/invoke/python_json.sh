# --json: one record with status, result, error, logs and the figures.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" context --json
[ "$(json_get "$T/out" "j['status']")" = ok ] || fail "status"
[ "$(json_get "$T/out" "j['memory_size_mb']")" = 256 ] || fail "memory size"
[ "$(json_get "$T/out" "j['billed_duration_ms'] % 100")" = 0 ] || fail "billed rounding"
[ "$(json_get "$T/out" "j['max_memory_used_bytes'] > 1000000")" = True ] || fail "max memory measured"
[ "$(json_get "$T/out" "json.loads(j['result'])['request_id'] == j['request_id']")" = True ] ||
  fail "request id in the context"
[ "$(json_get "$T/out" "json.loads(j['result'])['user_data']")" = hi ] || fail "getUserData"
[ "$(json_get "$T/out" "4000 < json.loads(j['result'])['remaining_ms'] <= 5000")" = True ] ||
  fail "getRemainingTimeInMilliSeconds"
json_get "$T/out" "j['isolation']['tier']" | grep -Eq '^T[012]$' || fail "tier reported"
[ ! -s "$T/err" ] || fail "--json prints nothing on stderr"
