# Shared by the serve scenarios: start `fstage serve` on a free port, wait until it listens,
# stop it with a signal and check that it left nothing running.
# shellcheck source=../../lib/common.sh
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
case "${T:-}" in /tmp/*|"${TMPDIR:-/tmp}"/*) ;; *) echo "no scratch dir" >&2; exit 1 ;; esac
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 (Python functions and JSON checks need it)"
command -v curl >/dev/null || skip "no curl"
SERVE_PID=
PORT=
trap 'serve_kill; rm -rf "$T"' EXIT

# serve_start MANIFEST [ARGS...]: starts serve with --json logs in $T/serve.log.
serve_start() {
  local manifest=$1; shift
  # Created here: the background job's redirections may not have run when sed first looks.
  : >"$T/serve.log"
  : >"$T/serve.err"
  "$FSTAGE" serve -f "$manifest" --port 0 --json "$@" >"$T/serve.log" 2>"$T/serve.err" &
  SERVE_PID=$!
  local i
  for i in $(seq 1 300); do
    PORT=$(sed -nE 's/.*"listening on http:\/\/[0-9.]+:([0-9]+).*/\1/p' "$T/serve.log" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || {
      cat "$T/serve.err" "$T/serve.log"; fail "serve exited before listening"; }
    sleep 0.05
  done
  cat "$T/serve.err" "$T/serve.log"; fail "serve did not listen within 15 s"
}

# descendants PID: every process below PID (sandboxes, runtimes).
descendants() {
  local p kids
  kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
  for p in $kids; do echo "$p"; descendants "$p"; done
}

# serve_stop [SIGNAL]: signals serve, expects exit 130 (interrupted, as every command) and no
# process of it left.
serve_stop() {
  local sig=${1:-TERM} pids rc=0 p
  pids=$(descendants "$SERVE_PID")
  kill -s "$sig" "$SERVE_PID"
  wait "$SERVE_PID" || rc=$?
  SERVE_PID=
  [ "$rc" = 130 ] || { cat "$T/serve.err"; tail -20 "$T/serve.log"; fail "serve exited $rc after SIG$sig"; }
  grep -q '^fstage: interrupted' "$T/serve.err" || { cat "$T/serve.err"; fail "serve did not say it was interrupted"; }
  sleep 0.1
  for p in $pids; do
    if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then
      ps -o pid,ppid,stat,args -p "$p" || true
      fail "process $p outlived serve"
    fi
  done
}

serve_kill() {
  if [ -n "$SERVE_PID" ]; then
    kill -KILL "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
}

URL() { echo "http://127.0.0.1:$PORT$1"; }
# req OUT METHOD PATH [CURL ARGS...]: body in OUT, headers in OUT.h; prints the status.
req() {
  local out=$1 method=$2 path=$3; shift 3
  curl -sS -o "$out" -D "$out.h" -w '%{http_code}' -X "$method" "$@" "$(URL "$path")"
}
json_get() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# The sandbox tier decides whether the platform's interpreter paths exist (HTTP functions).

# run_as_nobody PROJECT FN: the rootless path. Runs `FN nobody` with $FSTAGE running as nobody
# (setpriv, its own HOME) and PROJECT owned by nobody. Without root, setpriv or an fstage
# nobody may run it says so, and FSTAGE_TEST_REQUIRE=1 makes that a failure.
run_as_nobody() {
  local proj=$1 fn=$2 real=$FSTAGE
  if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
    ! setpriv --reuid=65534 --regid=65534 --clear-groups "$FSTAGE" --version >/dev/null 2>&1; then
    [ "${FSTAGE_TEST_REQUIRE:-}" != 1 ] ||
      fail "the rootless run needs root, setpriv and an fstage nobody may run (FSTAGE_TEST_REQUIRE=1)"
    echo "note: the rootless run needs root, setpriv and an fstage nobody may run; not run here"
    return 0
  fi
  mkdir -p "$T/nobody-home"
  chmod 755 "$T"
  chown -R 65534:65534 "$proj" "$T/nobody-home"
  cat >"$T/fstage-nobody" <<SH
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T/nobody-home" "$real" "\$@"
SH
  chmod 755 "$T/fstage-nobody"
  FSTAGE=$T/fstage-nobody
  "$fn" nobody
  FSTAGE=$real
}
