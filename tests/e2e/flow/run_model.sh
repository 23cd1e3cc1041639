#!/usr/bin/env bash
# The flows FLOW.md describes, run by `fstage flow run` on real functions: the platform's one
# published definition (API-06_1004) unchanged but for its URN's region and project; the
# console's Switch, Parallel and Foreach in fstage's form, with Python and Node.js functions;
# a Sleep of a day, skipped in virtual time (the record says a day passed, the run takes
# milliseconds).
. "$(dirname "$0")/lib/run.sh"
command -v node >/dev/null || skip "node is not installed"
mkdir -p "$T/p/py" "$T/p/js" "$T/p/flows" && cd "$T/p"
cat >py/index.py <<'PY'
def test(event, context):
    # The published example passes {"execution_name": "$.test"}.
    return {"execution_name": event.get("execution_name"), "state": context.getWorkflowStateID()}

def price(event, context):
    return {"sku": event["item"]["sku"], "total": event["item"]["qty"] * 10}
PY
cat >js/index.js <<'JS'
exports.tag = async (event, context) => ({ tagged: context.getWorkflowStateID(), age: event.age });
JS
cat >flows/workflow_test.json <<'JSON'
{ "name" : "workflow_test", "start" : "test",
  "functions" : [ { "name" : "test",
    "operation" : "urn:fss:cn-north-4:c53626012ba84727b938ca8bf03108ef:test:latest" } ],
  "constants" : { },
  "states" : [ { "id" : "test", "name" : "test", "type" : "Operation", "end" : false, "transition" : "end",
      "actions" : [ { "function_ref" : { "ref_name" : "test", "arguments" : { "execution_name" : "$.test" } } } ] },
    { "id" : "end", "name" : "end", "type" : "End", "end" : true, "transition" : "",
      "state_data_filter" : { "input" : "", "output" : "" }, "actions" : [ ], "action_mode" : "" } ],
  "retries" : [ { "name" : "test" } ] }
JSON
cat >fstage.yaml <<'YAML'
name: model
functions:
  test: {runtime: Python3.10, handler: index.test, code: py}
  price: {runtime: Python3.10, handler: index.price, code: py}
  tag: {runtime: Node.js20.15, handler: index.tag, code: js}
flows:
  workflow_test:
    definition: flows/workflow_test.json
  console:
    start: route
    functions:
      - {name: tag, operation: tag}
      - {name: price, operation: price}
    states:
      - id: route
        type: Switch
        conditions:
          - {condition: "$.age >= 20", transition: fan}
        default: minor
      - {id: minor, type: End, end: true}
      - id: fan
        type: Parallel
        completion: all
        result_key: tags
        transition: each
        branches:
          - start: t1
            states:
              - {id: t1, type: Operation, end: true, actions: [{function_ref: {ref_name: tag}}]}
          - start: t2
            states:
              - {id: t2, type: Operation, end: true, actions: [{function_ref: {ref_name: tag}}]}
      - id: each
        type: Foreach
        items_path: $.items
        iteration_variable: item
        result_path: $.priced
        concurrency: 2
        transition: nap
        iterator:
          start: p
          states:
            - {id: p, type: Operation, end: true, actions: [{function_ref: {ref_name: price}}]}
      - {id: nap, type: Sleep, duration: 86400, transition: done}
      - {id: done, type: End, end: true, state_data_filter: {output: "$.priced"}}
YAML

# The published example: the argument's path reads the input.
echo '{"test": "run-1"}' >in.json
expect_exit 0 "$FSTAGE" flow run workflow_test -i in.json --json
[ "$(json_get "$T/out" "j['output']")" = "{'execution_name': 'run-1', 'state': 'test'}" ] ||
  { cat "$T/out"; fail "published example: output"; }
[ "$(json_get "$T/out" "j['status']")" = success ] || fail "published example: status"
[ "$(json_get "$T/out" "[n['node_id'] for n in j['node_execution_details']]")" = "['test', 'end']" ] ||
  { cat "$T/out"; fail "published example: nodes"; }

# Switch to the default: nothing else runs.
echo '{"age": 12, "items": []}' >minor.json
expect_exit 0 "$FSTAGE" flow run console -i minor.json --json
[ "$(json_get "$T/out" "j['fstage']['path']")" = "['route', 'minor']" ] ||
  { cat "$T/out"; fail "Switch default: path"; }

# Switch -> Parallel (two Node.js branches) -> Foreach (Python, two at a time) -> a day's
# Sleep -> End with an output filter.
cat >adult.json <<'JSON'
{"age": 30, "items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}, {"sku": "c", "qty": 3}]}
JSON
start=$(date +%s%N)
expect_exit 0 "$FSTAGE" flow run console -i adult.json --json
ms=$((($(date +%s%N) - start) / 1000000))
[ "$(json_get "$T/out" "j['output']")" = \
  "[{'sku': 'a', 'total': 10}, {'sku': 'b', 'total': 20}, {'sku': 'c', 'total': 30}]" ] ||
  { cat "$T/out"; fail "console flow: output"; }
json_get "$T/out" "j['fstage']['path']" >path
for s in route fan "fan/0/t1" "fan/1/t2" each "each/0/p" "each/2/p" nap done; do
  grep -qF "'$s'" path || { cat path; fail "console flow: $s not in the path"; }
done
# The Sleep's day passed in the record, not on the clock.
span=$(json_get "$T/out" "[(n['executions'][0]['end_time'] - n['executions'][0]['begin_time']) for n in j['node_execution_details'] if n['node_id'] == 'nap'][0]")
[ "$span" -ge 86400000 ] || fail "Sleep of a day recorded as $span ms"
[ "$ms" -lt 20000 ] || fail "a day's Sleep took $ms ms of real time"
echo "ok (console flow with a day's Sleep in $ms ms)"
