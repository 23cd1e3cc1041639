# Ctrl-C during `fstage flow run`: in a Sleep waited for real (--real-time), in a slow
# function and in three parallel calls of one, SIGINT ends the run at once: exit 130 with
# "fstage: interrupted", the execution reported as `cancel` (--json), and no sandbox process
# or cgroup left behind.
. "$(dirname "$0")/lib/run.sh"
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh"
mkdir -p "$T/p/fn" && cd "$T/p"
cat >fn/index.py <<'PY'
import time

def quick(event, context):
    event["warm"] = True
    return event

def sleepy(event, context):
    print("sleeping", flush=True)
    time.sleep(60)
    return event
PY
cat >fstage.yaml <<'YAML'
name: flowsig
functions:
  quick: {runtime: Python3.10, handler: index.quick, code: fn}
  sleepy: {runtime: Python3.10, handler: index.sleepy, code: fn, timeout: 60}
flows:
  nap:
    start: first
    functions: [{name: quick, operation: quick}]
    constants: {}
    retries: []
    states:
      - id: first
        name: first
        type: Operation
        transition: wait
        actions: [{function_ref: {ref_name: quick}}]
      - {id: wait, name: wait, type: Sleep, duration: 3600, transition: done}
      - {id: done, name: done, type: End, end: true}
  slow:
    start: first
    functions: [{name: quick, operation: quick}, {name: sleepy, operation: sleepy}]
    constants: {}
    retries: []
    states:
      - id: first
        name: first
        type: Operation
        transition: call
        actions: [{function_ref: {ref_name: quick}}]
      - id: call
        name: call
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: sleepy}}]
      - {id: done, name: done, type: End, end: true}
  fan:
    start: three
    functions: [{name: sleepy, operation: sleepy}]
    constants: {}
    retries: []
    states:
      - id: three
        name: three
        type: Operation
        action_mode: parallel
        transition: done
        actions:
          - {function_ref: {ref_name: sleepy}}
          - {function_ref: {ref_name: sleepy}}
          - {function_ref: {ref_name: sleepy}}
      - {id: done, name: done, type: End, end: true}
YAML
"$FSTAGE" build -q >/dev/null 2>&1 || fail "build"

# start OUT ERR ARGS...: start_fstage, the previous run's files gone first (so that wait_for
# cannot find its lines in them before the new run truncates them).
start() {
  rm -f "$1" "$2"
  start_fstage "$@"
}
# wait_for FILE TEXT: until TEXT shows in FILE (10 s).
wait_for() {
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  cat "$1"
  fail "'$2' never showed in $1"
}

# Without --real-time, the hour's sleep is skipped in virtual time.
expect_exit 0 "$FSTAGE" flow run nap
assert_contains "$T/err" "slept 3600 s (virtual time)"
[ "$(json_get "$T/out" "j['warm']")" = True ] || fail "nap: output"

# --real-time: the Sleep waits until the signal.
start "$T/out" "$T/err" flow run nap --real-time --json
wait_for "$T/err" "wait .*start"
sleep 0.3
interrupt INT
expect_interrupted "SIGINT in a real-time Sleep" "$T/err" 2000
[ "$(json_get "$T/out" "j['status']")" = cancel ] || { cat "$T/out"; fail "nap: not reported as cancel"; }
assert_contains "$T/err" "SUMMARY Status: cancel"

# In a function that takes its time: its sandbox is killed, its cgroup removed.
for sig in INT TERM; do
  start "$T/out" "$T/err" flow run slow --json
  wait_for "$T/err" "sleeping"
  interrupt "$sig"
  expect_interrupted "SIG$sig in a slow function" "$T/err" 2000
  [ "$(json_get "$T/out" "j['status']")" = cancel ] || { cat "$T/out"; fail "slow: not cancel"; }
done

# Three instances of one function at once (parallel actions): every one is stopped.
start "$T/out" "$T/err" flow run fan --json
for _ in $(seq 200); do [ "$(grep -c sleeping "$T/err" 2>/dev/null)" = 3 ] && break; sleep 0.05; done
[ "$(grep -c sleeping "$T/err")" = 3 ] || { cat "$T/err"; fail "fan: three instances did not start"; }
interrupt INT
expect_interrupted "SIGINT with three instances running" "$T/err" 2000
[ "$(json_get "$T/out" "j['status']")" = cancel ] || { cat "$T/out"; fail "fan: not cancel"; }

# Text mode: the same exit, nothing on stdout.
start "$T/out" "$T/err" flow run slow
wait_for "$T/err" "sleeping"
interrupt INT
expect_interrupted "SIGINT in a slow function (text)" "$T/err" 2000
[ ! -s "$T/out" ] || { cat "$T/out"; fail "stdout should be empty"; }
echo "ok"
