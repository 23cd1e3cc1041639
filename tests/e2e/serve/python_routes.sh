# A Python function behind APIG routes: status, headers, text and binary bodies, path and query
# parameters round-trip as on the platform; unknown routes 404; a malformed answer 500.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/echo"
cat >"$T/echo/index.py" <<'PY'
import base64, json

def handler(event, context):
    q = event.get("queryStringParameters") or {}
    if q.get("malformed"):
        return {"body": "no status code"}
    body = base64.b64decode(event["body"]) if event.get("isBase64Encoded") else event["body"].encode()
    if q.get("raw"):
        return {"statusCode": int(q.get("status", "200")),
                "headers": {"Content-Type": "application/octet-stream", "X-Echo": "raw"},
                "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    print("echo for", context.getRequestID())
    info = {k: event[k] for k in ("httpMethod", "path", "pathParameters", "queryStringParameters")}
    info["headers"] = event["headers"]
    info["requestContext"] = event["requestContext"]
    info["text"] = body.decode("utf-8", "replace")
    return {"statusCode": int(q.get("status", "200")),
            "headers": {"Content-Type": "application/json", "X-Custom": "yes"},
            "body": json.dumps(info), "isBase64Encoded": False}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-e2e
functions:
  echo:
    runtime: Python3.10
    handler: index.handler
    code: echo
    triggers:
      - { type: APIG, path: /echo, method: ANY }
      - { type: APIG, path: "/users/{id}", method: GET }
      - { type: APIG, path: "/files/{path+}", method: ANY }
YAML
serve_start "$T/fstage.yaml"

[ "$(req "$T/r" GET '/echo?name=a%20b&x=1' -H 'X-Test: Hello')" = 200 ] || fail "GET /echo"
grep -qi '^x-custom: yes' "$T/r.h" || fail "response header"
grep -qi '^x-request-id: ' "$T/r.h" || fail "x-request-id header"
[ "$(json_get "$T/r" "j['queryStringParameters']['name']")" = "a b" ] || fail "query"
[ "$(json_get "$T/r" "j['headers']['x-test']")" = Hello ] || fail "lower-cased header"
[ "$(json_get "$T/r" "j['httpMethod']")" = GET ] || fail "method"
[ "$(json_get "$T/r" "j['requestContext']['sourceIp']")" = 127.0.0.1 ] || fail "sourceIp"
rid=$(json_get "$T/r" "j['requestContext']['requestId']")
grep -qi "^x-request-id: $rid" "$T/r.h" || fail "request id differs between event and header"

[ "$(req "$T/r" POST /echo --data-binary 'héllo text')" = 200 ] || fail "POST"
[ "$(json_get "$T/r" "j['text']")" = "héllo text" ] || fail "text body"
# A POST with neither a body nor Content-Length (curl -X POST without -d) has no body: it is
# answered at once with an empty one, not after a read timeout.
[ "$(req "$T/r" POST /echo --max-time 3)" = 200 ] || fail "POST without Content-Length"
[ "$(json_get "$T/r" "j['text']")" = "" ] || fail "body of a POST without one"

[ "$(req "$T/r" GET /users/42)" = 200 ] || fail "GET /users/42"
[ "$(json_get "$T/r" "j['pathParameters']['id']")" = 42 ] || fail "path parameter"
[ "$(req "$T/r" DELETE /users/42)" = 404 ] || fail "method not routed"
[ "$(req "$T/r" PUT /files/a/b/c.txt --data "")" = 200 ] || fail "greedy path"
[ "$(json_get "$T/r" "j['pathParameters']['path']")" = a/b/c.txt ] || fail "greedy parameter"
[ "$(req "$T/r" GET /nope)" = 404 ] || fail "unknown route"
assert_contains "$T/r" '"error_code":"APIG.0101"'

head -c 4096 /dev/urandom >"$T/bin"
[ "$(req "$T/r" POST '/echo?raw=1&status=201' --data-binary @"$T/bin" -H 'Content-Type: application/octet-stream')" = 201 ] ||
  fail "binary status"
cmp -s "$T/bin" "$T/r" || fail "binary body did not round-trip"
grep -qi '^content-type: application/octet-stream' "$T/r.h" || fail "binary content type"

[ "$(req "$T/r" GET '/echo?malformed=1')" = 500 ] || fail "malformed answer should be 500"

# Access log and function output carry the request id.
sleep 0.1
grep -q "\"type\":\"access\".*\"status\":200.*\"request_id\":\"$rid\"" "$T/serve.log" || fail "access log"
grep -q "\"type\":\"log\",\"function\":\"echo\",\"request_id\":\"[0-9a-f-]*\",\"line\":\"echo for " "$T/serve.log" ||
  { cat "$T/serve.log"; fail "function log line"; }
serve_stop TERM
