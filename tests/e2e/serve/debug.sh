# serve --debug FUNC:PORT: that function's one instance runs under its debugger (debugpy here),
# the request waits for it (the route's timeout does not apply), a DAP client on the host stops
# at a breakpoint in the handler with the APIG event in a local, continues, and the HTTP client
# gets the function's normal answer. The other functions are served as usual.
. "$(dirname "$0")/lib/serve.sh"
export FSTAGE_PYTHON=/usr/bin/python3 FSTAGE_NO_VERSION_WARNING=1
[ -d /usr/lib/python3/dist-packages/debugpy ] || /usr/bin/python3 -c 'import debugpy' 2>/dev/null ||
  skip "debugpy is not installed (python3-debugpy)"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def handler(event, context):
    path = event["path"]
    return {"statusCode": 200, "body": "hello from " + path}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-debug
functions:
  held:
    runtime: Python3.10
    handler: index.handler
    timeout: 3
    code: fn
    triggers:
      - type: APIG
        path: /held
        method: GET
        timeout: 1000
  free:
    runtime: Python3.10
    handler: index.handler
    timeout: 3
    code: fn
    triggers:
      - type: APIG
        path: /free
        method: GET
YAML
dport=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve_start "$T/fstage.yaml" --debug "held:$dport"
[ "$(req "$T/free" GET /free)" = 200 ] || fail "the function not debugged: $(cat "$T/free")"
req "$T/held" GET /held >"$T/held.code" &
curl_pid=$!
for _ in $(seq 300); do
  grep -q "debugger listening on 127.0.0.1:$dport" "$T/serve.log" && break
  sleep 0.1
done
grep -q "debugger listening on 127.0.0.1:$dport (python/debugpy); path mapping $T/fn -> /opt/function/code" "$T/serve.log" ||
  { cat "$T/serve.log" "$T/serve.err"; fail "no 'debugger listening' line"; }
timeout 60 "$PYTHON" "$FSTAGE_SOURCE_DIR/tests/e2e/invoke/lib/dap_client.py" "$dport" "$T/fn/index.py" 2 \
  "$T/fn" /opt/function/code event "event['httpMethod']" >"$T/client" 2>&1 || { cat "$T/client"; fail "DAP client"; }
cat "$T/client"
assert_contains "$T/client" "stopped $T/fn/index.py:2"
assert_contains "$T/client" "local event = {"
assert_contains "$T/client" "eval event['httpMethod'] = 'GET'"
wait "$curl_pid"
[ "$(cat "$T/held.code")" = 200 ] || fail "held: $(cat "$T/held.code") $(cat "$T/held")"
assert_contains "$T/held" "hello from /held"
serve_stop
