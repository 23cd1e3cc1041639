# `fstage remote flow ...` against the strict local server: deployed flows are listed and shown;
# `run` answers an EXPRESS flow synchronously and follows a NORMAL one from running to its end
# (output on stdout, the node timeline on stderr); a failing flow exits 14; `executions`,
# `history` (the timeline as `flow run` prints it), `terminate` of a running execution, and
# `remove` (refused without --yes off a terminal); --json shapes checked.
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
flows:
  slow:
    start: hi
    functions: [{name: hi, operation: hello}]
    constants: {}
    retries: []
    states:
      - {id: hi, name: hi, type: Operation, transition: done, actions: [{function_ref: {ref_name: hi}}]}
      - {id: done, name: done, type: End, end: true}
  fast:
    mode: EXPRESS
    start: hi
    functions: [{name: hi, operation: hello}]
    constants: {}
    retries: []
    states:
      - {id: hi, name: hi, type: Operation, transition: done, actions: [{function_ref: {ref_name: hi}}]}
      - {id: done, name: done, type: End, end: true}
  napping:
    start: hi
    functions: [{name: hi, operation: hello}]
    constants: {}
    retries: []
    states:
      - {id: hi, name: hi, type: Operation, transition: nap, actions: [{function_ref: {ref_name: hi}}]}
      - {id: nap, name: nap, type: Sleep, duration: 60, transition: done}
      - {id: done, name: done, type: End, end: true}
YAML
pyj() { "$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); assert $1, j" "$T/out" || fail "${2:-json check}: $1"; }

fs 0 deploy

# list and info
fs 0 remote flow list
assert_contains "$T/out" "fast"
assert_contains "$T/out" "napping"
fs 0 remote flow list --json
pyj "sorted(w['name'] for w in j) == ['fast', 'napping', 'slow'] and all('workflow_urn' in w for w in j)"
fs 0 remote flow info fast --json
pyj "j['mode'] == 'EXPRESS' and [s['id'] for s in j['states']] == ['hi', 'done']"
fs 4 remote flow info nowhere

# run: EXPRESS answers at once
echo '{"n": 1}' >in.json
fs 0 remote flow run fast -i in.json
pyj "j['echo'] == {'n': 1} and j['function'] == 'hello'" "EXPRESS output"
assert_contains "$T/err" "SUMMARY Status: success"
fake_check "any(x['path'].endswith('/sync-executions') for x in r)" "EXPRESS ran as a sync execution"

# run: NORMAL is started async and followed to its end; the timeline on stderr
fs 0 remote flow run slow -i in.json
pyj "j['echo'] == {'n': 1}" "NORMAL output"
assert_contains "$T/err" "hi     start"
assert_contains "$T/err" "ms  success"
assert_contains "$T/err" "SUMMARY Status: success	States: 2	Attempts: 2"
fake_check "not any(x['path'].endswith('/sync-executions') and 'slow' in x['path'] for x in r) and sum(1 for x in r if x['method'] == 'GET' and '/executions/' in x['path']) >= 2" \
  "NORMAL started async and polled"
fs 0 remote flow run slow -i in.json --json
pyj "j['status'] == 'success' and [d['node_id'] for d in j['node_execution_details']] == ['hi', 'done']"
EID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["execution_id"])' "$T/out")

# a failing function: exit 14, the error in the timeline
echo '{"fail": "no luck"}' >bad.json
fs 14 remote flow run slow -i bad.json
assert_contains "$T/err" "fail  no luck"
assert_contains "$T/err" "ended in fail"
fs 14 remote flow run fast -i bad.json --json
pyj "j['status'] == 'fail'"

# retry walks the failed state again (fakecloud's functions answer the same: it fails again)
fs 14 remote flow run slow -i bad.json --json
BAD=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["execution_id"])' "$T/out")
fs 0 remote flow retry "$BAD" --flow slow
assert_contains "$T/err" "retrying execution $BAD"
sleep 0.5
fs 0 remote flow history "$BAD" --json
pyj "j['status'] == 'fail' and len(j['node_execution_details'][0]['executions']) == 1" "retried"
fs 20 remote flow retry "$EID" --flow slow

# executions and history
fs 0 remote flow executions slow
assert_contains "$T/out" "$EID"
fs 0 remote flow executions slow --status fail --json
pyj "len(j) == 2 and {e['status'] for e in j} == {'fail'}"
fs 0 remote flow history "$EID"
assert_contains "$T/out" "done   start"
assert_contains "$T/out" "SUMMARY Status: success"
fs 0 remote flow history "$EID" --flow slow --json
pyj "j['execution_id'] == '$EID' and j['status'] == 'success' and isinstance(j['node_execution_details'][0]['executions'][0]['begin_time'], int)"
fs 4 remote flow history no-such-execution

# --no-wait, then terminate while it sleeps
fs 0 remote flow run napping --no-wait
NAP=$(cat "$T/out")
[ -n "$NAP" ] || fail "--no-wait printed no execution id"
fs 0 remote flow terminate "$NAP" --json
pyj "j == {'execution_id': '$NAP', 'workflow_id': j['workflow_id'], 'done': 'terminate'}"
fs 0 remote flow history "$NAP" --json
pyj "j['status'] == 'cancel'" "terminated execution"

# Ctrl-C stops following (exit 130); the execution goes on remotely
set +e
"$FSTAGE" remote flow run napping >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1 100); do grep -q "napping, execution" "$T/err" && break; sleep 0.05; done
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
set -e
cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
[ "$rc" = 130 ] || { cat "$T/err"; fail "SIGINT while following: exit $rc, want 130"; }
assert_contains "$T/err" "goes on remotely"
RUNNING=$(sed -n 's/^flow napping, execution //p' "$T/err")
fs 0 remote flow history "$RUNNING" --json
pyj "j['status'] == 'running'" "the execution goes on after Ctrl-C"

# remove: refused off a terminal without --yes; removed with it
fs 2 remote flow remove napping </dev/null
assert_contains "$T/err" "needs --yes"
# on a terminal it asks: "n" keeps the flow
printf 'n\n' | script -qec "'$FSTAGE' remote flow remove napping" /dev/null >"$T/tty" 2>&1 ||
  { cat "$T/tty"; fail "remove answered n on a terminal"; }
assert_contains "$T/tty" "Remove flow napping"
assert_contains "$T/tty" "not removed"
fs 0 remote flow remove napping --yes --json
pyj "j['removed'] is True and j['flow'] == 'napping'"
fs 0 remote flow list --json
pyj "sorted(w['name'] for w in j) == ['fast', 'slow']"
assert_no_secrets
