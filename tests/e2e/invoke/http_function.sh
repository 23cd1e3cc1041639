# An HTTP function: the bootstrap starts a server on 127.0.0.1:8000; an APIG event becomes
# the HTTP request, with the platform's X-CFF-* headers.
. "$(dirname "$0")/lib/invoke.sh"
need_python
tier_has_namespaces || skip "the platform's interpreter paths need a sandbox root (degraded tier)"
HTTP="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/http/fstage.yaml"
expect_exit 0 "$FSTAGE" invoke -f "$HTTP" web --trigger apig --set path=/hello --json
[ "$(json_get "$T/out" "json.loads(j['result'])['statusCode']")" = 200 ] || fail "status"
# The platform's result for an HTTP function: the body base64 (PLATFORM.md §1.7).
body() {
  "$PYTHON" -c "import base64,json,sys; j=json.load(open(sys.argv[1])); print(json.loads(base64.b64decode(json.loads(j['result'])['body']))$1)" "$T/out"
}
[ "$(body "['path'].split('?')[0]")" = /hello ] || fail "path: $(body "['path']")"
[ "$(body "['request_id'] == j['request_id']")" = True ] || fail "X-CFF-Request-Id"
[ "$(body "['func_name']")" = web ] || fail "X-CFF-Func-Name"
[ "$(body "['greeting']")" = hello ] || fail "environment"
