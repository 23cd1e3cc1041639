# One flow, three runtimes: a Python, a Node.js and a Go function each add what their Context
# API says of the workflow (getWorkflowID, getWorkflowRunID, getWorkflowStateID) to the data.
# All three must see the same workflow and run ids, the run id must be the execution's, and
# each its own state's id. Go is skipped, visibly, where there is no Go toolchain.
. "$(dirname "$0")/lib/run.sh"
command -v node >/dev/null || skip "no Node.js interpreter"
mkdir -p "$T/p/py" "$T/p/node" && cd "$T/p"
cat >py/index.py <<'PY'
def handler(event, context):
    event["python"] = {"workflow_id": context.getWorkflowID(),
                       "run_id": context.getWorkflowRunID(),
                       "state_id": context.getWorkflowStateID()}
    return event
PY
cat >node/index.js <<'JS'
exports.handler = async (event, context) => {
  event.nodejs = {
    workflow_id: context.getWorkflowID(),
    run_id: context.getWorkflowRunID(),
    state_id: context.getWorkflowStateID(),
  };
  return event;
};
JS
go_fn='' go_state='' runtimes="python nodejs"
if command -v go >/dev/null; then
  mkdir -p go-src go
  cat >go-src/go.mod <<GOMOD
module flowids

go 1.19

require huaweicloud.com/go-runtime v0.0.0

replace huaweicloud.com/go-runtime => $FSTAGE_SOURCE_DIR/sdk/go-runtime
GOMOD
  cat >go-src/main.go <<'GO'
package main

import (
	"encoding/json"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var data map[string]interface{}
	if err := json.Unmarshal(payload, &data); err != nil {
		return nil, err
	}
	data["go"] = map[string]string{
		"workflow_id": ctx.GetWorkflowID(),
		"run_id":      ctx.GetWorkflowRunID(),
		"state_id":    ctx.GetWorkflowStateID(),
	}
	return data, nil
}

func main() { runtime.Register(handler) }
GO
  (cd go-src && GOCACHE="${FSTAGE_BINARY_DIR:-$T}/go-cache" GOPATH="${FSTAGE_BINARY_DIR:-$T}/go-path" \
    GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 go build -o ../go/handler .) >"$T/go.log" 2>&1 ||
    { cat "$T/go.log"; fail "go build"; }
  go_fn="
  gofn:
    runtime: Go1.x
    handler: handler
    code: go
    timeout: 5"
  go_state="
      - id: go_state
        name: go_state
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: go_ref}}]"
  runtimes="$runtimes go"
  node_next=go_state
else
  [ -z "${FSTAGE_TEST_REQUIRE:-}" ] || fail "required but skipped: no Go toolchain for the Go function"
  echo "SKIP (part): no Go toolchain, the Go function is left out of the flow"
  node_next=done
fi
cat >fstage.yaml <<YAML
name: flowids
functions:
  pyfn:
    runtime: Python3.10
    handler: index.handler
    code: py
  nodefn:
    runtime: Node.js18.15
    handler: index.handler
    code: node$go_fn
flows:
  ids:
    start: py_state
    functions:
      - {name: py_ref, operation: pyfn}
      - {name: node_ref, operation: "urn:fss:cn-north-4:local:function:default:nodefn:latest"}
      - {name: go_ref, operation: gofn}
    constants: {}
    retries: []
    states:
      - id: py_state
        name: py_state
        type: Operation
        transition: node_state
        actions: [{function_ref: {ref_name: py_ref}}]
      - id: node_state
        name: node_state
        type: Operation
        transition: $node_next
        actions: [{function_ref: {ref_name: node_ref}}]$go_state
      - id: done
        name: done
        type: End
        end: true
YAML
[ -n "$go_fn" ] || sed -i '/go_ref, operation: gofn/d' fstage.yaml

# stdout: the flow's output; each runtime saw the same ids and its own state.
expect_exit 0 "$FSTAGE" flow run ids -i <(echo '{"order": 7}')
cp "$T/out" "$T/output.json"
"$PYTHON" - "$T/output.json" $runtimes <<'PY' || fail "the runtimes' Contexts disagree"
import json, sys
out = json.load(open(sys.argv[1]))
runtimes = sys.argv[2:]
states = {"python": "py_state", "nodejs": "node_state", "go": "go_state"}
assert out["order"] == 7, out
first = out[runtimes[0]]
assert first["workflow_id"] and first["run_id"], out
for r in runtimes:
    seen = out[r]
    assert seen["workflow_id"] == first["workflow_id"], (r, seen, first)
    assert seen["run_id"] == first["run_id"], (r, seen, first)
    assert seen["state_id"] == states[r], (r, seen)
print("ids ok:", first["workflow_id"], first["run_id"], " ".join(runtimes))
PY
# The timeline on stderr names every state and function, and ends with the summary.
assert_contains "$T/err" "py_state"
assert_contains "$T/err" "node_state"
assert_contains "$T/err" "pyfn #1"
assert_contains "$T/err" "SUMMARY Status: success"

# --json: the run id the functions saw is the execution's id.
expect_exit 0 "$FSTAGE" flow run ids --json -q
[ "$(json_get "$T/out" "j['status']")" = success ] || fail "--json status"
[ "$(json_get "$T/out" "j['output']['python']['run_id'] == j['execution_id']")" = True ] ||
  fail "the run id is not the execution id"
[ "$(json_get "$T/out" "j['output']['nodejs']['workflow_id'] == j['workflow_id']")" = True ] ||
  fail "the workflow id is not the execution's workflow_id"
[ ! -s "$T/err" ] || { cat "$T/err"; fail "-q: stderr should be empty"; }
echo "ok"
