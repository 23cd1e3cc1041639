# Node.js as the platform's runtime (issue 17 items 2, 3, 9): log lines with the level and
# 90 KiB lines split, the Context's properties and types, errors with the platform's prefixes,
# the user's frames only, a non-Error rejection typed UserFunctionError.
. "$(dirname "$0")/lib/invoke.sh"
need_node
F="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/nodejs-fidelity/fstage.yaml"
expect_exit 0 "$FSTAGE" invoke -f "$F" logs
assert_contains "$T/out" 'undefined'  # the platform's logger has no log()
line() { grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z [0-9a-f-]{36} $1\$" "$T/err" ||
  { cut -c1-200 "$T/err"; fail "no log line '$1'"; }; }
line 'INFO Initializing: logs'
line 'DEBUG shown at DEBUG'
line 'WARN careful 2'
line 'ERROR broken'
assert_not_contains "$T/err" 'hidden at INFO'
[ "$(grep -cE ' INFO x+$' "$T/err")" = 2 ] || fail "long line not split in two"

expect_exit 0 "$FSTAGE" invoke -f "$F" context --json
r="json.loads(j['result'])"
[ "$(json_get "$T/out" "$r['requestID']")" = True ] || fail "requestID"
[ "$(json_get "$T/out" "'requestId' in $r")" = False ] || fail "requestId exists"
[ "$(json_get "$T/out" "$r['props']")" = \
  "['context', 'local', 'default', 'latest', '256', '400', {'greeting': 'hi'}, 5000, 'number', True, True, '', '', '', '', None, None, None]" ] ||
  fail "properties: $(json_get "$T/out" "$r['props']")"
[ "$(json_get "$T/out" "repr($r['memory']), repr($r['cpu']), $r['running_time']")" = "'256' '400' 5000" ] ||
  fail "types: $(json_get "$T/out" "repr($r['memory']), repr($r['cpu']), $r['running_time']")"
[ "$(json_get "$T/out" "$r['user_data']")" = hi ] || fail "getUserData"
[ "$(json_get "$T/out" "$r['extras']")" = "[True, True]" ] || fail "extras"
[ "$(json_get "$T/out" "$r['keys']")" = "['accessKey', 'alias', 'authToken', 'cpu', 'fromTask', 'functionName', 'functionVersion', 'instanceID', 'invokeID', 'invokeProperty', 'logger', 'memory', 'package', 'projectID', 'requestID', 'secretKey', 'securityAccessKey', 'securitySecretKey', 'securityToken', 'startTime', 'state', 'timeout', 'traceID', 'userData', 'workflowID', 'workflowRunID', 'workflowStateID']" ] ||
  fail "keys: $(json_get "$T/out" "$r['keys']")"

expect_exit 10 "$FSTAGE" invoke -f "$F" throws
[ "$(json_get "$T/out" "j['errorMessage']")" = "function invocation exception, error: bad input: 1" ] ||
  fail "errorMessage: $(cat "$T/out")"
[ "$(json_get "$T/out" "j['errorType']")" = TypeError ] || fail "errorType"
[ "$(json_get "$T/out" "[l.split(' (')[0] for l in j['stackTrace']]")" = "['at helper', 'at exports.throws']" ] ||
  fail "stackTrace: $(json_get "$T/out" "j['stackTrace']")"
assert_contains "$T/out" "(./index.js:"
assert_not_contains "$T/out" "bootstrap.js"
assert_contains "$T/err" "ERROR bad input: 1"

expect_exit 10 "$FSTAGE" invoke -f "$F" rejectString
[ "$(json_get "$T/out" "(j['errorType'], j['errorMessage'])")" = \
  "('UserFunctionError', 'function invocation exception, error: plain string')" ] ||
  fail "non-Error rejection: $(cat "$T/out")"

expect_exit 10 "$FSTAGE" invoke -f "$F" callbackError
[ "$(json_get "$T/out" "(j['errorMessage'], j['errorType'], 'stackTrace' in j)")" = \
  "('function entry exception, error: via callback', 'Error', False)" ] ||
  fail "callback error: $(cat "$T/out")"

expect_exit 10 "$FSTAGE" invoke -f "$F" missing
[ "$(json_get "$T/out" "(j['errorMessage'], j['errorType'])")" = \
  "(\"function entry exception, error: handler 'nothere' not found in module './index.js'\", 'FunctionConfigError')" ] ||
  fail "missing handler: $(cat "$T/out")"
expect_exit 10 "$FSTAGE" invoke -f "$F" badinit
assert_contains "$T/out" "function initialization exception: no database"
