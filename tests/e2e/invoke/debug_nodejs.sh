# invoke --debug-port with Node.js: the function starts under the V8 inspector (--inspect-brk)
# inside the sandbox; a Chrome DevTools Protocol client on the host (lib/cdp_client.py, a
# WebSocket in Python's stdlib: Node 20 has no WebSocket client of its own) attaches through
# the one forwarded port, sets a breakpoint on the host's file through the path mapping, stops
# there, reads the event from the frame's locals, resumes, and the invocation ends with its
# normal result. The sandbox stays isolated. As root and rootless (nobody).
. "$(dirname "$0")/lib/debug.sh"
need_node
node=$(command -v node)
export FSTAGE_NODE=$node
tier_has_namespaces || skip "no namespaces here: nothing to forward into (degraded tier)"
start_host_listener

P="$T/proj"
make_project "$P"
cat >"$P/fstage.yaml" <<'YAML'
name: debug-nodejs
functions:
  hello:
    runtime: Node.js20.15
    handler: index.handler
    memory: 256
    timeout: 3
    code: .
YAML
cat >"$P/index.js" <<'JS'
const fs = require('fs');
const net = require('net');

exports.handler = async (event, context) => {
  const greeting = 'hello ' + event.name;
  return { greeting, host: await reach(event.host_port), code: writeCode() };
};

function reach(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve('reached'); });
    s.on('error', (e) => resolve(e.code));
  });
}

function writeCode() {
  try { fs.writeFileSync('/opt/function/code/x', ''); return 'writable'; } catch (e) { return e.code; }
}
JS
echo "{\"name\": \"dbg\", \"host_port\": $HOST_PORT}" >"$P/event.json"

check() {
  local port
  port=$(free_port)
  debug_session "$1" "$P" hello "$P/event.json" "$port" \
    "$PYTHON" "$LIB/cdp_client.py" "$port" "$P/index.js" 5 "$P" /opt/function/code event "event.name"
  assert_contains "$T/err" "debugger listening on 127.0.0.1:$port (nodejs/inspector); path mapping $P -> /opt/function/code"
  assert_contains "$T/client" "stopped file:///opt/function/code/index.js:5"
  assert_contains "$T/client" "local event = {\"name\":\"dbg\",\"host_port\":$HOST_PORT}"
  assert_contains "$T/client" 'eval event.name = "dbg"'
  [ "$(json_get "$T/out" "j['greeting']")" = "hello dbg" ] || fail "result: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['host']")" = ECONNREFUSED ] || fail "host loopback reached: $(cat "$T/out")"
  [ "$(json_get "$T/out" "j['code']")" = EROFS ] || fail "code writable: $(cat "$T/out")"
  echo "ok: $1 nodejs/inspector session"
}
check root
if can_run_as_nobody && setpriv --reuid=65534 --regid=65534 --clear-groups "$node" -e 0 2>/dev/null; then
  check nobody
else
  echo "SKIP (part): not root, or nobody cannot run $FSTAGE or $node: the rootless session is not exercised"
fi
