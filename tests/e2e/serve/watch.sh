# --watch: a code change recycles the instances quickly (a request in flight finishes on the
# old code), and a manifest change adds a route without a restart.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def handler(event, context):
    if (event.get("queryStringParameters") or {}).get("slow"):
        time.sleep(1)
    return {"statusCode": 200, "body": "v1"}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: watch
functions:
  app:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers:
      - { type: APIG, path: /app, method: GET }
YAML
serve_start "$T/fstage.yaml" --watch --concurrency 2
[ "$(req "$T/r" GET /app)" = 200 ] && assert_contains "$T/r" v1
( req "$T/slow" GET '/app?slow=1' >"$T/slow.code" ) &
slow_pid=$!
sleep 0.3
sed -i 's/"v1"/"v2"/' "$T/fn/index.py"
start=$(date +%s%N)
got=
for i in $(seq 1 100); do
  req "$T/r" GET /app >/dev/null
  if grep -q v2 "$T/r"; then got=$(( ($(date +%s%N) - start) / 1000000 )); break; fi
  sleep 0.02
done
[ -n "$got" ] || fail "the change was not picked up within 2 s"
echo "new code served after ${got} ms (cold start included)"
wait "$slow_pid"
[ "$(cat "$T/slow.code")" = 200 ] || fail "in-flight request failed"
assert_contains "$T/slow" v1
grep -q 'code changed: rebuilt and recycled' "$T/serve.log" || fail "no recycle logged"

# A manifest change: a new route appears.
cat >>"$T/fstage.yaml" <<'YAML'
      - { type: APIG, path: /other, method: GET }
YAML
for i in $(seq 1 100); do
  [ "$(req "$T/r" GET /other)" = 200 ] && break
  sleep 0.02
done
assert_contains "$T/r" v2
grep -q '"reloaded fstage.yaml' "$T/serve.log" || fail "no reload logged"
# A broken manifest keeps the previous routes.
echo "functions: [" >>"$T/fstage.yaml"
sleep 0.5
[ "$(req "$T/r" GET /other)" = 200 ] || fail "a broken manifest dropped the routes"
grep -q 'does not load; still serving' "$T/serve.log" || fail "no warning for the broken manifest"
serve_stop INT
