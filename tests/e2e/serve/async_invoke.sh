# Asynchronous invocation (issue 22 items 3 and 5): POST …/invocations-async answers 202 with a
# request id; a function that always fails runs exactly 1 + max_async_retry_attempts times and
# its notification, in the platform's shape, reaches the on_failure destination (another
# function, whose own success notification lands in a local OBS bucket); a success reaches
# on_success (an OBS bucket); an event older than max_async_event_age_in_seconds is not run
# again; a full queue answers 429; X-CFF-Invoke-Type: async on the sync route goes async; the
# async-invoke-config routes set, read and delete the configuration; async-invocations lists
# the outcomes; POST …/cancel discards a queued event. fstage validate checks async_invoke:.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import os, time

def crash(event, context):
    os._exit(3)  # the runtime dies mid-invocation

def hang(event, context):
    time.sleep(10)  # past the function's 3 s timeout

def hog(event, context):
    chunks = []
    while True:  # past the function's 128 MB: the sandbox's memory limit ends it (OOM)
        chunks.append(bytearray(16 << 20))

def bad(event, context):
    raise ValueError("always fails: %s" % event.get("n"))

def good(event, context):
    return {"echo": event}

def slow(event, context):
    time.sleep(2.5)  # longer than the seven requests below take on a busy machine
    return "slept"
PY
cat >"$T/fstage.yaml" <<'YAML'
name: async
functions:
  bad:
    runtime: Python3.10
    handler: index.bad
    code: fn
    async_invoke:
      max_async_retry_attempts: 2
      on_failure: {destination: FunctionGraph, func_urn: catcher}
  catcher:
    runtime: Python3.10
    handler: index.good
    code: fn
    async_invoke:
      on_success: {destination: OBS, bucket: caught}
  good:
    runtime: Python3.10
    handler: index.good
    code: fn
    async_invoke:
      on_success: {destination: OBS, bucket: out, prefix: results/}
  old:
    runtime: Python3.10
    handler: index.bad
    code: fn
    async_invoke:
      max_async_retry_attempts: 3
      max_async_event_age_in_seconds: 1
      on_failure: {destination: OBS, bucket: dead}
  slow:
    runtime: Python3.10
    handler: index.slow
    code: fn
  crash:
    runtime: Python3.10
    handler: index.crash
    code: fn
    async_invoke:
      on_failure: {destination: OBS, bucket: failed, prefix: crash}
  hang:
    runtime: Python3.10
    handler: index.hang
    timeout: 3
    code: fn
    async_invoke:
      on_failure: {destination: OBS, bucket: failed, prefix: hang}
  hog:
    runtime: Python3.10
    handler: index.hog
    memory: 128
    code: fn
    async_invoke:
      on_failure: {destination: OBS, bucket: failed, prefix: hog}
YAML
# fstage validate: the manifest above is fine; mistakes are reported at file:line:column.
(cd "$T" && expect_exit 0 "$FSTAGE" validate)
sed 's/func_urn: catcher/func_urn: catchr/; s/max_async_retry_attempts: 3/max_async_retry_attempts: 5/' \
  "$T/fstage.yaml" >"$T/bad.yaml"
expect_exit 3 "$FSTAGE" validate -f "$T/bad.yaml"
assert_contains "$T/err" "bad.yaml:9:58: functions.bad.async_invoke: func_urn 'catchr' names no function"
assert_contains "$T/err" "did you mean 'catcher'?"
assert_contains "$T/err" "0-3 retries (default 1)"
PID=0123456789abcdef0123456789abcdef
FSTAGE_ASYNC_RETRY_DELAY_MS=300 serve_start "$T/fstage.yaml" --concurrency 2 --queue 4
fn_path() { echo "/v2/$PID/fgs/functions/urn:fss:cn-north-4:$PID:function:default:$1:latest/$2"; }
# wait_file GLOB: the first file matching GLOB within 30 s.
wait_file() {
  local i f
  for i in $(seq 1 300); do
    for f in $1; do [ -f "$f" ] && { echo "$f"; return 0; }; done
    sleep 0.1
  done
  tail -30 "$T/serve.log"; fail "no file $1"
}

# A crash, a timeout and running out of memory are failures like an error: retried once (the
# default), then sent to on_failure; checked at the end (the timeout takes two times 3 s).
for f in crash hang hog; do
  [ "$(req "$T/r" POST "$(fn_path $f invocations-async)" -d '{}')" = 202 ] || fail "$f: not accepted"
  json_get "$T/r" 'j["request_id"]' >"$T/$f.id"
done

# The always-failing function: 202 and a request id at once.
code=$(req "$T/r" POST "$(fn_path bad invocations-async)" -H 'content-type: application/json' -d '{"n": 7}')
[ "$code" = 202 ] || { cat "$T/r"; fail "invocations-async answered $code"; }
bad_id=$(json_get "$T/r" 'j["request_id"]')
assert_contains "$T/r.h" "X-Cff-Request-Id: $bad_id"
# Its failure notification goes to `catcher`, whose success notification lands in bucket caught.
f=$(wait_file "$T/.fstage/buckets/caught/*.json")
"$PYTHON" - "$f" "$bad_id" "$FSTAGE_SOURCE_DIR/tests/fixtures/platform-events/async_invocation_notification.json" <<'PY' ||
import json, sys
outer = json.load(open(sys.argv[1]))
platform = json.load(open(sys.argv[3]))
# What catcher received: bad's failure notification.
note = json.loads(outer["request_payload"])
def shape(a, b, path):
    assert type(a) is type(b), (path, type(a), type(b))
    if isinstance(b, dict):
        assert set(a) == set(b), (path, sorted(a), sorted(b))
        for k in b:
            shape(a[k], b[k], path + "." + k)
shape(note, platform, "notification")
shape(outer, platform, "catcher's notification")
rc = note["request_context"]
assert rc["request_id"] == sys.argv[2], rc
assert rc["condition"] == "UnhandledInvocationError", rc
assert rc["approximate_invoke_count"] == 3, rc  # 1 + max_async_retry_attempts
assert rc["function_urn"].endswith(":function:default:bad:latest"), rc
assert json.loads(note["request_payload"]) == {"n": 7}, note["request_payload"]
assert note["response_context"]["status_code"] != 200, note
assert note["response_context"]["function_error"] == "ValueError", note
assert "always fails: 7" in note["response_payload"], note
assert outer["request_context"]["condition"] == "" and outer["response_context"]["status_code"] == 200, outer
PY
  { cat "$f"; fail "the failure notification"; }
attempts=$(grep -c "\"source\":\"async\".*\"request_id\":\"$bad_id\"" "$T/serve.log" || true)
[ "$attempts" = 3 ] || { grep "$bad_id" "$T/serve.log"; fail "bad ran $attempts times, want 3"; }
[ "$(req "$T/l" GET "$(fn_path bad async-invocations)?request_id=$bad_id")" = 200 ] || fail "async-invocations"
[ "$(json_get "$T/l" 'j["invocations"][0]["status"], j["count"]')" = "FAIL 1" ] || { cat "$T/l"; fail "listing"; }

# Success: the OBS destination gets the result under the prefix.
code=$(req "$T/r" POST "$(fn_path good invocations-async)" -d '{"k": "v"}')
[ "$code" = 202 ] || fail "good: $code"
good_id=$(json_get "$T/r" 'j["request_id"]')
f=$(wait_file "$T/.fstage/buckets/out/results/$good_id.json")
[ "$(json_get "$f" 'j["request_context"]["condition"], j["response_context"]["status_code"], json.loads(j["response_payload"])["echo"]["k"]')" = " 200 v" ] ||
  { cat "$f"; fail "the success notification"; }
ls -A "$T/.fstage/buckets/out/results/" | grep -q '^\.fstage-tmp-' && fail "a temporary file was left"

# X-CFF-Invoke-Type: async on the sync route: the same 202, the same destination.
code=$(req "$T/r" POST "$(fn_path good invocations)" -H 'X-CFF-Invoke-Type: async' -d '{"k": "header"}')
[ "$code" = 202 ] || { cat "$T/r"; fail "X-CFF-Invoke-Type: async answered $code"; }
f=$(wait_file "$T/.fstage/buckets/out/results/$(json_get "$T/r" 'j["request_id"]').json")
assert_contains "$f" 'header'

# The maximum age: retries wait 300, 600, 1200 ms, so the event is over 1 s old before its last
# retry and is not run again.
code=$(req "$T/r" POST "$(fn_path old invocations-async)" -d '{}')
[ "$code" = 202 ] || fail "old: $code"
f=$(wait_file "$T/.fstage/buckets/dead/*.json")
[ "$(json_get "$f" 'j["request_context"]["condition"], j["request_context"]["approximate_invoke_count"] < 4')" = "EventAgeExceeded True" ] ||
  { cat "$f"; fail "the maximum age"; }

# Errors: a body over 256 KB, not JSON, an unknown function.
head -c 300000 /dev/zero | tr '\0' 'a' | sed 's/^/"/;s/$/"/' >"$T/big"
[ "$(req "$T/r" POST "$(fn_path good invocations-async)" --data-binary @"$T/big")" = 413 ] || fail "256 KB"
[ "$(req "$T/r" POST "$(fn_path good invocations-async)" -d '{nope')" = 400 ] || fail "bad JSON"
[ "$(req "$T/r" POST "$(fn_path nope invocations-async)" -d '{}')" = 404 ] || fail "unknown function"
assert_contains "$T/r" FSS.1051

# A full queue: --queue 4 events per function not yet finished; the rest are refused with 429
# and a hint, none silently dropped.
accepted=0 refused=0
for i in 1 2 3 4 5 6 7; do
  c=$(req "$T/q" POST "$(fn_path slow invocations-async)" -d "{\"i\": $i}")
  case $c in
    202) accepted=$((accepted + 1)); last=$(json_get "$T/q" 'j["request_id"]') ;;
    429) refused=$((refused + 1)); assert_contains "$T/q" FSS.0429; assert_contains "$T/q" "--queue" ;;
    *) cat "$T/q"; fail "slow: $c" ;;
  esac
done
[ "$accepted" = 4 ] && [ "$refused" = 3 ] || fail "queue: $accepted accepted, $refused refused"
# The last one still waits (two instances run the first two): POST …/cancel discards it.
[ "$(req "$T/x" POST "$(fn_path slow cancel)" -d "{\"request_id\": \"$last\"}")" = 200 ] || { cat "$T/x"; fail "cancel"; }
[ "$(req "$T/x" POST "$(fn_path slow cancel)" -d "{\"request_id\": \"$last\"}")" = 400 ] || fail "cancel twice"
for i in $(seq 1 200); do
  req "$T/l" GET "$(fn_path slow async-invocations)?status=SUCCESS" >/dev/null
  [ "$(json_get "$T/l" 'j["count"]')" = 3 ] && break
  sleep 0.1
done
[ "$(json_get "$T/l" 'j["count"]')" = 3 ] || { cat "$T/l"; fail "the accepted events did not all run"; }
req "$T/l" GET "$(fn_path slow async-invocations)?status=DISCARD" >/dev/null
[ "$(json_get "$T/l" 'j["count"], j["invocations"][0]["request_id"]')" = "1 $last" ] || { cat "$T/l"; fail "the cancelled one"; }

# The async-invoke-config routes: PUT then GET, then DELETE.
cfg='{"max_async_event_age_in_seconds": 60, "max_async_retry_attempts": 0, "destination_config": {"on_failure": {"destination": "OBS", "param": "{\"bucket\": \"api\"}"}}}'
[ "$(req "$T/c" PUT "$(fn_path slow async-invoke-config)" -d "$cfg")" = 200 ] || { cat "$T/c"; fail "PUT"; }
[ "$(req "$T/c" GET "$(fn_path slow async-invoke-config)")" = 200 ] || fail "GET"
[ "$(json_get "$T/c" 'j["max_async_retry_attempts"], j["max_async_event_age_in_seconds"], j["destination_config"]["on_failure"]["destination"], json.loads(j["destination_config"]["on_failure"]["param"])["bucket"], j["func_urn"].endswith(":slow:latest"), bool(j["last_modified"])')" = "0 60 OBS api True True" ] ||
  { cat "$T/c"; fail "the configuration read back"; }
[ "$(req "$T/c" GET "$(fn_path slow async-invoke-configs)")" = 200 ] || fail "GET configs"
[ "$(json_get "$T/c" 'j["count"], j["async_invoke_configs"][0]["max_async_retry_attempts"]')" = "1 0" ] || { cat "$T/c"; fail "configs"; }
[ "$(req "$T/c" GET "$(fn_path bad async-invoke-config)")" = 200 ] || fail "the manifest's configuration"
[ "$(json_get "$T/c" 'j["max_async_retry_attempts"], json.loads(j["destination_config"]["on_failure"]["param"])["func_urn"].endswith(":catcher:latest")')" = "2 True" ] ||
  { cat "$T/c"; fail "the manifest's configuration read back"; }
[ "$(req "$T/c" PUT "$(fn_path slow async-invoke-config)" -d '{"max_async_retry_attempts": 9}')" = 400 ] || fail "out of range"
assert_contains "$T/c" FSS.0400
[ "$(req "$T/c" PUT "$(fn_path slow async-invoke-config)" -d '{"destination_config": {"on_success": {"destination": "OBX", "param": "{}"}}}')" = 400 ] || fail "unknown destination"
assert_contains "$T/c" "did you mean 'OBS'"
[ "$(req "$T/c" DELETE "$(fn_path slow async-invoke-config)")" = 204 ] || fail "DELETE"
[ "$(req "$T/c" GET "$(fn_path slow async-invoke-config)")" = 404 ] || fail "GET after DELETE"

for f in crash hang hog; do
  n=$(wait_file "$T/.fstage/buckets/failed/$f/$(cat "$T/$f.id").json")
  [ "$(json_get "$n" 'j["request_context"]["condition"], j["request_context"]["approximate_invoke_count"], j["response_context"]["status_code"]')" = "UnhandledInvocationError 2 500" ] ||
    { cat "$n"; fail "$f: the failure notification"; }
done
serve_stop TERM
