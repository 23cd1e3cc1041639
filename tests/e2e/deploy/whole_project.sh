# One plan for the whole project (issue 23 item 2): deploy builds and packages every function,
# then prints every function's plan, before it changes anything remote. A three-function project whose third build fails writes
# nothing; fixed, it deploys all three. A failure part-way (the API refusing the second
# function's code) says what was applied and what was not, and the same deploy run again
# converges.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
start_fakecloud
mkdir -p app/fn && cd app
printf 'def handler(event, context):\n    return "v1"\n' >fn/index.py
cat >fstage.yaml <<'YAML'
name: trio
functions:
  alpha: {runtime: Python3.10, handler: index.handler, code: fn}
  beta: {runtime: Python3.10, handler: index.handler, code: fn}
  gamma:
    runtime: Python3.10
    handler: index.handler
    code: fn
    build: "echo gamma does not build >&2; exit 3"
YAML
writes() { fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for x in json.load(sys.stdin) if x["method"] in ("POST", "PUT", "DELETE") and x["path"].startswith("/v2/")))'; }

# The third build fails: nothing remote changes, not even the first two functions.
code=0
"$FSTAGE" deploy >"$T/out" 2>"$T/err" || code=$?
[ "$code" != 0 ] || fail "a deploy whose build fails succeeded"
assert_contains "$T/err" "gamma does not build"
[ "$(writes)" = 0 ] || { fake_get /__requests; fail "a deploy whose third build failed wrote to the API"; }
fake_check "len(s['functions']) == 0" "functions were created"

# Fixed: all three.
sed -i '/build:/d' fstage.yaml
fs 0 deploy
fake_check "set(fns) == {'alpha', 'beta', 'gamma'}" "the three functions"

# New code for all three; the API refuses beta's: alpha is applied, beta and gamma are not.
printf 'def handler(event, context):\n    return "v2"\n' >fn/index.py
fake_faults '[{"method": "PUT", "path": ":beta(:latest)?/code", "status": 400, "count": 1}]'
fs 20 deploy
# The whole plan is printed before anything is applied: gamma's too, though beta failed.
"$PY" - "$T/err" <<'PY' || fail "the plans were not all printed before the first change"
import sys
err = open(sys.argv[1]).read()
assert err.index("gamma:") < err.index("fstage: deployed alpha"), err
PY
assert_contains "$T/err" "applied: alpha"
assert_contains "$T/err" "not applied: beta, gamma"
assert_contains "$T/err" "run the same deploy again"
# Run again: it converges (alpha is left alone, beta and gamma get their code), then a no-op.
fs 0 deploy
fake_check "len({f['config']['digest'] for f in s['functions']}) == 1" "the three have the same code"
fs 0 deploy
assert_contains "$T/err" "nothing to change"
assert_no_secrets
