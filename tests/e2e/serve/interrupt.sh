# SIGINT and SIGTERM with a request in flight whose function sleeps: the client gets its answer
# (504 when its time is up), serve drains no longer than that request can still be answered
# (the APIG trigger's timeout or the function's, whichever ends first), then exits 130 and
# leaves no process and no cgroup. A second signal stops at once. A signal during the start-up
# build, or a rebuild under --watch, stops that too.
. "$(dirname "$0")/lib/serve.sh"
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh"
trap 'serve_kill; kill_fstage; rm -rf "$T"' EXIT
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def handler(event, context):
    time.sleep(60)
    return {"statusCode": 200, "body": "woke"}
PY
# /apig: the client gives up first (2 s), the function could run for 60 s.
# /fn: the function's own timeout (3 s) ends it before the client's (30 s).
cat >"$T/fstage.yaml" <<'YAML'
name: sig
functions:
  apig:
    runtime: Python3.10
    handler: index.handler
    code: fn
    timeout: 60
    triggers: [{ type: APIG, path: /apig, timeout: 2000 }]
  fn:
    runtime: Python3.10
    handler: index.handler
    code: fn
    timeout: 3
    triggers: [{ type: APIG, path: /fn, timeout: 30000 }]
YAML

# serve_with_request PATH: serve running, one request to PATH in flight (its status goes to
# $T/code when it ends); the function has had time to start.
serve_with_request() {
  serve_start "$T/fstage.yaml"
  FS_PID=$SERVE_PID
  SERVE_PID=
  ( req "$T/body" GET "$1" >"$T/code" 2>/dev/null || echo "$?" >"$T/code" ) &
  CLIENT=$!
  sleep 1
}

# 1. One signal: the drain lasts as long as the request can still be answered.
for sig in INT TERM; do
  serve_with_request /apig
  interrupt "$sig"
  wait "$CLIENT"
  [ "$(cat "$T/code")" = 504 ] || fail "SIG$sig: the client got $(cat "$T/code"), not its 504"
  expect_interrupted "SIG$sig with a request in flight" "$T/serve.err" 3000
  grep -q "\"SIG$sig: draining" "$T/serve.log" || fail "SIG$sig: no drain message"
  grep -q '"stopped"' "$T/serve.log" || fail "SIG$sig: no stop message"
done

# 2. The function's timeout ends the drain when it comes before the client's.
serve_with_request /fn
interrupt INT
wait "$CLIENT"
[ "$(cat "$T/code")" = 504 ] || fail "function timeout: the client got $(cat "$T/code"), not 504"
expect_interrupted "SIGINT with a request that times out" "$T/serve.err" 4000

# 3. A second signal stops at once, whichever it is, with nothing left behind.
for second in INT TERM; do
  serve_with_request /fn
  interrupt INT "$second"
  wait "$CLIENT" || true
  expect_interrupted "SIGINT then SIG$second" "$T/serve.err" 1500
  grep -q "second signal" "$T/serve.log" || fail "SIGINT then SIG$second: not logged"
done

# 4. Random moments: before, during and after the start of the instance; one or two signals.
for i in 1 2 3 4; do
  serve_start "$T/fstage.yaml"
  FS_PID=$SERVE_PID
  SERVE_PID=
  ( req "$T/body" GET /apig >/dev/null 2>&1 || true ) &
  CLIENT=$!
  delay=$(random_delay 0 1500)
  sleep "$delay"
  if [ $((RANDOM % 2)) = 0 ]; then
    interrupt TERM
    expect_interrupted "SIGTERM ${delay}s after a request (run $i)" "$T/serve.err" 3000
  else
    interrupt INT INT
    expect_interrupted "two SIGINTs ${delay}s after a request (run $i)" "$T/serve.err" 1500
  fi
  wait "$CLIENT" || true
done

# 5. During the start-up build: the build step is stopped, serve exits 130.
mkdir -p "$T/b"
cp "$T/fn/index.py" "$T/b/"
cat >"$T/b/fstage.yaml" <<'YAML'
name: slowbuild
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    code: .
    build: sleep 30
    triggers: [{ type: APIG, path: /f }]
YAML
start_fstage "$T/b.out" "$T/b.err" serve -f "$T/b/fstage.yaml" --port 0
sleep 1
interrupt INT
expect_interrupted "SIGINT during the start-up build" "$T/b.err" 3000
[ ! -e "$T/b/.fstage/build/f/staging" ] || fail "the build's staging directory was left"

# 6. During a rebuild (--watch): the signal does not wait for the build to end.
sed -i 's/build: sleep 30/build: if [ -e slow ]; then sleep 30; fi/' "$T/b/fstage.yaml"
serve_start "$T/b/fstage.yaml" --watch
FS_PID=$SERVE_PID
SERVE_PID=
touch "$T/b/slow"
builds() { grep -c '"build f:' "$T/serve.log" || true; }
for _ in $(seq 100); do [ "$(builds)" -ge 2 ] && break; sleep 0.05; done
[ "$(builds)" -ge 2 ] || { cat "$T/serve.log"; fail "--watch did not rebuild"; }
sleep 0.5
interrupt INT
expect_interrupted "SIGINT during a rebuild" "$T/serve.err" 3000
echo "ok"
