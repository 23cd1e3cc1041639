# A program using the platform's workflow execution routes, signed like the SDK
# (SDK-HMAC-SHA256, tests/fakecloud/sign.py), against `fstage serve`: it starts a NORMAL flow,
# polls it and reads ShowWorkflowExecution's shape. A signature is checked against the local
# credentials when present (a wrong key, a tampered body or an unknown AK is the API's 401
# APIGW.0301); unsigned requests are accepted; without local credentials a signed request is
# refused with the fix.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
printf 'def add(event, context):\n    return {"n": event.get("n", 0) + 1}\n' >"$T/fn/index.py"
cat >"$T/fstage.yaml" <<'YAML'
name: signed
functions:
  add: {runtime: Python3.10, handler: index.add, code: fn}
flows:
  twice:
    start: one
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: two, actions: [{function_ref: {ref_name: add}}]}
      - {id: two, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, type: End, end: true}
YAML
AK=AKLOCALTEST000000000
SK=SKLOCALTEST0000000000000000000000000000
export XDG_CONFIG_HOME=$T/config
cat >"$T/client.py" <<'PY'
import json, sys, time, urllib.request, urllib.error
sys.path.insert(0, sys.argv[1])
import sign
base, ak, sk, mode = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
PID = "0123456789abcdef0123456789abcdef"

def call(method, path, body=None, signed=True, tamper=False):
    data = b"" if body is None else json.dumps(body).encode()
    url = base + "/v2/" + PID + "/fgs/workflows/twice" + path
    headers = sign.sign_headers(ak, sk, method, url, data, PID) if signed else {"content-type": "application/json"}
    if tamper:
        data = data.replace(b"1", b"2")
    req = urllib.request.Request(url, data=data or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")

if mode == "flow":
    code, started = call("POST", "/executions", {"input": {"n": 1}})
    assert code == 200, (code, started)
    eid = started["execution_id"]
    for _ in range(200):
        code, shown = call("GET", "/executions/" + eid)
        assert code == 200, (code, shown)
        if shown["status"] != "running":
            break
        time.sleep(0.05)
    want = {"workflow_id", "workflow_urn", "execution_id", "status", "begin_time", "end_time",
            "last_update_time", "headers", "input", "output", "node_execution_details"}
    assert want <= set(shown), sorted(want - set(shown))
    assert shown["status"] == "success" and shown["output"] == {"n": 3}, shown
    node = shown["node_execution_details"][0]
    assert {"node_id", "node_name", "execution_id", "executions"} <= set(node), node
    assert {"status", "input", "output", "begin_time", "end_time", "error_message",
            "request_id"} <= set(node["executions"][0]), node["executions"][0]
    code, listed = call("GET", "/executions")
    assert code == 200 and eid in [e["execution_id"] for e in listed["executions"]], listed
    code, _ = call("POST", "/executions", {"input": {"n": 1}}, signed=False)
    assert code == 200, "unsigned"
    print("signed flow ok")
else:  # the answer to one signed start, as "code error_code error_msg"
    code, body = call("POST", "/executions", {"input": {"n": 1}}, tamper=(mode == "tamper"))
    print(code, body.get("error_code", ""), body.get("error_msg", ""))
PY
client() { "$PYTHON" "$T/client.py" "$FSTAGE_SOURCE_DIR/tests/fakecloud" "http://127.0.0.1:$PORT" "$@"; }

HUAWEICLOUD_SDK_AK=$AK HUAWEICLOUD_SDK_SK=$SK serve_start "$T/fstage.yaml"
client "$AK" "$SK" flow >"$T/out" 2>&1 || { cat "$T/out"; fail "the signed client"; }
out=$(client "$AK" wrongsecret one)
case "$out" in "401 APIGW.0301 Incorrect IAM authentication information: signature rejected: the signature does not match"*) ;; *) fail "wrong SK: $out" ;; esac
out=$(client "$AK" "$SK" tamper)
case "$out" in "401 APIGW.0301 "*"signature rejected"*) ;; *) fail "tampered body: $out" ;; esac
out=$(client AKSOMEONEELSE0000000 "$SK" one)
case "$out" in "401 APIGW.0301 "*"the access key is not the local profile's (environment"*) ;; *) fail "other AK: $out" ;; esac
assert_contains "$T/serve.log" "signature rejected"
assert_not_contains "$T/serve.log" "$SK"
serve_stop TERM

# No local credentials: a signed request is refused, saying how to fix it.
unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK
serve_start "$T/fstage.yaml"
out=$(client "$AK" "$SK" one)
case "$out" in "401 APIGW.0301 "*"no local credentials to check it against"*) ;; *) fail "no credentials: $out" ;; esac
assert_contains "$T/serve.log" "fstage configure"
serve_stop TERM
