# API Gateway's mapping, request and answer: form fields stay in the body, repeated query keys
# keep every value, a function error answers with the gateway's code and the request id (the
# stack trace goes to the log), a body over 6 MB gets the gateway's 413 with a request id and
# an access line, and an OPTIONS preflight follows the APIG trigger's `cors`.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import base64, json

def echo(event, context):
    keep = ("queryStringParameters", "multiValueQueryStringParameters", "body", "httpMethod")
    info = {k: event.get(k) for k in keep}
    info["text"] = base64.b64decode(event["body"]).decode()
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(info), "isBase64Encoded": False}

def fail(event, context):
    raise ValueError("secret detail")
PY
cat >"$T/fstage.yaml" <<'YAML'
name: apig-mapping
functions:
  echo:
    runtime: Python3.10
    handler: index.echo
    code: fn
    triggers:
      - { type: APIG, path: /echo, method: POST, cors: true }
      - { type: APIG, path: /plain, method: POST }
  boom:
    runtime: Python3.10
    handler: index.fail
    code: fn
    triggers: [{ type: APIG, path: /boom, method: GET }]
YAML
serve_start "$T/fstage.yaml"

# A form body: its fields stay in the body, the query holds only the URL's.
[ "$(req "$T/r" POST '/echo?tag=a&tag=b&q=1' --data 'user=alice&pw=x')" = 200 ] || fail "POST"
[ "$(json_get "$T/r" "j['text']")" = "user=alice&pw=x" ] || fail "body: $(cat "$T/r")"
[ "$(json_get "$T/r" "sorted(j['queryStringParameters'].items())")" = "[('q', '1'), ('tag', 'b')]" ] ||
  fail "queryStringParameters: $(cat "$T/r")"
[ "$(json_get "$T/r" "j['multiValueQueryStringParameters']['tag']")" = "['a', 'b']" ] ||
  fail "multiValueQueryStringParameters: $(cat "$T/r")"
grep -qi '^access-control-allow-origin: \*' "$T/r.h" || fail "CORS header on a cors route's answer"
# A form body over 8 KB is a body like any other (the gateway takes up to 6 MB).
"$PYTHON" -c "print('f=' + 'v' * 20000, end='')" >"$T/form"
[ "$(req "$T/r" POST /echo --data-binary @"$T/form" \
  -H 'Content-Type: application/x-www-form-urlencoded')" = 200 ] || { cat "$T/r"; fail "20 kB form"; }
[ "$(json_get "$T/r" "len(j['text'])")" = 20002 ] || fail "20 kB form body"
# A multipart body reaches the function whole.
[ "$(req "$T/r" POST /echo -F 'note=hello' -F 'file=@'"$T/form")" = 200 ] || fail "multipart"
[ "$(json_get "$T/r" "'name=\"note\"\r\n\r\nhello\r\n' in j['text']")" = True ] ||
  fail "multipart part: $(head -c 300 "$T/r")"
[ "$(json_get "$T/r" "'filename=\"form\"' in j['text'] and 'v' * 20000 in j['text']")" = True ] ||
  fail "multipart file: $(head -c 300 "$T/r")"

# A function error: the gateway's error and request id; the trace only in the log.
[ "$(req "$T/r" GET /boom)" = 502 ] || { cat "$T/r"; fail "function error status"; }
[ "$(json_get "$T/r" "j['error_code']")" = APIG.0202 ] || fail "error code: $(cat "$T/r")"
id=$(json_get "$T/r" "j['request_id']")
[ -n "$id" ] || fail "no request id"
assert_not_contains "$T/r" "secret detail"
assert_not_contains "$T/r" "Traceback"
grep -q "secret detail" "$T/serve.log" || fail "the error is not in the log"

# 7 MB: API Gateway's 413 with a request id, and an access line for it.
head -c 7000000 /dev/zero | tr '\0' a >"$T/big"
[ "$(req "$T/r" POST /echo --data-binary @"$T/big")" = 413 ] || { cat "$T/r"; fail "413"; }
[ "$(json_get "$T/r" "j['error_code']")" = APIG.0201 ] || fail "413 body: $(cat "$T/r")"
id=$(json_get "$T/r" "j['request_id']")
grep -q "\"status\":413.*$id\|$id.*\"status\":413" "$T/serve.log" || {
  tail -5 "$T/serve.log"; fail "no access line for the 413"; }

# Preflight: the gateway answers for a cors route; without cors there is no such API.
[ "$(req "$T/r" OPTIONS /echo -H 'Origin: http://localhost:3000' \
  -H 'Access-Control-Request-Method: POST')" = 200 ] || { cat "$T/r"; fail "preflight"; }
grep -qi '^access-control-allow-methods: .*POST' "$T/r.h" || fail "preflight methods"
grep -qi '^access-control-max-age: 172800' "$T/r.h" || fail "preflight max-age"
[ "$(req "$T/r" OPTIONS /plain -H 'Origin: http://localhost:3000' \
  -H 'Access-Control-Request-Method: POST')" = 404 ] || fail "preflight without cors"
serve_stop INT
