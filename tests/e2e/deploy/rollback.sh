# History and rollback (issue 23 item 5): `deploy --list` shows each function's published
# versions with their digests, times and aliases (no environment values); `rollback VERSION`
# checks every function first, then points the alias back at VERSION with all its traffic;
# a version or alias that does not exist is refused before anything moves.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
mkdir -p app/fn && cd app
printf 'def handler(event, context):\n    return "v1"\n' >fn/index.py
cat >fstage.yaml <<'YAML'
name: history
functions:
  alpha: {runtime: Python3.10, handler: index.handler, code: fn, env: {TOKEN: ROLLBACK_SECRET_VALUE}}
  beta: {runtime: Python3.10, handler: index.handler, code: fn}
YAML
fs 0 deploy --publish=v1 --alias live
printf 'def handler(event, context):\n    return "v2"\n' >fn/index.py
fs 0 deploy --publish=v2 --alias live
fake_check "all(f['aliases']['live']['version'] == 'v2' for f in s['functions'])" "live is on v2"

fs 0 deploy --list --json
"$PY" - "$T/out" <<'PY' || fail "deploy --list --json"
import json, sys
out = json.load(open(sys.argv[1]))
assert [e["function"] for e in out] == ["alpha", "beta"], out
for e in out:
    vs = {v["version"]: v for v in e["versions"]}
    assert set(vs) == {"latest", "v1", "v2"}, vs
    assert vs["v2"]["aliases"] == ["live"] and vs["v1"]["aliases"] == [], vs
    assert vs["v1"]["digest"] != vs["v2"]["digest"] and len(vs["v1"]["digest"]) > 12, vs
    assert vs["v1"]["last_modified"], vs
PY
fs 0 deploy --list alpha
assert_contains "$T/out" "alpha"
assert_contains "$T/out" "<- live"
assert_not_contains "$T/out" "beta"
assert_not_contains "$T/out" "ROLLBACK_SECRET_VALUE"

# Refused before anything moves: a version one function lacks, an alias that is not there.
before=$(fake_get /__requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
fs 4 rollback v9
assert_contains "$T/err" "alpha has no version 'v9'"
assert_contains "$T/err" "its versions: latest, v1, v2"
fs 4 rollback v1 --alias canary
assert_contains "$T/err" "alpha has no alias 'canary'"
fs 0 rollback v1 --dry-run
assert_contains "$T/err" "alpha: alias live v2 -> v1 (dry run: not moved)"
fake_check "not any(x['method'] == 'PUT' for x in r[$before:])" "a refused or dry rollback wrote"

# The rollback itself, then a second one that has nothing to do.
fs 0 rollback v1
assert_contains "$T/err" "alpha: alias live v2 -> v1"
assert_contains "$T/err" "beta: alias live v2 -> v1"
fake_check "all(f['aliases']['live']['version'] == 'v1' for f in s['functions'])" "live is back on v1"
fs 0 rollback v1 beta --json
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j == {"version": "v1", "moved": []}, j' "$T/out" ||
  fail "a rollback to where the alias is moved something"
# A weighted alias goes back with all its traffic.
fs 0 deploy beta --alias live=v2 --weight v1=30
fs 0 rollback v2 beta
fake_check "fns['beta']['aliases']['live']['version'] == 'v2' and fns['beta']['aliases']['live']['additional_version_weights'] == {}" "weights dropped"
assert_no_secrets
