# An HTTP function's response read as any HTTP client must: a body that ends when the server
# closes (Python's http.server default), chunked, or by Content-Length; a body cut short is an
# error, never an empty success. The result is the platform's: base64 body, header arrays.
. "$(dirname "$0")/lib/invoke.sh"
need_python
tier_has_namespaces || skip "the platform's interpreter paths need a sandbox root (degraded tier)"
HTTP10="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/http10/fstage.yaml"
# res EXPR: EXPR on the function's result in $T/out (r), base64 and json imported.
res() {
  "$PYTHON" -c "import base64,json,sys; j=json.load(open(sys.argv[1])); r=json.loads(j['result']); print($1)" "$T/out"
}

expect_exit 0 "$FSTAGE" invoke -f "$HTTP10" --trigger apig --set path=/close --json
[ "$(res "r['isBase64Encoded']")" = True ] || fail "isBase64Encoded"
body=$(res "base64.b64decode(r['body']).decode()")
[ "${#body}" = 100008 ] || fail "body of ${#body} bytes, want 100008 (read until the close)"
[ "${body:0:5}${body: -3}" = startend ] || fail "body: ${body:0:20}...${body: -20}"
[ "$(res "r['headers']['Set-Cookie']")" = "['a=1', 'b=2']" ] || fail "Set-Cookie: $(res "r['headers']")"
[ "$(res "'Date' in r['headers'] and 'Server' in r['headers']")" = True ] || fail "Date, Server kept"

expect_exit 0 "$FSTAGE" invoke -f "$HTTP10" --trigger apig --set path=/chunked --json
[ "$(res "base64.b64decode(r['body']).decode()")" = "hello chunked world" ] || fail "chunked"

expect_exit 10 "$FSTAGE" invoke -f "$HTTP10" --trigger apig --set path=/short --json
assert_contains "$T/out" "without a complete response"

# --trigger apig aims at the function's own route: GET /items/{id}.
expect_exit 0 "$FSTAGE" invoke -f "$HTTP10" --trigger apig --set pathParameters.id=7 --json
[ "$(res "base64.b64decode(r['body']).decode()")" = "GET /items/7" ] || fail "route: $(res "r")"
