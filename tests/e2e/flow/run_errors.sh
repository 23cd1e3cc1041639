# Failures in a flow, with real functions: a function that fails twice and then succeeds is
# retried per its retry_ref and the flow recovers; one that times out, one whose runtime exits
# and one that runs out of memory each fail their state with the platform's error type
# (FunctionTimeout, RuntimeExited, OutOfMemory, as `fstage invoke` reports them), and the
# on_errors route that names that type takes the flow to a compensating state. Unhandled, the
# flow fails (exit 14), or times out for a function timeout (exit 11); a sandbox that cannot
# start is exit 13. --json gives the API's ShowWorkflowExecution shape.
. "$(dirname "$0")/lib/run.sh"
mkdir -p "$T/p/fn" && cd "$T/p"
cat >fn/index.py <<'PY'
import os, time

calls = 0

def flaky(event, context):
    # A module global: every attempt lands on the same warm instance, so it counts them.
    global calls
    calls += 1
    if calls < 3:
        raise RuntimeError("not yet, call %d" % calls)
    return {"recovered_after": calls}

def slow(event, context):
    time.sleep(10)
    return {"never": True}

def crash(event, context):
    os._exit(3)

def hog(event, context):
    h = []
    for _ in range(1024):
        h.append(bytearray(1 << 20))
    return len(h)

def fixer(event, context):
    return {"compensated": True, "state": context.getWorkflowStateID()}
PY
fn() {  # NAME HANDLER [TIMEOUT]
  printf '  %s:\n    runtime: Python3.10\n    handler: index.%s\n    code: fn\n    memory: 128\n    timeout: %s\n' "$1" "$2" "${3:-3}"
}
# failing_flow NAME FUNCTION ERROR: FUNCTION's state routes ERROR to a compensating state.
failing_flow() {
  cat <<YAML
  $1:
    start: call
    functions: [{name: target, operation: $2}, {name: fix, operation: fixer}]
    constants: {}
    retries: []
    states:
      - id: call
        name: call
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: target}}]
        on_errors: [{error: $3, transition: compensate}]
      - id: compensate
        name: compensate
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: fix}}]
      - {id: done, name: done, type: End, end: true}
YAML
}
{
  echo "name: flowerrors"
  echo "functions:"
  fn flaky flaky
  fn slow slow 3
  fn crash crash
  fn hog hog 10
  fn fixer fixer
  echo "flows:"
  cat <<'YAML'
  recover:
    start: try
    functions: [{name: flaky, operation: flaky}]
    constants: {}
    retries: [{name: thrice, delay: 1, max_attempts: 3}]
    states:
      - id: try
        name: try
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: flaky}}]
        on_errors: [{error: RuntimeError, retry_ref: thrice}]
      - {id: done, name: done, type: End, end: true}
  unhandled_crash:
    start: call
    functions: [{name: target, operation: crash}]
    constants: {}
    retries: []
    states:
      - id: call
        name: call
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: target}}]
      - {id: done, name: done, type: End, end: true}
  unhandled_timeout:
    start: call
    functions: [{name: target, operation: slow}]
    constants: {}
    retries: []
    states:
      - id: call
        name: call
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: target}}]
      - {id: done, name: done, type: End, end: true}
YAML
  failing_flow on_timeout slow FunctionTimeout
  failing_flow on_crash crash RuntimeExited
  failing_flow on_oom hog OutOfMemory
} >fstage.yaml

# Retry, then recover: two failed attempts and a third that succeeds, on one warm instance.
expect_exit 0 "$FSTAGE" flow run recover --json
[ "$(json_get "$T/out" "j['status']")" = success ] || fail "recover: status"
[ "$(node_attempts "$T/out" try)" = "fail,fail,success" ] || { cat "$T/out"; fail "recover: attempts"; }
[ "$(json_get "$T/out" "j['output']['recovered_after']")" = 3 ] || fail "recover: output"
assert_contains "$T/err" "fail  RuntimeError: "
assert_contains "$T/err" "not yet, call 1"
assert_contains "$T/err" "flaky #3"
assert_contains "$T/err" "retry delay 1 s (virtual time)"
assert_contains "$T/err" "Attempts: 3"

# The API's ShowWorkflowExecution shape, every attempt with its times and request id.
"$PYTHON" - "$T/out" <<'PY' || fail "--json shape"
import json, re, sys
j = json.load(open(sys.argv[1]))
for k in ["workflow_id", "workflow_urn", "execution_id", "status", "begin_time", "end_time",
          "last_update_time", "headers", "input", "output", "node_execution_details"]:
    assert k in j, k
assert j["workflow_urn"].startswith("urn:fss:") and ":workflow:" in j["workflow_urn"], j["workflow_urn"]
ids = [n["node_id"] for n in j["node_execution_details"]]
assert ids == ["try", "done"], ids
for n in j["node_execution_details"]:
    for k in ["node_id", "node_name", "execution_id", "executions"]:
        assert k in n, (k, n)
    for a in n["executions"]:
        for k in ["status", "input", "output", "begin_time", "end_time", "error_message", "request_id"]:
            assert k in a, (k, a)
        # Node times are UTC epoch milliseconds (FLOW.md §3).
        assert isinstance(a["begin_time"], int) and a["end_time"] >= a["begin_time"], a
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", j["begin_time"]), j["begin_time"]
tries = j["node_execution_details"][0]["executions"]
assert all(a["request_id"] for a in tries), tries
assert len({a["request_id"] for a in tries}) == 3, "one request id per attempt"
assert "not yet, call 1" in tries[0]["error_message"], tries[0]
# fstage's figures beside the API's: each attempt's function, error type and duration.
figs = [a for a in j["fstage"]["attempts"] if a["node_id"] == "try"]
assert [a["error_type"] for a in figs] == ["RuntimeError", "RuntimeError", ""], figs
assert all(a["function"] == "flaky" for a in figs), figs
assert j["fstage"]["path"] == ["try", "done"], j["fstage"]["path"]
print("shape ok")
PY

# Each platform error fails its state with that error's type, and on_errors takes it.
# (A timed-out attempt's node status is the API's `timeout`; the others `fail`.)
for case in on_timeout:FunctionTimeout:timeout on_crash:RuntimeExited:fail on_oom:OutOfMemory:fail; do
  IFS=: read -r flow type status <<<"$case"
  expect_exit 0 "$FSTAGE" flow run "$flow" --json
  [ "$(json_get "$T/out" "j['status']")" = success ] || fail "$flow: status"
  [ "$(node_attempts "$T/out" call)" = "$status" ] || { cat "$T/out"; fail "$flow: call's attempts"; }
  [ "$(node_attempts "$T/out" compensate)" = success ] || fail "$flow: not compensated"
  [ "$(json_get "$T/out" "j['output']['compensated']")" = True ] || fail "$flow: output"
  assert_contains "$T/err" "$type"
  [ "$(json_get "$T/out" "[a['error_type'] for a in j['fstage']['attempts'] if a['node_id'] == 'call']")" = "['$type']" ] ||
    { cat "$T/out"; fail "$flow: the state's error is not $type"; }
done

# Unhandled: the flow fails, exit 14, the error named on stderr; --json says the same.
expect_exit 14 "$FSTAGE" flow run unhandled_crash
assert_contains "$T/err" "RuntimeExited"
assert_contains "$T/err" "SUMMARY Status: fail"
assert_contains "$T/err" "at state 'call'"
[ ! -s "$T/out" ] || { cat "$T/out"; fail "a failed flow has no output on stdout"; }
expect_exit 14 "$FSTAGE" flow run unhandled_crash --json
[ "$(json_get "$T/out" "j['status']")" = fail ] || fail "unhandled --json: status"
[ "$(json_get "$T/out" "j['fstage']['error']['error_type']")" = RuntimeExited ] || fail "unhandled: error"
# A function timeout nothing handles times the flow out: exit 11, status timeout.
expect_exit 11 "$FSTAGE" flow run unhandled_timeout
assert_contains "$T/err" "FunctionTimeout"
assert_contains "$T/err" "SUMMARY Status: timeout"
expect_exit 11 "$FSTAGE" flow run unhandled_timeout --json
[ "$(json_get "$T/out" "j['status']")" = timeout ] || fail "unhandled timeout --json: status"
# A sandbox that cannot start the function (a Go handler without its execute bit) is no
# error of the flow's: on_errors "*" does not take it, and the run ends as a sandbox failure,
# exit 13.
mkdir -p "$T/sb/go" && printf 'not a program\n' >"$T/sb/go/handler" && chmod 644 "$T/sb/go/handler"
cat >"$T/sb/fstage.yaml" <<'YAML'
name: flowsandbox
functions:
  g: {runtime: Go1.x, handler: handler, code: go}
flows:
  one:
    start: s
    functions: [{name: g, operation: g}]
    constants: {}
    retries: []
    states:
      - id: s
        name: s
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: g}}]
        on_errors: [{error: "*", transition: done}]
      - {id: done, name: done, type: End, end: true}
YAML
expect_exit 13 "$FSTAGE" flow run -f "$T/sb/fstage.yaml" one
assert_contains "$T/err" "SandboxError: cannot execute"
expect_exit 13 "$FSTAGE" flow run -f "$T/sb/fstage.yaml" one --json
[ "$(json_get "$T/out" "j['fstage']['sandbox_failure']")" = True ] || { cat "$T/out"; fail "sandbox_failure"; }
[ "$(json_get "$T/out" "j['fstage']['path']")" = "['s']" ] || fail "on_errors took a sandbox failure"
echo "ok"
