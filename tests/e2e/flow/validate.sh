#!/usr/bin/env bash
# `fstage flow validate` and `fstage flow list` on a real project: flows inline and in .json
# and .yaml files, each mistake at file:line:column, exit codes 0 / 3 / 4, and --json.
source "$(dirname "$0")/../lib/common.sh"
mkdir -p proj/flows
cd proj
cat >fstage.yaml <<'YAML'
name: shop
functions:
  orders: {runtime: Python3.10, handler: index.handler}
  billing: {runtime: Python3.10, handler: index.handler}
flows:
  orders:
    definition: flows/orders.json
  nightly:
    definition: flows/nightly.yaml
  inline-one:
    start: pay
    states:
      - {id: pay, type: Operation, actions: [{function_ref: {ref_name: bill}}], end: true}
    functions:
      - {name: bill, operation: billing}
YAML
echo 'def handler(event, context): return {}' >index.py
# The published example's shape, with a local function's URN.
cat >flows/orders.json <<'JSON'
{ "name" : "orders", "start" : "check",
  "functions" : [ { "name" : "check",
    "operation" : "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:orders:latest" } ],
  "constants" : { },
  "states" : [ { "id" : "check", "name" : "check", "type" : "Operation", "end" : false, "transition" : "end",
      "actions" : [ { "function_ref" : { "ref_name" : "check", "arguments" : { "id" : "$.id" } } } ] },
    { "id" : "end", "name" : "end", "type" : "End", "end" : true, "transition" : "",
      "state_data_filter" : { "input" : "", "output" : "" }, "actions" : [ ], "action_mode" : "" } ],
  "retries" : [ { "name" : "again", "delay" : 2, "max_attempts" : 3 } ] }
JSON
cat >flows/nightly.yaml <<'YAML'
start: wait
states:
  - {id: wait, type: Sleep, duration: 86400, transition: done}
  - {id: done, type: End}
YAML

expect_exit 0 "$FSTAGE" flow validate
assert_contains "$T/err" "fstage.yaml: ok (3 flows)"
expect_exit 0 "$FSTAGE" validate
assert_contains "$T/err" "fstage.yaml: ok (2 functions, 3 flows)"
expect_exit 0 "$FSTAGE" flow validate orders
assert_contains "$T/err" "flow orders: ok (2 states, 1 function)"
assert_contains "$T/err" "fstage: warning: flows/orders.json:9:28: retry 'again' is never used"

expect_exit 0 "$FSTAGE" flow list
assert_contains "$T/out" "orders      NORMAL   2       1          flows/orders.json"
assert_contains "$T/out" "nightly     NORMAL   2       0          flows/nightly.yaml"
assert_contains "$T/out" "inline-one  NORMAL   1       1          inline"
expect_exit 0 "$FSTAGE" flow list --json
/usr/bin/python3 - "$T/out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["name"] for r in rows] == ["orders", "nightly", "inline-one"], rows
assert rows[0]["states"] == 2 and rows[0]["valid"] is True, rows
PY

# A mistake in the .json file: the file's own path and position.
sed -i 's/"transition" : "end"/"transition" : "en"/' flows/orders.json
expect_exit 3 "$FSTAGE" flow validate orders
assert_contains "$T/err" "flows/orders.json:5:104: state 'check': transition to 'en', which is not a state"
assert_contains "$T/err" "did you mean 'end'?"
expect_exit 3 "$FSTAGE" validate
assert_contains "$T/err" "flows/orders.json:5:104: "
expect_exit 3 "$FSTAGE" flow validate --json
/usr/bin/python3 - "$T/out" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
assert out["valid"] is False, out
errs = [e for e in out["errors"] if "'en'" in e["message"]]
assert errs and errs[0]["file"] == "flows/orders.json" and errs[0]["line"] == 5, out
assert errs[0]["column"] == 104 and errs[0]["expected"], out
assert [f["valid"] for f in out["flows"]] == [False, True, True], out
PY
# The other flows still validate one by one.
expect_exit 0 "$FSTAGE" flow validate nightly

# A mistake in the YAML file and one inline.
sed -i 's/duration: 86400/duration: 86401/' flows/nightly.yaml
expect_exit 3 "$FSTAGE" flow validate nightly
assert_contains "$T/err" "flows/nightly.yaml:3:39: states[0].duration: 86401 is out of range"
sed -i 's/ref_name: bill}/ref_name: bil}/' fstage.yaml
expect_exit 3 "$FSTAGE" flow validate inline-one
assert_contains "$T/err" "fstage.yaml:13:72: state 'pay': ref_name 'bil' is not a function"

# An unknown flow: exit 4 with a suggestion; -f from elsewhere names the files from there.
expect_exit 4 "$FSTAGE" flow validate nigthly
assert_contains "$T/err" "no flow 'nigthly' in fstage.yaml; did you mean 'nightly'?"
cd "$T"
expect_exit 3 "$FSTAGE" flow validate -f proj/fstage.yaml nightly
assert_contains "$T/err" "proj/flows/nightly.yaml:3:39: "

# A definition file that is missing or outside the project is the manifest's error.
cd proj
sed -i 's#flows/nightly.yaml#../nightly.yaml#' fstage.yaml
expect_exit 3 "$FSTAGE" flow list
assert_contains "$T/err" "fstage.yaml:9:17: flows.nightly.definition: '../nightly.yaml' is outside the project"

# Completion offers the flow names.
sed -i 's#../nightly.yaml#flows/nightly.yaml#' fstage.yaml
expect_exit 0 "$FSTAGE" __complete flows
assert_contains "$T/out" "nightly"
assert_contains "$T/out" "inline-one"
