# initializer_timeout is the initializer's own limit, with no grace (a 3 s initializer fails a
# 1 s limit), and a failed initializer is retried on a new instance at most 3 times, as the
# platform documents (devg-functiongraph functiongraph_02_0532, "initializer接口规范").
. "$(dirname "$0")/lib/invoke.sh"
need_python
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time
def slow_init(context):
    print("slow initializer ran", flush=True)
    time.sleep(3)
def bad_init(context):
    print("bad initializer ran")
    raise RuntimeError("no database")
def handler(event, context):
    return "ok"
PY
cat >"$T/fn/index.js" <<'JS'
exports.badInit = async () => { console.log('bad initializer ran'); throw new Error('no database'); };
exports.handler = async () => 'ok';
JS
cat >"$T/fstage.yaml" <<YAML
name: init-e2e
functions:
  slow:
    runtime: Python3.10
    handler: index.handler
    initializer: index.slow_init
    initializer_timeout: 1
    memory: 128
    timeout: 3
    code: fn
  bad:
    runtime: Python3.10
    handler: index.handler
    initializer: index.bad_init
    memory: 128
    timeout: 3
    code: fn
  badnode:
    runtime: Node.js18.15
    handler: index.handler
    initializer: index.badInit
    memory: 128
    timeout: 3
    code: fn
YAML

start=$(date +%s)
expect_exit 11 "$FSTAGE" invoke -f "$T/fstage.yaml" slow
took=$(($(date +%s) - start))
assert_contains "$T/out" "initialization timed out after 1 seconds"
# Four attempts of 1 s each, never the 3 s the initializer wants.
[ "$(grep -c "slow initializer ran" "$T/err")" = 4 ] || fail "not 4 attempts"
[ "$took" -lt 12 ] || fail "took ${took}s for four 1 s initializers"

expect_exit 10 "$FSTAGE" invoke -f "$T/fstage.yaml" bad
[ "$(json_get "$T/out" "j['errorMessage']")" = "function initialization exception: no database" ] || fail "errorMessage"
[ "$(grep -c "bad initializer ran" "$T/err")" = 4 ] || fail "python: not 4 attempts"
assert_contains "$T/err" "retrying on a new instance (retry 3 of 3)"

if command -v node >/dev/null; then
  expect_exit 10 "$FSTAGE" invoke -f "$T/fstage.yaml" badnode
  [ "$(grep -c "bad initializer ran" "$T/err")" = 4 ] || fail "node: not 4 attempts"
fi

# Java: the same retries (the shim reports an initializer's failure through the runtime API).
if command -v javac >/dev/null && command -v java >/dev/null; then
  mkdir -p "$T/jfn/src/main/java/demo"
  cat >"$T/jfn/src/main/java/demo/Handler.java" <<'JAVA'
package demo;

import com.huawei.services.runtime.Context;

public class Handler {
    public void badInit(Context context) {
        System.out.println("bad initializer ran");
        throw new IllegalStateException("no database");
    }

    public String handler(String event, Context context) {
        return "ok";
    }
}
JAVA
  cat >"$T/jfn/fstage.yaml" <<'YAML'
name: init-java
functions:
  badjava:
    runtime: Java17
    handler: demo.Handler.handler
    initializer: demo.Handler.badInit
    memory: 256
    timeout: 10
    code: .
YAML
  expect_exit 10 "$FSTAGE" invoke -f "$T/jfn/fstage.yaml" badjava
  assert_contains "$T/out" "no database"
  [ "$(grep -c "bad initializer ran" "$T/err")" = 4 ] || fail "java: not 4 attempts"
  assert_contains "$T/err" "retrying on a new instance (retry 3 of 3)"
fi
echo ok
