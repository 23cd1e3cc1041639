# The platform's synchronous invoke route on serve's port (issue 22 item 2): a client written
# as the SDK calls FunctionGraph (signed, tests/fakecloud/sign.py; or unsigned) invokes the
# manifest's functions through POST /v2/{project}/fgs/functions/{urn}/invocations and gets the
# API's answer: {result (a string), log, status, request_id}, its headers, the log's tail on
# X-Cff-Log-Type: tail, a function error flagged X-Is-Func-Err; an unknown function, a version
# serve does not have, a body that is not JSON and a bad signature get the API's errors.
# `fstage remote invoke`, pointed at serve, works unchanged.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def hello(event, context):
    print("hello from", context.getFunctionName())
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"greeting": "hi " + event.get("name", "?")}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: invoke-api
functions:
  hello: {runtime: Python3.10, handler: index.hello, code: fn, env: {TOKEN: SECRET_VALUE}}
YAML
AK=AKLOCALTEST000000000
SK=SKLOCALTEST0000000000000000000000000000
PID=0123456789abcdef0123456789abcdef
export XDG_CONFIG_HOME=$T/config
HUAWEICLOUD_SDK_AK=$AK HUAWEICLOUD_SDK_SK=$SK serve_start "$T/fstage.yaml"
URN="urn:fss:cn-north-4:$PID:function:default:hello:latest"
cat >"$T/client.py" <<'PY'
import base64, json, sys, urllib.request, urllib.error
sys.path.insert(0, sys.argv[1])
import sign
base, ak, sk, path, body, tail = sys.argv[2:8]
url = base + path
data = body.encode()
headers = sign.sign_headers(ak, sk, "POST", url, data, "0123456789abcdef0123456789abcdef") if ak else {"content-type": "application/json"}
if tail == "tail":
    headers["X-Cff-Log-Type"] = "tail"
req = urllib.request.Request(url, data=data, method="POST", headers=headers)
try:
    with urllib.request.urlopen(req, timeout=20) as r:
        status, text, h = r.status, r.read(), r.headers
except urllib.error.HTTPError as e:
    status, text, h = e.code, e.read(), e.headers
out = {"status": status, "body": json.loads(text), "headers": {k.lower(): v for k, v in h.items()}}
if "x-cff-function-log" in out["headers"]:
    out["tail"] = base64.b64decode(out["headers"]["x-cff-function-log"]).decode()
print(json.dumps(out))
PY
call() { "$PYTHON" "$T/client.py" "$FSTAGE_SOURCE_DIR/tests/fakecloud" "http://127.0.0.1:$PORT" "$@" >"$T/r"; }
get() { json_get "$T/r" "$1"; }

# Signed, as the SDK sends it, with the log's tail.
call "$AK" "$SK" "/v2/$PID/fgs/functions/$URN/invocations" '{"name": "sdk"}' tail
[ "$(get 'j["status"], j["body"]["status"], json.loads(j["body"]["result"])["greeting"]')" = "200 200 hi sdk" ] ||
  { cat "$T/r"; fail "the signed invocation"; }
[ "$(get 'j["headers"]["x-cff-request-id"] == j["body"]["request_id"], j["headers"]["x-is-func-err"], j["headers"]["x-func-err-code"]')" = "True false 0" ] ||
  { cat "$T/r"; fail "the invocation's headers"; }
[ "$(get '"hello from hello" in j["body"]["log"] and "hello from hello" in j["tail"]')" = True ] || { cat "$T/r"; fail "the log's tail"; }
[ "$(get 'int(j["headers"]["x-cff-billing-duration"]) >= 0')" = True ] || fail "billing duration"

# Unsigned, by name, without the tail.
call "" "" "/v2/$PID/fgs/functions/hello/invocations" '{"name": "plain"}' no
[ "$(get 'json.loads(j["body"]["result"])["greeting"], j["body"]["log"], "tail" in j')" = "hi plain  False" ] || { cat "$T/r"; fail "unsigned"; }

# A function error: 200 with the error as the result, flagged.
call "" "" "/v2/$PID/fgs/functions/$URN/invocations" '{"fail": true}' no
[ "$(get 'j["status"], j["headers"]["x-is-func-err"], json.loads(j["body"]["result"])["errorType"], "asked to fail" in j["body"]["result"]')" = "200 true ValueError True" ] ||
  { cat "$T/r"; fail "a function error"; }

# The API's errors.
call "" "" "/v2/$PID/fgs/functions/urn:fss:cn-north-4:$PID:function:default:nope:latest/invocations" '{}' no
[ "$(get 'j["status"], j["body"]["error_code"]')" = "404 FSS.1051" ] || { cat "$T/r"; fail "unknown function"; }
call "" "" "/v2/$PID/fgs/functions/urn:fss:cn-north-4:$PID:function:default:hello:v3/invocations" '{}' no
[ "$(get 'j["status"], j["body"]["error_code"]')" = "404 FSS.1052" ] || { cat "$T/r"; fail "unknown version"; }
call "" "" "/v2/$PID/fgs/functions/$URN/invocations" '{not json' no
[ "$(get 'j["status"], j["body"]["error_code"]')" = "400 FSS.0400" ] || { cat "$T/r"; fail "bad JSON"; }
call "$AK" wrongsecret "/v2/$PID/fgs/functions/$URN/invocations" '{}' no
[ "$(get 'j["status"], j["body"]["error_code"]')" = "401 APIGW.0301" ] || { cat "$T/r"; fail "bad signature"; }

# fstage's own client, pointed at serve: it reads the function's config (its timeout), then
# invokes; the config shows no environment value.
printf '{"name": "remote"}' | HUAWEICLOUD_SDK_AK=$AK HUAWEICLOUD_SDK_SK=$SK HUAWEICLOUD_SDK_PROJECT_ID=$PID \
  "$FSTAGE" remote invoke hello --endpoint "http://127.0.0.1:$PORT" --region cn-north-4 \
  -f "$T/fstage.yaml" -e - >"$T/out" 2>"$T/err" ||
  { cat "$T/out" "$T/err"; fail "remote invoke against serve"; }
assert_contains "$T/out" '"greeting": "hi remote"'
[ "$(req "$T/cfg" GET "/v2/$PID/fgs/functions/$URN/config")" = 200 ] || fail "config"
[ "$(json_get "$T/cfg" 'j["func_name"], j["runtime"], j["timeout"], j["user_data"]')" = "hello Python3.10 3 {}" ] ||
  { cat "$T/cfg"; fail "the config"; }
assert_not_contains "$T/cfg" "SECRET_VALUE"
serve_stop TERM
