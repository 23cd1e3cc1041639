# The Python Context property for property as the platform's runtime (issue 17 item 3).
. "$(dirname "$0")/lib/invoke.sh"
need_python
F="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python-fidelity/fstage.yaml"
expect_exit 0 "$FSTAGE" invoke -f "$F" context --json
r="j['result']"
[ "$(json_get "$T/out" "repr(json.loads($r)['memory'])")" = "'256'" ] || fail "getMemorySize()"
[ "$(json_get "$T/out" "repr(json.loads($r)['cpu'])")" = "'400'" ] || fail "getCPUNumber()"
[ "$(json_get "$T/out" "json.loads($r)['running_time']")" = 5000 ] || fail "getRunningTimeInSeconds()"
[ "$(json_get "$T/out" "json.loads($r)['attrs']")" = \
  "['context', 'local', 'default', 'latest', '256', '400', 5000, True, {'greeting': 'hi'}, '', '', None, None]" ] ||
  fail "attributes: $(json_get "$T/out" "json.loads($r)['attrs']")"
[ "$(json_get "$T/out" "json.loads($r)['snake']")" = "[True, True, None, {'n': 1}, {'n': 1}]" ] ||
  fail "snake_case methods: $(json_get "$T/out" "json.loads($r)['snake']")"
[ "$(json_get "$T/out" "json.loads($r)['camel']")" = "[True, True]" ] || fail "camelCase extras"
[ "$(json_get "$T/out" "json.loads($r)['user_data']")" = hi ] || fail "getUserData"
[ "$(json_get "$T/out" "json.loads($r)['no_default']")" = True ] || fail "getUserData(key, default)"
[ "$(json_get "$T/out" "json.loads($r)['no_log_method']")" = False ] || fail "private helpers"
