# `fstage flow run` inputs and options: -i FILE and -i - (stdin), the default {}, --state ID
# (one state alone on the given input), --header (the start's headers in the record),
# --merge-parameters, choosing the flow, and the exit codes for what prevents a run: 3 for input that is not
# JSON or a definition that does not validate, 4 for an unknown flow or state, 2 for usage.
. "$(dirname "$0")/lib/run.sh"
mkdir -p "$T/p/fn" && cd "$T/p"
cat >fn/index.py <<'PY'
def fresh(event, context):
    return {"fresh": True}

def add(event, context):
    event.setdefault("seen", []).append(context.getWorkflowStateID())
    return event
PY
cat >fstage.yaml <<'YAML'
name: flowstate
functions:
  add: {runtime: Python3.10, handler: index.add, code: fn}
  fresh: {runtime: Python3.10, handler: index.fresh, code: fn}
flows:
  merge:
    start: f
    functions: [{name: fresh, operation: fresh}]
    constants: {}
    retries: []
    states:
      - {id: f, name: f, type: Operation, transition: done, actions: [{function_ref: {ref_name: fresh}}]}
      - {id: done, name: done, type: End, end: true}
  chain:
    start: a
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: a, name: a, type: Operation, transition: b, actions: [{function_ref: {ref_name: add}}]}
      - {id: b, name: b, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, name: done, type: End, end: true}
  other:
    start: done
    functions: []
    constants: {}
    retries: []
    states:
      - {id: done, name: done, type: End, end: true}
YAML
echo '{"seen": ["input"]}' >in.json

expect_exit 0 "$FSTAGE" flow run chain -i in.json
[ "$(json_get "$T/out" "j['seen']")" = "['input', 'a', 'b']" ] || fail "-i FILE"
echo '{"seen": ["stdin"]}' | expect_exit 0 "$FSTAGE" flow run chain -i -
[ "$(json_get "$T/out" "j['seen']")" = "['stdin', 'a', 'b']" ] || fail "-i -"
expect_exit 0 "$FSTAGE" flow run chain
[ "$(json_get "$T/out" "j['seen']")" = "['a', 'b']" ] || fail "default input {}"

# --state: b alone, on the given input; nothing else runs.
expect_exit 0 "$FSTAGE" flow run chain --state b -i in.json --json
[ "$(json_get "$T/out" "j['output']['seen']")" = "['input', 'b']" ] || { cat "$T/out"; fail "--state output"; }
[ "$(json_get "$T/out" "[n['node_id'] for n in j['node_execution_details']]")" = "['b']" ] ||
  { cat "$T/out"; fail "--state ran other states"; }
[ "$(json_get "$T/out" "j['fstage']['next_state']")" = done ] || fail "--state: next state"
expect_exit 0 "$FSTAGE" flow run chain --state a
assert_contains "$T/err" "Next: b"
[ "$(json_get "$T/out" "j['seen']")" = "['a']" ] || fail "--state a, default input"
expect_exit 4 "$FSTAGE" flow run chain --state nope
assert_contains "$T/err" "no state 'nope'"

# --header: in the record's headers.
expect_exit 0 "$FSTAGE" flow run chain --header X-Tenant=acme --json
[ "$(json_get "$T/out" "j['headers'].get('X-Tenant')")" = acme ] || { cat "$T/out"; fail "--header"; }
expect_exit 2 "$FSTAGE" flow run chain --header novalue

# --merge-parameters: the function's result merged into the state's input, not replacing it.
expect_exit 0 "$FSTAGE" flow run merge -i in.json
[ "$(json_get "$T/out" "sorted(j)")" = "['fresh']" ] || { cat "$T/out"; fail "without merge"; }
expect_exit 0 "$FSTAGE" flow run merge -i in.json --merge-parameters
[ "$(json_get "$T/out" "sorted(j)")" = "['fresh', 'seen']" ] || { cat "$T/out"; fail "--merge-parameters"; }

# What prevents a run.
echo '{"seen": [' >bad.json
expect_exit 3 "$FSTAGE" flow run chain -i bad.json
assert_contains "$T/err" "bad.json:"
expect_exit 4 "$FSTAGE" flow run nosuch
expect_exit 2 "$FSTAGE" flow run
assert_contains "$T/err" "name one"
sed -i 's/transition: done, actions/transition: nowhere, actions/' fstage.yaml
expect_exit 3 "$FSTAGE" flow run chain
assert_contains "$T/err" "nowhere"
echo "ok"
