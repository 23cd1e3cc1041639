# The workflow callback route in `fstage serve` (FLOW.md §3): a state whose action has
# invoke_mode: callback (fstage's local extension, the console's callback node) runs its
# function, which learns its run and state ids from the Context API, then waits until
# POST …/workflows/{id}/callback names them; success carries the state's output on, fail is
# routed by on_errors as CallbackFailed; bad callbacks get the API's error shape; terminate
# ends a wait; `flow run` says that only serve answers callbacks; deploy refuses the mode.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def ask(event, context):
    # What a real function does: hands its run and state ids to whoever calls back.
    print("TICKET run=%s state=%s" % (context.getWorkflowRunID(), context.getWorkflowStateID()),
          flush=True)
    return {"asked": True}

def after(event, context):
    return {"after": event}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: callbacks
functions:
  ask: {runtime: Python3.10, handler: index.ask, code: fn}
  after: {runtime: Python3.10, handler: index.after, code: fn}
flows:
  approve:
    start: wait
    functions: [{name: ask, operation: ask}, {name: after, operation: after}]
    constants: {}
    retries: []
    states:
      - id: wait
        type: Operation
        transition: next
        actions: [{function_ref: {ref_name: ask, invoke_mode: callback}}]
        on_errors: [{error: CallbackFailed, transition: rejected}]
      - {id: next, type: Operation, transition: done, actions: [{function_ref: {ref_name: after}}]}
      - {id: rejected, type: End, end: true}
      - {id: done, type: End, end: true}
YAML
serve_start "$T/fstage.yaml"
W=/v2/p1/fgs/workflows/approve

start() {
  [ "$(req "$T/start" POST "$W/executions" -H 'Content-Type: application/json' -d '{"input": {}}')" = 200 ] ||
    fail "start: $(cat "$T/start")"
  json_get "$T/start" 'j["execution_id"]'
}
# Waits until the function of `wait` printed the ticket of run $1.
ticket() {
  for _ in $(seq 100); do
    grep -q "TICKET run=$1 " "$T/serve.log" && return 0
    sleep 0.05
  done
  fail "no ticket for run $1"
}
status_of() { req "$T/show" GET "$W/executions/$1" >/dev/null; json_get "$T/show" 'j["status"]'; }
wait_status() {
  for _ in $(seq 100); do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  fail "execution $1 is $(status_of "$1"), not $2"
}
callback() { # run state body -> http code, answer in $T/cb
  req "$T/cb" POST "$W/callback" -H 'Content-Type: application/json' \
    -H "X-Workflow-Run-Id: $1" -H "X-Workflow-State-Id: $2" -d "$3"
}

# success: the callback's output is the state's, the flow goes on with it.
run=$(start)
ticket "$run"
assert_contains "$T/serve.log" "TICKET run=$run state=wait"
sleep 0.2
[ "$(status_of "$run")" = running ] || fail "the run does not wait for its callback"
[ "$(callback "$run" next '{"result": "success", "output": {}}')" = 400 ] || fail "a state that does not wait"
assert_contains "$T/cb" "state next of execution $run is not waiting for a callback"
[ "$(callback "$run" wait '{"result": "maybe"}')" = 400 ] || fail "a bad result"
assert_contains "$T/cb" 'result must be \"success\" or \"fail\"'
[ "$(callback "$run" wait '{"result": "success", "outptu": 1}')" = 400 ] || fail "an unknown field"
assert_contains "$T/cb" "unknown field 'outptu'"
[ "$(req "$T/cb" POST "$W/callback" -d '{"result": "success"}')" = 400 ] || fail "no headers"
assert_contains "$T/cb" '"error_code":"FSS.0400"'
[ "$(callback nosuchrun wait '{"result": "success"}')" = 404 ] || fail "an unknown run"
[ "$(callback "$run" wait '{"result": "success", "output": {"approved": "yes"}}')" = 200 ] ||
  fail "callback: $(cat "$T/cb")"
[ "$(json_get "$T/cb" 'j["execution_id"]')" = "$run" ] || fail "the callback's answer"
wait_status "$run" success
[ "$(json_get "$T/show" 'json.dumps(j["output"])')" = '{"after": {"approved": "yes"}}' ] ||
  fail "output: $(cat "$T/show")"
[ "$(callback "$run" wait '{"result": "success"}')" = 400 ] || fail "a second callback"

# fail: routed by on_errors as CallbackFailed.
run=$(start)
ticket "$run"
[ "$(callback "$run" wait '{"result": "fail", "error": "the manager said no"}')" = 200 ] || fail "fail callback"
wait_status "$run" success
[ "$(json_get "$T/show" 'j["node_execution_details"][0]["executions"][0]["error_message"]')" = "the manager said no" ] ||
  fail "the failed callback's error: $(cat "$T/show")"
[ "$(json_get "$T/show" '[n["node_id"] for n in j["node_execution_details"]][-1]')" = rejected ] ||
  fail "on_errors did not route CallbackFailed"

# terminate ends a wait.
run=$(start)
ticket "$run"
[ "$(req "$T/t" POST "$W/executions/$run/terminate")" = 200 ] || fail "terminate"
wait_status "$run" cancel
serve_stop TERM

# `flow run` has no callback route: it says which command has.
out=$("$FSTAGE" flow run approve -f "$T/fstage.yaml" 2>&1) && fail "flow run of a callback state succeeded"
case "$out" in *"waits for a callback (invoke_mode: callback), which only \`fstage serve\` answers"*) ;; *) fail "flow run: $out" ;; esac
