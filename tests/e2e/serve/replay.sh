# serve keeps the last requests of each function (GET /_fstage/requests[?function=F],
# GET /_fstage/requests/{id}: the event as the function got it) and `fstage invoke --replay ID`
# runs one again locally, finding serve by --url or .fstage/serve.json; an unknown id, no
# serve, or --replay with another event are clear errors.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import base64, json

def echo(event, context):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return {"statusCode": 200, "body": json.dumps({"body": body,
            "path": event.get("path"), "x_test": (event.get("headers") or {}).get("x-test")})}

def other(event, context):
    return {"statusCode": 200, "body": "other"}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: replay
functions:
  echo:
    runtime: Python3.10
    handler: index.echo
    code: fn
    env: {SECRET_TOKEN: do-not-write-me}
    triggers: [{ type: APIG, path: /echo, method: POST }]
  other:
    runtime: Python3.10
    handler: index.other
    code: fn
    triggers: [{ type: APIG, path: /other, method: GET }]
YAML
serve_start "$T/fstage.yaml"
[ "$(req "$T/r" POST /echo -H 'X-Test: from-curl' -d 'hello-replay')" = 200 ] || {
  cat "$T/r"; fail "POST /echo"; }
id=$(sed -nE 's/^[Xx]-[Rr]equest-[Ii]d: ([0-9a-f-]+).*/\1/p' "$T/r.h" | head -1)
[ -n "$id" ] || { cat "$T/r.h"; fail "no X-Request-Id"; }
[ "$(req "$T/r" GET /other)" = 200 ] || fail "GET /other"

[ "$(req "$T/list" GET /_fstage/requests)" = 200 ] || { cat "$T/list"; fail "list"; }
[ "$(json_get "$T/list" 'len(j["requests"])')" = 2 ] || { cat "$T/list"; fail "want 2 kept"; }
[ "$(json_get "$T/list" 'j["requests"][1]["request_id"]')" = "$id" ] || {
  cat "$T/list"; fail "newest first, the echo request second"; }
[ "$(req "$T/list" GET '/_fstage/requests?function=echo')" = 200 ] || fail "list echo"
[ "$(json_get "$T/list" '[r["function"] for r in j["requests"]]')" = "['echo']" ] || {
  cat "$T/list"; fail "?function=echo"; }
[ "$(req "$T/one" GET "/_fstage/requests/$id")" = 200 ] || { cat "$T/one"; fail "show"; }
[ "$(json_get "$T/one" '__import__("base64").b64decode(json.loads(j["event"])["body"]).decode()')" = hello-replay ] || {
  cat "$T/one"; fail "the event as the function got it"; }
[ "$(req "$T/r" GET /_fstage/requests/nope)" = 404 ] || fail "unknown id should be 404"

# The replay: the same event, run locally by `fstage invoke`, its result on stdout.
cd "$T"
expect_exit 0 "$FSTAGE" invoke --replay "$id" --url "$(URL '')"
assert_contains "$T/out" 'hello-replay'
assert_contains "$T/out" 'from-curl'
assert_contains "$T/out" '/echo'
assert_contains "$T/err" "REPORT RequestId:"
# Without --url: the address the running serve wrote to .fstage/serve.json.
[ -s "$T/.fstage/serve.json" ] || fail "serve wrote no .fstage/serve.json"
expect_exit 0 "$FSTAGE" invoke --replay "$id" --json
[ "$(json_get "$T/out" 'json.loads(json.loads(j["result"])["body"])["body"]')" = hello-replay ] || {
  cat "$T/out"; fail "--replay --json"; }

expect_exit 4 "$FSTAGE" invoke --replay 00000000-0000-0000-0000-000000000000 --url "$(URL '')"
assert_contains "$T/err" "does not keep request"
expect_exit 2 "$FSTAGE" invoke --replay "$id" --url "$(URL '')" -e /dev/null
assert_contains "$T/err" "drop --event"
expect_exit 2 "$FSTAGE" invoke other --replay "$id" --url "$(URL '')"
assert_contains "$T/err" "went to function 'echo'"
expect_exit 22 "$FSTAGE" invoke --replay "$id" --url http://127.0.0.1:9
assert_contains "$T/err" "cannot reach fstage serve at http://127.0.0.1:9"
expect_exit 2 "$FSTAGE" invoke echo --url "$(URL '')"

# Only the last 20 requests of a function are kept.
for i in $(seq 1 25); do req "$T/r" GET /other >/dev/null; done
req "$T/list" GET '/_fstage/requests?function=other' >/dev/null
[ "$(json_get "$T/list" 'len(j["requests"])')" = 20 ] || { cat "$T/list"; fail "want the last 20"; }
# An environment value is never written anywhere by serve.
! grep -rq do-not-write-me "$T/.fstage" 2>/dev/null || fail "an environment value was written to .fstage"
serve_stop TERM
