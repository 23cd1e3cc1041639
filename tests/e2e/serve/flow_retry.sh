# The retry of a failed execution in `fstage serve` resumes as the platform's does: at the
# state that failed, on the input it had; the states before it do not run again and keep
# their nodes in the history. (A warm instance keeps its module's globals, which is how the
# functions below count their calls.)
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
calls = {"a": 0, "b": 0}

def a(event, context):
    calls["a"] += 1
    return {"a_calls": calls["a"], "order": event.get("order")}

def b(event, context):
    calls["b"] += 1
    if calls["b"] == 1:
        raise RuntimeError("not yet")
    return {"got": event, "b_calls": calls["b"]}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-flow-retry
functions:
  a: {runtime: Python3.10, handler: index.a, code: fn}
  b: {runtime: Python3.10, handler: index.b, code: fn}
flows:
  twostep:
    start: first
    functions: [{name: a, operation: a}, {name: b, operation: b}]
    constants: {}
    retries: []
    states:
      - {id: first, type: Operation, transition: second, actions: [{function_ref: {ref_name: a}}]}
      - {id: second, type: Operation, transition: done, actions: [{function_ref: {ref_name: b}}]}
      - {id: done, type: End, end: true}
YAML
serve_start "$T/fstage.yaml"
W=/v2/p1/fgs/workflows/twostep
wait_end() {
  for _ in $(seq 100); do
    req "$T/show" GET "$W/executions/$1" >/dev/null
    [ "$(json_get "$T/show" 'j["status"]')" != running ] && return 0
    sleep 0.05
  done
  fail "execution $1 did not end"
}
[ "$(req "$T/start" POST "$W/executions" -H 'Content-Type: application/json' -d '{"input": {"order": 7}}')" = 200 ] || fail "start"
run=$(json_get "$T/start" 'j["execution_id"]')
wait_end "$run"
[ "$(json_get "$T/show" 'j["status"], j["fstage"]["error"]["state"]')" = "fail second" ] || { cat "$T/show"; fail "the first run"; }
begin=$(json_get "$T/show" 'j["begin_time"]')

[ "$(req "$T/retry" POST "$W/executions/$run/retry")" = 200 ] || { cat "$T/retry"; fail "retry"; }
wait_end "$run"
[ "$(json_get "$T/show" 'j["status"]')" = success ] || { cat "$T/show"; fail "the retry did not succeed"; }
# `first` ran once: its output (a_calls 1) is what `second` got on the retry.
[ "$(json_get "$T/show" 'json.dumps(j["output"], sort_keys=True)')" = '{"b_calls": 2, "got": {"a_calls": 1, "order": 7}}' ] ||
  { cat "$T/show"; fail "the retry's output"; }
[ "$(json_get "$T/show" '" ".join(n["node_id"] for n in j["node_execution_details"])')" = "first second done" ] ||
  { cat "$T/show"; fail "the retried history's nodes"; }
[ "$(json_get "$T/show" 'len(j["node_execution_details"][0]["executions"])')" = 1 ] || fail "first ran again"
[ "$(json_get "$T/show" '" ".join(j["fstage"]["path"])')" = "first second done" ] || { cat "$T/show"; fail "path"; }
[ "$(json_get "$T/show" 'j["begin_time"], j["input"]["order"]')" = "$begin 7" ] || { cat "$T/show"; fail "begin time and input kept"; }
serve_stop TERM
