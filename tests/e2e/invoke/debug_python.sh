# invoke --debug-port with Python: the function starts under debugpy inside the sandbox; a DAP
# client on the host (lib/dap_client.py) attaches through the one forwarded port, stops at a
# breakpoint set on the host's file (path mapping), reads the event from the frame's locals,
# continues, and the invocation ends with its normal result. The sandbox stays isolated: the
# host's loopback is out of reach and the code read-only. As root and rootless (nobody).
. "$(dirname "$0")/lib/debug.sh"
need_python
export FSTAGE_PYTHON=/usr/bin/python3
/usr/bin/python3 -c 'import debugpy' 2>/dev/null ||
  [ -d /usr/lib/python3/dist-packages/debugpy ] || skip "debugpy is not installed (python3-debugpy)"
tier_has_namespaces || skip "no namespaces here: nothing to forward into (degraded tier)"
start_host_listener

P="$T/proj"
make_project "$P"
cat >"$P/fstage.yaml" <<'YAML'
name: debug-python
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    memory: 256
    timeout: 3
    code: .
YAML
cat >"$P/index.py" <<'PY'
import errno, socket


def handler(event, context):
    greeting = "hello " + event["name"]
    return {"greeting": greeting, "host": reach(event["host_port"]), "code": write_code()}


def reach(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return "reached"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def write_code():
    try:
        open("/opt/function/code/x", "w").close()
        return "writable"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))
PY
echo "{\"name\": \"dbg\", \"host_port\": $HOST_PORT}" >"$P/event.json"

check() {
  local port
  port=$(free_port)
  debug_session "$1" "$P" hello "$P/event.json" "$port" \
    "$PYTHON" "$LIB/dap_client.py" "$port" "$P/index.py" 5 "$P" /opt/function/code event "event['name']"
  assert_contains "$T/err" "debugger listening on 127.0.0.1:$port (python/debugpy); path mapping $P -> /opt/function/code"
  assert_contains "$T/client" "stopped $P/index.py:5"
  assert_contains "$T/client" "local event = {'name': 'dbg', 'host_port': $HOST_PORT}"
  assert_contains "$T/client" "eval event['name'] = 'dbg'"
  [ "$(json_get "$T/out" "j['greeting']")" = "hello dbg" ] || fail "result: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['host']")" = ECONNREFUSED ] || fail "host loopback reached: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['code']")" = EROFS ] || fail "code writable: $(cat "$T/out")"
  echo "ok: $1 python/debugpy session"
}
check root
if can_run_as_nobody; then
  check nobody
else
  echo "SKIP (part): not root, or nobody cannot run $FSTAGE: the rootless session is not exercised"
fi

# Without namespaces (the degraded tier) there is nothing to forward: debugpy listens on the
# host's loopback itself, and the mapping names the code tree the function runs from.
port=$(free_port)
export FSTAGE_SANDBOX_DISABLE=namespaces
debug_session root "$P" hello "$P/event.json" "$port" bash -c '
  remote=$(sed -nE "s/.*path mapping .* -> (.*); the function.*/\1/p" "$1/err")
  exec "$2" "$3/dap_client.py" "$4" "$5/index.py" 5 "$5" "$remote" event "event[\"name\"]"' \
  _ "$T" "$PYTHON" "$LIB" "$port" "$P"
unset FSTAGE_SANDBOX_DISABLE
assert_contains "$T/err" "path mapping $P -> $P/.fstage/build/hello/tree-"
assert_contains "$T/client" "stopped $P/index.py:5"
assert_contains "$T/client" "eval event[\"name\"] = 'dbg'"
[ "$(json_get "$T/out" "j['greeting']")" = "hello dbg" ] || fail "result: $(cat "$T/out")"
echo "ok: degraded tier python/debugpy session"
