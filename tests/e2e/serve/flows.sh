# Flows in `fstage serve`: the v2 execution routes on serve's port run the manifest's flows on
# the functions' warm pools: sync-executions answers an EXPRESS flow's result, executions
# starts a NORMAL one polled to success with the API's history shape, terminate cancels a
# running one (its function stopped), APIG and FLOWTIMER triggers start flows, an unknown flow or execution is the API's 404, a flow that does not validate
# is a warning naming it; SIGINT still leaves nothing behind.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def add(event, context):
    out = dict(event)
    out["n"] = event.get("n", 0) + 1
    out["run"] = context.getWorkflowRunID()
    return out

def slow(event, context):
    time.sleep(float(event.get("sleep", 0)))
    print("WOKE " + context.getWorkflowRunID())
    return {"slept": True}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-flows
functions:
  add: {runtime: Python3.10, handler: index.add, code: fn}
  slow: {runtime: Python3.10, handler: index.slow, code: fn, timeout: 10}
flows:
  fast:
    mode: EXPRESS
    triggers:
      - {trigger_name: http, trigger_type: APIG, trigger_config: {path: /fast, method: POST}}
    start: one
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: two, actions: [{function_ref: {ref_name: add}}]}
      - {id: two, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, type: End, end: true}
  long:
    triggers:
      - {trigger_name: http, trigger_type: APIG, trigger_config: {path: /long, method: POST}}
    start: one
    functions: [{name: add, operation: add}, {name: slow, operation: slow}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: wait, actions: [{function_ref: {ref_name: add}}]}
      - {id: wait, type: Operation, transition: done, actions: [{function_ref: {ref_name: slow}}]}
      - {id: done, type: End, end: true}
  ticker:
    mode: EXPRESS
    triggers:
      - {trigger_name: tick, trigger_type: FLOWTIMER, trigger_config: {schedule: "@every 1s", input: {n: 10}}}
    start: one
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, type: End, end: true}
  broken:
    start: nowhere
    functions: []
    constants: {}
    retries: []
    states:
      - {id: done, type: End, end: true}
YAML
serve_start "$T/fstage.yaml"
assert_contains "$T/serve.log" "flow 'broken' is not served"
assert_contains "$T/serve.log" 'flow fast (EXPRESS): POST /v2/{project_id}/fgs/workflows/fast/sync-executions'
W=/v2/p1/fgs/workflows
assert_contains "$T/serve.log" 'route POST /fast -> flow fast'
assert_contains "$T/serve.log" 'timer tick (@every 1s) -> flow ticker'

# The APIG trigger of an EXPRESS flow answers with the flow's output; the APIG event is its input.
code=$(req "$T/apig" POST /fast -H 'Content-Type: application/json' -d '{"hello": 1}')
[ "$code" = 200 ] || { cat "$T/apig"; fail "the EXPRESS flow's route answered $code"; }
[ "$(json_get "$T/apig" 'j["n"], j["httpMethod"], j["path"], __import__("base64").b64decode(j["body"]).decode()')" = '2 POST /fast {"hello": 1}' ] ||
  { cat "$T/apig"; fail "the EXPRESS flow's route output"; }
# A NORMAL flow's route answers 202 with the execution id.
code=$(req "$T/apig2" POST /long -d '{}')
[ "$code" = 202 ] || { cat "$T/apig2"; fail "the NORMAL flow's route answered $code"; }
json_get "$T/apig2" 'j["execution_id"]' >/dev/null || fail "no execution_id from the NORMAL route"

# sync-executions: the EXPRESS flow's output at once.
code=$(req "$T/sync" POST "$W/fast/sync-executions" -d '{"input": {"n": 1}}')
[ "$code" = 200 ] || { cat "$T/sync"; fail "sync-executions answered $code"; }
[ "$(json_get "$T/sync" 'j["status"]')" = success ] || { cat "$T/sync"; fail "sync status"; }
[ "$(json_get "$T/sync" 'j["output"]["n"]')" = 3 ] || { cat "$T/sync"; fail "sync output"; }
# The functions learn the run's id (X-Cff-Workflow-Run-Id) as under `fstage flow run`.
[ "$(json_get "$T/sync" 'j["output"]["run"] == j["execution_id"]')" = True ] || { cat "$T/sync"; fail "run id"; }
[ "$(json_get "$T/sync" 'sorted(j.keys())')" = "['begin_time', 'end_time', 'errors', 'execution_id', 'output', 'status']" ] ||
  { cat "$T/sync"; fail "sync answer's fields"; }
# A NORMAL flow is not started synchronously.
code=$(req "$T/bad" POST "$W/long/sync-executions" -d '{"input": {}}')
[ "$code" = 400 ] || fail "sync-executions of a NORMAL flow answered $code"

# executions: started in the background, polled until it ends.
code=$(req "$T/start" POST "$W/long/executions" -d '{"input": {"n": 5, "sleep": 0.2}, "headers": {"X-Trace": "t1"}}')
[ "$code" = 200 ] || { cat "$T/start"; fail "executions answered $code"; }
EID=$(json_get "$T/start" 'j["execution_id"]')
status=running
for _ in $(seq 1 100); do
  req "$T/show" GET "$W/long/executions/$EID" >/dev/null
  status=$(json_get "$T/show" 'j["status"]')
  [ "$status" = running ] || break
  sleep 0.1
done
[ "$status" = success ] || { cat "$T/show"; fail "the NORMAL execution ended $status"; }
"$PYTHON" - "$T/show" "$EID" <<'PYCHECK' || fail "history shape"
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("workflow_id", "workflow_urn", "execution_id", "status", "begin_time", "end_time",
          "last_update_time", "headers", "input", "output", "node_execution_details"):
    assert k in j, k
assert j["execution_id"] == sys.argv[2]
assert j["workflow_urn"].endswith(":p1:workflow:default:long:latest"), j["workflow_urn"]
assert j["input"] == {"n": 5, "sleep": 0.2}, j["input"]
assert j["headers"].get("X-Trace") == "t1", j["headers"]
assert j["output"] == {"slept": True}, j["output"]
nodes = [n["node_id"] for n in j["node_execution_details"]]
assert nodes == ["one", "wait", "done"], nodes
for n in j["node_execution_details"]:
    for k in ("node_id", "node_name", "execution_id", "executions"):
        assert k in n, k
    assert n["executions"], n
    a = n["executions"][0]
    for k in ("status", "input", "output", "begin_time", "end_time", "error_message", "request_id"):
        assert k in a, k
    assert a["status"] == "success"
PYCHECK
# The flow's stable local id names it as well as its name; the list has the execution.
WID=$(json_get "$T/show" 'j["workflow_id"]')
code=$(req "$T/list" GET "$W/$WID/executions")
[ "$code" = 200 ] || fail "list by the stable id answered $code"
json_get "$T/list" '[e["execution_id"] for e in j["executions"]]' | grep -q "$EID" || { cat "$T/list"; fail "list"; }

# terminate: a running flow ends cancel.
req "$T/start2" POST "$W/long/executions" -d '{"input": {"sleep": 2}}' >/dev/null
EID2=$(json_get "$T/start2" 'j["execution_id"]')
sleep 0.7
req "$T/live" GET "$W/long/executions/$EID2" >/dev/null
[ "$(json_get "$T/live" 'j["status"]')" = running ] || { cat "$T/live"; fail "not running while the function sleeps"; }
json_get "$T/live" '[n["node_id"] for n in j["node_execution_details"]]' | grep -q "'one'" ||
  { cat "$T/live"; fail "the live record has no node yet"; }
code=$(req "$T/term" POST "$W/long/executions/$EID2/terminate")
[ "$code" = 200 ] || fail "terminate answered $code"
for _ in $(seq 1 50); do
  req "$T/show2" GET "$W/long/executions/$EID2" >/dev/null
  status=$(json_get "$T/show2" 'j["status"]')
  [ "$status" = running ] || break
  sleep 0.1
done
[ "$status" = cancel ] || { cat "$T/show2"; fail "terminated execution ended $status"; }
# The sleeping function was stopped on its instance, not left to finish (the first run's
# line shows what finishing looks like).
sleep 2
assert_contains "$T/serve.log" "WOKE $EID"
assert_not_contains "$T/serve.log" "WOKE $EID2"

# Unknown flow and execution: the API's error shape, 404.
code=$(req "$T/nf" GET "$W/nope/executions")
[ "$code" = 404 ] || fail "unknown flow answered $code"
[ "$(json_get "$T/nf" 'sorted(j.keys())')" = "['error_code', 'error_msg']" ] || { cat "$T/nf"; fail "error shape"; }
code=$(req "$T/ne" GET "$W/long/executions/00000000-0000-4000-8000-000000000000")
[ "$code" = 404 ] || fail "unknown execution answered $code"

# The FLOWTIMER has fired (every second since serve started) with its input.
req "$T/ticks" GET "$W/ticker/executions" >/dev/null
TICK=$(json_get "$T/ticks" '[e["execution_id"] for e in j["executions"] if e["status"] == "success"][0]') ||
  { cat "$T/ticks"; tail -20 "$T/serve.log"; fail "no FLOWTIMER execution succeeded"; }
req "$T/tick" GET "$W/ticker/executions/$TICK" >/dev/null
[ "$(json_get "$T/tick" 'j["input"], j["output"]["n"]')" = "{'n': 10} 11" ] || { cat "$T/tick"; fail "FLOWTIMER input"; }

# SIGINT while a flow runs: serve drains, the run ends cancel, and nothing is left behind.
req "$T/start3" POST "$W/long/executions" -d '{"input": {"sleep": 1}}' >/dev/null
sleep 0.3
serve_stop INT
assert_contains "$T/serve.log" "$(json_get "$T/start3" 'j["execution_id"]'): cancel"
