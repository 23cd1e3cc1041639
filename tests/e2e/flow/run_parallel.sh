# A state's parallel actions that call the same function run at the same time, each on a warm
# instance of its own (the function's pool), and the next state's call reuses one of them:
# no cold start after the first state. The functions' log lines reach stderr tagged with the
# state, function and attempt that printed them.
. "$(dirname "$0")/lib/run.sh"
mkdir -p "$T/p/fn" && cd "$T/p"
cat >fn/index.py <<'PY'
import os, time

INSTANCE = os.urandom(6).hex()  # drawn at import: one per instance

def nap(event, context):
    print("napping in", INSTANCE, flush=True)
    time.sleep(0.5)
    return {INSTANCE: True}
PY
cat >fstage.yaml <<'YAML'
name: flowpar
functions:
  nap: {runtime: Python3.10, handler: index.nap, code: fn}
flows:
  fan:
    start: three
    functions: [{name: nap, operation: nap}]
    constants: {}
    retries: []
    states:
      - id: three
        name: three
        type: Operation
        action_mode: parallel
        transition: again
        actions:
          - {function_ref: {ref_name: nap}}
          - {function_ref: {ref_name: nap}}
          - {function_ref: {ref_name: nap}}
      - id: again
        name: again
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: nap}}]
      - {id: done, name: done, type: End, end: true}
YAML
"$FSTAGE" build -q >/dev/null 2>&1 || fail "build"
expect_exit 0 "$FSTAGE" flow run fan --json
"$PYTHON" - "$T/out" <<'PY' || fail "parallel actions"
import json, sys
j = json.load(open(sys.argv[1]))
three = [n for n in j["node_execution_details"] if n["node_id"] == "three"][0]["executions"][0]
again = [n for n in j["node_execution_details"] if n["node_id"] == "again"][0]["executions"][0]
instances = set(three["output"])
assert len(instances) == 3, ("three instances at once", three["output"])
assert set(again["output"]) <= instances, ("the next state reuses a warm instance", again["output"])
# Side by side, not one after the other: three half-second naps in well under 1.5 s.
took = three["end_time"] - three["begin_time"]
assert took < 1400, ("parallel actions ran one after the other", took)
print("parallel ok:", sorted(instances), "in", took, "ms")
PY
assert_contains "$T/err" "| [three nap#1] napping in"
assert_contains "$T/err" "| [again nap#1] napping in"
echo "ok"
