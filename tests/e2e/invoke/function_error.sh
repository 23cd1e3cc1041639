# A raised exception: the platform's error shape on stdout, exit 10.
. "$(dirname "$0")/lib/invoke.sh"
need_python
printf '{"why": "e2e"}' >"$T/event.json"
expect_exit 10 "$FSTAGE" invoke -f "$PY" fail -e "$T/event.json"
[ "$(json_get "$T/out" "j['errorType']")" = ValueError ] || fail "errorType"
[ "$(json_get "$T/out" "j['errorMessage']")" = "function invocation exception, error: bad input: e2e" ] || fail "errorMessage"
[ "$(json_get "$T/out" "len(j['stackTrace']) > 0")" = True ] || fail "stackTrace"
assert_contains "$T/err" "Status: function error"
