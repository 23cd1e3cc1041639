#!/usr/bin/env bash
# Ctrl-C during `fstage flow test`, while a case's real function runs: exit 130 at once, no
# verdict printed for the cut case, no later case started, no JUnit report half-written, and
# no sandbox process or cgroup left behind.
. "$(dirname "$0")/lib/test.sh"
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh"
mkdir -p "$T/p/fn" && cd "$T/p"
cat >fn/index.py <<'PY'
import time

def sleepy(event, context):
    print("sleeping", flush=True)
    time.sleep(60)
    return event
PY
cat >fstage.yaml <<'YAML'
name: flowsig
functions:
  sleepy: {runtime: Python3.10, handler: index.sleepy, code: fn, timeout: 60}
flows:
  slow:
    start: call
    functions: [{name: sleepy, operation: sleepy}]
    constants: {}
    retries: []
    states:
      - {id: call, name: call, type: Operation, transition: done, actions: [{function_ref: {ref_name: sleepy}}]}
      - {id: done, name: done, type: End, end: true}
YAML
mkdir -p flows
cat >flows/slow.test.yaml <<'YAML'
cases:
  - name: mocked first
    mocks:
      call: {"0": {result: {}}}
  - name: the real one
  - name: never reached
    mocks:
      call: {"0": {result: {}}}
YAML
"$FSTAGE" build -q >/dev/null 2>&1 || fail "build"

for sig in INT TERM; do
  rm -f "$T/out" "$T/err" report.xml
  start_fstage "$T/out" "$T/err" -v flow test --junit report.xml
  for _ in $(seq 200); do grep -q sleeping "$T/err" 2>/dev/null && break; sleep 0.05; done
  grep -q sleeping "$T/err" || { cat "$T/out" "$T/err"; fail "the real function never started"; }
  interrupt "$sig"
  expect_interrupted "SIG$sig in a case's real function" "$T/err" 2000
  assert_contains "$T/out" "  PASS  mocked first"
  assert_not_contains "$T/out" "the real one"
  assert_not_contains "$T/out" "never reached"
  [ ! -e report.xml ] || fail "an interrupted run wrote a JUnit report"
done
echo ok
