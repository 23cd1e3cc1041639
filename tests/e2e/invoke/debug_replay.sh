# invoke --replay ID --debug-port: a request `fstage serve` kept runs again under the debugger.
# A DAP client attaches, stops at the handler's breakpoint and reads the replayed event (the
# APIG event serve built from the curl request: its path and header); the invocation then ends
# with its normal result.
. "$(dirname "$0")/lib/debug.sh"
need_python
export FSTAGE_PYTHON=/usr/bin/python3
/usr/bin/python3 -c 'import debugpy' 2>/dev/null ||
  [ -d /usr/lib/python3/dist-packages/debugpy ] || skip "debugpy is not installed (python3-debugpy)"
tier_has_namespaces || skip "no namespaces here: nothing to forward into (degraded tier)"
command -v curl >/dev/null || skip "no curl"

P="$T/proj"
make_project "$P"
cat >"$P/fstage.yaml" <<'YAML'
name: debug-replay
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    timeout: 3
    code: .
    triggers: [{ type: APIG, path: /hello, method: GET }]
YAML
cat >"$P/index.py" <<'PY'
def handler(event, context):
    tag = event["headers"].get("x-tag", "none")
    return {"statusCode": 200, "body": "tag " + tag}
PY
"$FSTAGE" serve -f "$P/fstage.yaml" --port 0 --json >"$T/serve.log" 2>"$T/serve.err" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; rm -rf "$T"' EXIT
for i in $(seq 300); do
  PORT=$(sed -nE 's/.*"listening on http:\/\/[0-9.]+:([0-9]+).*/\1/p' "$T/serve.log" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVE" 2>/dev/null || { cat "$T/serve.err"; fail "serve exited"; }
  sleep 0.05
done
[ -n "$PORT" ] || fail "serve did not listen"
curl -sS -D "$T/h" -H 'X-Tag: replayed' "http://127.0.0.1:$PORT/hello" >"$T/first"
assert_contains "$T/first" "tag replayed"
id=$(sed -nE 's/^[Xx]-[Rr]equest-[Ii]d: ([0-9a-f-]+).*/\1/p' "$T/h" | head -1)
[ -n "$id" ] || fail "no request id"

port=$(free_port)
(cd "$P" && exec "$FSTAGE" invoke --replay "$id" --debug-port "$port") >"$T/out" 2>"$T/err" &
pid=$!
for i in $(seq 600); do
  grep -q "debugger listening on 127.0.0.1:$port" "$T/err" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "debugger listening on 127.0.0.1:$port" "$T/err" || { cat "$T/err"; fail "no debugger"; }
client_rc=0
timeout 120 "$PYTHON" "$LIB/dap_client.py" "$port" "$P/index.py" 3 "$P" /opt/function/code \
  event "event['headers']['x-tag']" >"$T/client" 2>&1 || client_rc=$?
[ "$client_rc" = 0 ] || kill -INT "$pid" 2>/dev/null || true
rc=0
wait "$pid" || rc=$?
cat "$T/client"
[ "$client_rc" = 0 ] || { cat "$T/err"; fail "the debugger client failed ($client_rc)"; }
[ "$rc" = 0 ] || { cat "$T/err"; fail "the replay under the debugger exited $rc"; }
assert_contains "$T/client" "stopped $P/index.py:3"
assert_contains "$T/client" "eval event['headers']['x-tag'] = 'replayed'"
assert_contains "$T/out" "tag replayed"
