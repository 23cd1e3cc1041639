# A documented-style async Node.js handler with an initializer.
. "$(dirname "$0")/lib/invoke.sh"
need_node
expect_exit 0 "$FSTAGE" invoke -f "$NODE" hello
assert_contains "$T/out" 'hello world'
assert_contains "$T/err" "initializer ran"
grep -qE 'Z [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} INFO initializer ran' \
  "$T/err" || fail "initializer log line without a request id"
assert_contains "$T/err" "plain console.log goes to the log too"
assert_contains "$T/err" "REPORT RequestId: "
expect_exit 10 "$FSTAGE" invoke -f "$NODE" fail
[ "$(json_get "$T/out" "j['errorType']")" = TypeError ] || fail "errorType"
