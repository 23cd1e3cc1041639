# Function flows deployed through the v2 workflow API of the strict local server: a manifest
# with two functions and a flow deploys (the flow after its functions, its operations turned
# into the deployed functions' URNs), redeploys as a no-op (no PUT at all), a changed state
# updates only the flow (--dry-run first names the change and writes nothing), and a flow with
# a Switch is refused with the state named and its file:line:column, before anything is sent;
# a flow gone from the manifest is left alone unless --prune.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
new_project app hello
cd app

cat >fstage.yaml <<'YAML'
name: app
region: cn-north-4
package: default
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    memory: 128
    timeout: 3
    code: .
  shout:
    runtime: Python3.10
    handler: index.handler
    memory: 128
    timeout: 3
    code: .
flows:
  greet:
    start: hi
    functions: [{name: hi, operation: hello}, {name: loud, operation: shout}]
    constants: {}
    retries: [{name: again}]
    states:
      - id: hi
        name: hi
        type: Operation
        transition: up
        actions: [{function_ref: {ref_name: hi, arguments: {who: "$.name | 'world'"}}}]
        on_errors: [{error: "*", retry_ref: again}]
      - id: up
        name: up
        type: Operation
        transition: done
        actions: [{function_ref: {ref_name: loud}}]
      - {id: done, name: done, type: End, end: true}
YAML

writes() { fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["method"] != "GET"))'; }
puts() { fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["method"] == "PUT"))'; }
flow_check() {  # PYTHON-EXPR over w = the flow as fakecloud holds it, and s, r as fake_check
  fake_check "(lambda w: $1)({x['name']: x for x in s['workflows']}.get('greet'))" "${2:-flow check}"
}

# 1. first deploy: both functions, then the flow with the functions' URNs
fs 0 deploy
assert_contains "$T/err" "flow greet: create"
PID=$(fake_get /__state | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["functions"][0]["config"]["namespace"])')
fake_check "len(fns) == 2" "both functions deployed"
flow_check "w is not None and [f['operation'] for f in w['functions']] == ['urn:fss:cn-north-4:$PID:function:default:hello:latest', 'urn:fss:cn-north-4:$PID:function:default:shout:latest']" \
  "the flow names the deployed functions' URNs"
flow_check "w['states'][0]['actions'][0]['function_ref']['arguments'] == {'who': \"\$.name | 'world'\"}"
fake_check "[x['method'] for x in r if '/workflows' in x['path'] and x['method'] != 'GET'] == ['POST']"
fake_check "max(i for i, x in enumerate(r) if x['method'] == 'POST' and x['path'].endswith('/functions')) < min(i for i, x in enumerate(r) if x['method'] == 'POST' and x['path'].endswith('/workflows'))" \
  "functions created before the flow"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["flows"], j' .fstage/deploy-state.json ||
  fail "the deploy state records no flow"

# 2. the second deploy is a no-op: nothing written, no PUT, and it says so
before=$(writes)
fs 0 deploy
assert_contains "$T/err" "flow greet: unchanged"
assert_contains "$T/err" "nothing to change: 2 functions and 1 flow are up to date"
[ "$(writes)" = "$before" ] || fail "a no-op deploy wrote something"
[ "$(puts)" = 0 ] || fail "a no-op deploy sent a PUT"

# 3. a changed state: --dry-run names it and writes nothing; then only the flow is updated
sed -i 's/transition: done$/transition: done\n        action_mode: parallel/' fstage.yaml
before=$(writes)
fs 0 deploy --dry-run --json
assert_contains "$T/err" "flow greet: would update (states.up)"
assert_contains "$T/err" "dry run: 0 functions and 1 flow would change; nothing was written"
[ "$(writes)" = "$before" ] || fail "--dry-run wrote something"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); f=j["flows"][0]; assert f["step"] == "update" and f["changes"] == ["states.up"] and not f["applied"], j' "$T/out" ||
  fail "--json flow plan"
fs 0 deploy
assert_contains "$T/err" "flow greet: update (states.up)"
fake_check "[x['path'].rsplit('/', 2)[-2] for x in r[-60:] if x['method'] in ('PUT', 'POST', 'DELETE')][-1:] == ['workflows'] and sum(1 for x in r if x['method'] == 'PUT') == 1" \
  "only the flow was written (one PUT, to the flow)"
flow_check "w['states'][1]['action_mode'] == 'parallel'"
fs 0 deploy
assert_contains "$T/err" "flow greet: unchanged"

# naming functions deploys those only, and says the flows wait for a whole-manifest deploy
before=$(writes)
fs 0 deploy hello
assert_contains "$T/err" "flows are not deployed with named functions"
assert_not_contains "$T/err" "flow greet"
[ "$(writes)" = "$before" ] || fail "deploy hello wrote something"

# 4. a Switch is refused, naming the flow, the state and where its type was written; nothing
# is sent (not even the functions)
cat >>fstage.yaml <<'YAML'
  route:
    start: pick
    functions: [{name: hi, operation: hello}]
    constants: {}
    retries: []
    states:
      - id: pick
        name: pick
        type: Switch
        conditions: [{condition: "$.n > 1", transition: done}]
        default: done
      - {id: done, name: done, type: End, end: true}
YAML
echo "# changed" >>index.py
before=$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
fs 3 deploy
assert_contains "$T/err" "flow 'route': state 'pick' is a Switch"
assert_contains "$T/err" "Operation, Sleep and End"
line=$(grep -n "type: Switch" fstage.yaml | cut -d: -f1)
assert_contains "$T/err" "fstage.yaml:$line:15"
after=$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$after" = "$before" ] || fail "a refused deploy sent $((after - before)) requests"


# 5. a flow gone from the manifest is left alone (and said so); --prune deletes it
sed -i '/^  route:$/,$d' fstage.yaml
git_free_copy=$(sed -n '/^flows:/,$p' fstage.yaml | wc -l)
[ "$git_free_copy" -gt 1 ] || fail "test setup: the flows were cut"
sed -i 's/^  greet:$/  hello_flow:/' fstage.yaml
fs 0 deploy
assert_contains "$T/err" "flow hello_flow: create"
assert_contains "$T/err" "flow greet: left alone (not in the manifest; --prune deletes it)"
fake_check "sorted(w['name'] for w in s['workflows']) == ['greet', 'hello_flow']"
fs 0 deploy --prune --dry-run
assert_contains "$T/err" "flow greet: would delete"
fake_check "sorted(w['name'] for w in s['workflows']) == ['greet', 'hello_flow']" "--dry-run --prune deleted"
fs 0 deploy --prune
assert_contains "$T/err" "flow greet: delete"
fake_check "[w['name'] for w in s['workflows']] == ['hello_flow'] and r[-1]['method'] == 'DELETE'"
fs 0 deploy
assert_contains "$T/err" "nothing to change: 2 functions and 1 flow are up to date"
assert_not_contains "$T/err" "greet"

assert_no_secrets
