# GET /_fstage/metrics after mixed traffic: successes, function errors, a timeout, a 503 from a
# full queue, cold starts and an EXPRESS flow. The exposition passes `promtool check metrics`
# and every count equals the requests made.
. "$(dirname "$0")/lib/serve.sh"
command -v promtool >/dev/null || skip "no promtool (Debian package prometheus)"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def ok(event, context):
    return {"statusCode": 200, "body": "ok"}

def err(event, context):
    raise ValueError("bad \"input\"\nsecond line")

def slow(event, context):
    time.sleep(float((event.get("queryStringParameters") or {}).get("s", "0")))
    return {"statusCode": 200, "body": "slept"}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: metrics
functions:
  ok:
    runtime: Python3.10
    handler: index.ok
    code: fn
    triggers: [{ type: APIG, path: /ok, method: GET }]
  err:
    runtime: Python3.10
    handler: index.err
    code: fn
    triggers: [{ type: APIG, path: /err, method: GET }]
  slow:
    runtime: Python3.10
    handler: index.slow
    timeout: 3
    code: fn
    triggers: [{ type: APIG, path: /slow, method: GET }]
flows:
  twice:
    mode: EXPRESS
    triggers:
      - {trigger_name: http, trigger_type: APIG, trigger_config: {path: /twice, method: POST}}
    start: one
    functions: [{name: ok, operation: ok}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: two, actions: [{function_ref: {ref_name: ok}}]}
      - {id: two, type: Operation, transition: done, actions: [{function_ref: {ref_name: ok}}]}
      - {id: done, type: End, end: true}
YAML
# One instance and no queue per function: each function's cold starts and its 503 are exact.
serve_start "$T/fstage.yaml" --concurrency 1 --queue 0

for i in 1 2 3 4 5; do
  [ "$(req "$T/r" GET /ok)" = 200 ] || { cat "$T/r"; fail "GET /ok"; }
done
for i in 1 2 3; do
  [ "$(req "$T/r" GET /err)" = 502 ] || { cat "$T/r"; fail "GET /err"; }
done
for i in 1 2; do
  [ "$(req "$T/r" POST /twice -d '{}')" = 200 ] || { cat "$T/r"; fail "POST /twice"; }
done
# The timeout (the function's own, 3 s) while a second request finds the one instance busy
# and no queue: 503.
( req "$T/slow" GET '/slow?s=6' >"$T/slow.code" ) &
slow_pid=$!
sleep 0.5
[ "$(req "$T/r" GET '/slow?s=0')" = 503 ] || { cat "$T/r"; fail "a full queue should answer 503"; }
wait "$slow_pid"
[ "$(cat "$T/slow.code")" = 504 ] || { cat "$T/slow"; fail "the timeout gave $(cat "$T/slow.code")"; }
# The timed-out instance is gone: the next request starts a new one (a second cold start).
[ "$(req "$T/r" GET '/slow?s=0')" = 200 ] || { cat "$T/r"; fail "GET /slow after the timeout"; }

[ "$(req "$T/metrics.txt" GET /_fstage/metrics)" = 200 ] || { cat "$T/metrics.txt"; fail "scrape"; }
grep -qi '^content-type: text/plain; version=0.0.4' "$T/metrics.txt.h" || {
  cat "$T/metrics.txt.h"; fail "not the exposition's content type"; }
promtool check metrics <"$T/metrics.txt" >"$T/promtool.out" 2>&1 || {
  cat "$T/promtool.out"; cat "$T/metrics.txt"; fail "promtool check metrics failed"; }

# value NAME{LABELS}: the sample's value (exactly one such line).
value() {
  local n
  n=$(grep -cF -- "$1 " "$T/metrics.txt" || true)
  [ "$n" = 1 ] || { cat "$T/metrics.txt"; fail "$n samples named $1"; }
  grep -F -- "$1 " "$T/metrics.txt" | awk '{print $NF}'
}
expect() {
  local got
  got=$(value "$1")
  [ "$got" = "$2" ] || { grep -F 'function="' "$T/metrics.txt" | head -80; fail "$1 is $got, want $2"; }
}
# ok: 5 from its route, 2 x 2 from the flow; one instance, started once.
expect 'fstage_function_invocations_total{function="ok",status="success"}' 9
expect 'fstage_function_invocations_total{function="ok",status="error"}' 0
expect 'fstage_function_duration_seconds_count{function="ok"}' 9
expect 'fstage_function_duration_seconds_bucket{function="ok",le="+Inf"}' 9
expect 'fstage_function_cold_starts_total{function="ok"}' 1
expect 'fstage_function_init_duration_seconds_count{function="ok"}' 1
expect 'fstage_function_invocations_total{function="err",status="error"}' 3
expect 'fstage_function_invocations_total{function="err",status="success"}' 0
expect 'fstage_function_cold_starts_total{function="err"}' 1
expect 'fstage_function_invocations_total{function="slow",status="timeout"}' 1
expect 'fstage_function_invocations_total{function="slow",status="success"}' 1
expect 'fstage_function_invocations_total{function="slow",status="rejected"}' 1
expect 'fstage_function_http_503_total{function="slow"}' 1
expect 'fstage_function_cold_starts_total{function="slow"}' 2
expect 'fstage_function_instances{function="ok",state="busy"}' 0
expect 'fstage_function_instances{function="ok",state="idle"}' 1
expect 'fstage_function_queue_depth{function="ok"}' 0
expect 'fstage_flow_executions_total{flow="twice",status="success"}' 2
expect 'fstage_flow_duration_seconds_count{flow="twice"}' 2
peak=$(value 'fstage_function_peak_memory_bytes{function="ok"}')
[ "$peak" -gt 1000000 ] || fail "peak memory of ok is $peak bytes"
[ "$(grep -c '^# TYPE fstage_function_invocations_total ' "$T/metrics.txt")" = 1 ] ||
  fail "TYPE repeated"

# Only GET; other pages under /_fstage/ stay 404.
[ "$(req "$T/r" POST /_fstage/metrics)" = 405 ] || fail "POST /_fstage/metrics should be 405"
echo "metrics: $(grep -vc '^#' "$T/metrics.txt") samples, promtool: $(cat "$T/promtool.out")"
serve_stop TERM
