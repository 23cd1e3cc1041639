# SIGTERM during load: the requests in flight complete with 200, serve exits 130 and leaves no
# process behind; new connections are refused once it stopped listening.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def handler(event, context):
    time.sleep(0.8)
    return {"statusCode": 200, "body": "done " + context.getRequestID()}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: drain
functions:
  slow:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{ type: APIG, path: /slow }]
YAML
serve_start "$T/fstage.yaml" --concurrency 4
req "$T/warm" GET /slow >/dev/null  # start the instances' code once
pids=()
for i in 1 2 3 4; do ( req "$T/d$i" GET /slow >"$T/d$i.code" ) & pids+=($!); done
sleep 0.3
serve_stop TERM
for p in "${pids[@]}"; do wait "$p"; done
for i in 1 2 3 4; do
  [ "$(cat "$T/d$i.code")" = 200 ] || { cat "$T/d$i"; fail "in-flight request $i: $(cat "$T/d$i.code")"; }
  assert_contains "$T/d$i" "done "
done
grep -q '"SIGTERM: draining' "$T/serve.log" || fail "no drain message"
grep -q '"stopped"' "$T/serve.log" || fail "no stop message"
code=$(curl -s -o /dev/null -w '%{http_code}' "$(URL /slow)" || true)
[ "$code" = 000 ] || fail "still answering after exit: $code"
