# fstage remove (issue 23 item 5): lists what the project deployed (its flow, its functions with
# their versions, aliases and triggers, and the dependency versions fstage uploaded for them),
# refuses without a terminal unless --yes, removes nothing on --dry-run, then removes it all,
# flows first; a dependency version another project's function still links is kept with the
# API's reason; another project's function is untouched; a failure part-way says what was and
# was not removed, and the same remove finishes; a second remove finds nothing.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud

mkdir -p app/fn app/deps/common app/deps/own other/fn
printf 'def handler(event, context):\n    return "ok"\n' >app/fn/index.py
cp app/fn/index.py other/fn/index.py
printf 'SHARED = 1\n' >app/deps/common/shared.py
printf 'OWN = 1\n' >app/deps/own/own.py
cat >app/fstage.yaml <<'YAML'
name: app
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: fn
    dependencies: [{name: common, path: deps/common}, {name: own, path: deps/own}]
    triggers: [{type: TIMER, schedule: "@every 5m"}]
  shout: {runtime: Python3.10, handler: index.handler, code: fn}
flows:
  greet:
    start: hi
    functions: [{name: hi, operation: hello}]
    states:
      - {id: hi, name: hi, type: Operation, transition: done, actions: [{function_ref: {ref_name: hi}}]}
      - {id: done, name: done, type: End, end: true}
YAML
# Another project links the same dependency (same name and content: deploy reuses the version).
mkdir -p other/deps/common && cp app/deps/common/shared.py other/deps/common/
cat >other/fstage.yaml <<'YAML'
name: other
functions:
  keeper:
    runtime: Python3.10
    handler: index.handler
    code: fn
    dependencies: [{name: common, path: deps/common}]
YAML
(cd app && fs 0 deploy --publish=v1 --alias live) || exit 1
(cd other && fs 0 deploy) || exit 1
fake_check "set(fns) == {'hello', 'shout', 'keeper'}" "three functions deployed"
fake_check "len(s['workflows']) == 1" "the flow deployed"
fake_check "sorted(d['name'] for d in s['dependencies']) == ['common', 'own']" "two dependencies"
fake_check "len(fns['keeper']['config']['depend_version_list']) == 1 and fns['keeper']['config']['depend_version_list'][0] in fns['hello']['config']['depend_version_list']" \
  "the other project links the same common version"

cd app
writes() { fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["method"] != "GET"))'; }
before=$(writes)
# No terminal and no --yes: refused, nothing written.
fs 2 remove </dev/null
assert_contains "$T/err" "needs --yes"
assert_contains "$T/err" "fstage remove --dry-run"
fs 0 remove --dry-run
assert_contains "$T/err" "would remove in cn-north-4:"
assert_contains "$T/err" "flow greet"
assert_contains "$T/err" "function hello (1 published version, 1 alias, 1 trigger)"
assert_contains "$T/err" "function shout (1 published version, 1 alias, 0 triggers)"
assert_contains "$T/err" "dependency common@1 (uploaded by fstage)"
assert_contains "$T/err" "dependency own@1 (uploaded by fstage)"
assert_not_contains "$T/err" "keeper"
fs 0 remove --dry-run --json
"$PY" - "$T/out" <<'PY' || fail "remove --dry-run --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["dry_run"] is True, j
assert [(i["kind"], i["name"]) for i in j["items"]] == [
    ("flow", "greet"), ("function", "hello"), ("function", "shout"),
    ("dependency", "common@1"), ("dependency", "own@1")], j
assert all(i["outcome"] == "planned" for i in j["items"]), j
PY
[ "$(writes)" = "$before" ] || fail "a refused or dry remove wrote something"

# On a terminal, answering no removes nothing.
if command -v script >/dev/null; then
  echo n | script -qec "$FSTAGE remove" /dev/null >"$T/tty.out" 2>&1
  grep -q "Remove them? This cannot be undone. \[y/N\]" "$T/tty.out" || fail "no question on a terminal: $(cat "$T/tty.out")"
  grep -q "not removed" "$T/tty.out" || fail "answering n: $(cat "$T/tty.out")"
  [ "$(writes)" = "$before" ] || fail "answering n removed something"
fi

# The API refuses to delete shout (400: not retried): the flow and hello are gone, the error
# says what was removed and what was not, and the same remove then finishes the job.
fake_faults '[{"method": "DELETE", "path": "functions/[^/]*:shout$", "status": 400, "count": 1}]'
fs 20 remove --yes
assert_contains "$T/err" "removed: flow greet"
assert_contains "$T/err" "removed: function hello"
assert_contains "$T/err" "not removed: function shout"
assert_contains "$T/err" "not removed: dependency own@1"
assert_contains "$T/err" "run the same 'fstage remove' again"
fake_check "set(fns) == {'keeper', 'shout'}" "hello removed, shout refused"
fs 0 remove --yes
assert_not_contains "$T/err" "removing flow greet"
assert_contains "$T/err" "removing function shout"
assert_contains "$T/err" "kept dependency common@1 (uploaded by fstage): The dependency is in use by keeper"
assert_contains "$T/err" "removed app (2 items) in cn-north-4"
fake_check "set(fns) == {'keeper'}" "only the other project's function is left"
fake_check "s['workflows'] == []" "the flow is gone"
fake_check "[d['name'] for d in s['dependencies']] == ['common']" "own is gone, common is kept"
fake_check "[x['method'] for x in r if x['method'] == 'DELETE'][:1] == ['DELETE'] and min(i for i, x in enumerate(r) if x['method'] == 'DELETE' and '/workflows' in x['path']) < min(i for i, x in enumerate(r) if x['method'] == 'DELETE' and '/functions/' in x['path'])" \
  "the flow went before its functions"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert not j.get("flows") and not j.get("functions"), j' .fstage/deploy-state.json ||
  fail "the deploy state still records what was removed"

# Nothing left but the version keeper links: a second remove tries only that one again.
fs 0 remove --yes
assert_contains "$T/err" "kept dependency common@1"
assert_contains "$T/err" "nothing removed in cn-north-4"
assert_not_contains "$T/err" "function"
fake_check "set(fns) == {'keeper'} and [d['name'] for d in s['dependencies']] == ['common']" "keeper and its dependency stay"
# With the other project gone too, the project's last version goes, and then nothing is left.
(cd ../other && fs 0 remove --yes) || exit 1
fake_check "fns == {} and s['dependencies'] == []" "everything removed"
before=$(writes)
fs 0 remove --yes
assert_contains "$T/err" "nothing to remove"
[ "$(writes)" = "$before" ] || fail "a remove with nothing left wrote something"
