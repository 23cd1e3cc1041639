# Shared by the debug_*.sh scenarios: a debug session of `fstage invoke --debug-port`, driven
# by a real client from the host, as root and (when the test runs as root) rootless as nobody.
# shellcheck source=invoke.sh
. "$(dirname "$0")/lib/invoke.sh"
LIB="$FSTAGE_SOURCE_DIR/tests/e2e/invoke/lib"
export FSTAGE_NO_VERSION_WARNING=1

# A free TCP port on the host's loopback.
free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A listener on the host's loopback the function must NOT reach: its port in $HOST_PORT.
start_host_listener() {
  HOST_PORT=$(free_port)
  "$PYTHON" -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(600)' "$HOST_PORT" &
  HOST_LISTENER=$!
  trap 'kill $HOST_LISTENER 2>/dev/null; rm -rf "$T"' EXIT
}

# debug_session AS PROJECT_DIR FUNCTION EVENT_FILE PORT CLIENT...: runs `fstage invoke FUNCTION
# --debug-port PORT` in PROJECT_DIR (AS: "" or "nobody"), waits for the "debugger listening"
# line, runs CLIENT (its output in $T/client), then waits for fstage: its stdout in $T/out,
# stderr in $T/err. Fails when fstage or the client fails.
debug_session() {
  local as=$1 dir=$2 fn=$3 event=$4 port=$5
  shift 5
  local run=()
  [ "$as" = nobody ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T/nobody-home")
  (cd "$dir" && exec "${run[@]}" "$FSTAGE" invoke "$fn" -e "$event" --debug-port "$port") \
    >"$T/out" 2>"$T/err" &
  local pid=$! i
  for i in $(seq 600); do
    grep -q "debugger listening on 127.0.0.1:$port" "$T/err" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "debugger listening on 127.0.0.1:$port" "$T/err" ||
    { cat "$T/err"; kill "$pid" 2>/dev/null; fail "no 'debugger listening' line"; }
  local client_rc=0
  timeout 120 "$@" >"$T/client" 2>&1 || client_rc=$?
  local rc=0
  if [ "$client_rc" != 0 ]; then
    kill -INT "$pid" 2>/dev/null || true
  fi
  wait "$pid" || rc=$?
  echo "--- client"; cat "$T/client"
  [ "$client_rc" = 0 ] || { echo "--- stderr"; cat "$T/err"; fail "the debugger client failed ($client_rc)"; }
  [ "$rc" = 0 ] || { echo "--- stderr"; cat "$T/err"; fail "invoke under the debugger exited $rc"; }
  assert_contains "$T/err" "Timeout: suspended (debugger)"
}

# A project directory everyone may read and write (the rootless run builds in it).
make_project() {
  mkdir -p "$1"
  chmod 777 "$T" "$1"
  mkdir -p "$T/nobody-home"
  chmod 777 "$T/nobody-home"
}

# Whether this run can also go rootless: root, setpriv, and an fstage nobody may execute.
can_run_as_nobody() {
  [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$FSTAGE"
}
