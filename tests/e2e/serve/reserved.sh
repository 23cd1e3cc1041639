# reserved_instances: serve starts and initialises them before it listens, reports them at
# startup and in its metrics and console API, serves from them without a cold start (no init
# duration in the invocation's record, as the platform's REPORT), and --concurrency stays the
# ceiling (more reserved than that: the ceiling, and a warning).
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import os

def init(context):
    print("initialised in", os.getpid())

def handler(event, context):
    return {"statusCode": 200, "body": str(os.getpid())}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: reserved
functions:
  kept:
    runtime: Python3.10
    handler: index.handler
    initializer: index.init
    reserved_instances: 2
    code: fn
    triggers: [{ type: APIG, path: /kept, method: GET }]
  over:
    runtime: Python3.10
    handler: index.handler
    reserved_instances: 5
    code: fn
    triggers: [{ type: APIG, path: /over, method: GET }]
  plain:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{ type: APIG, path: /plain, method: GET }]
YAML
serve_start "$T/fstage.yaml" --concurrency 3 --no-timers

# Reported at startup, before "listening"; the ceiling named for `over`.
line_of() { grep -n -- "$1" "$T/serve.log" | head -1 | cut -d: -f1; }
kept_at=$(line_of 'kept: 2 reserved instances started and initialised')
over_at=$(line_of 'over: 3 reserved instances started and initialised')
listen_at=$(line_of 'listening on')
[ -n "$kept_at" ] && [ -n "$over_at" ] || { cat "$T/serve.log"; fail "reserved instances not reported"; }
[ "$kept_at" -lt "$listen_at" ] && [ "$over_at" -lt "$listen_at" ] ||
  { cat "$T/serve.log"; fail "reserved instances reported after listening"; }
grep -q 'over: reserved_instances 5 is over the 3 instances --concurrency 3 allows: 3 reserved' \
  "$T/serve.log" || { cat "$T/serve.log"; fail "no warning for more reserved than --concurrency"; }
[ "$(grep -c 'initialised in' "$T/serve.log")" = 2 ] ||
  { cat "$T/serve.log"; fail "kept's initializer should have run twice before any request"; }

# Before any request: the instances are there, started and initialised, none of them cold.
[ "$(req "$T/m" GET /_fstage/metrics)" = 200 ] || fail "metrics"
metric() { grep -F -- "$1 " "$T/m" | awk '{print $NF}'; }
[ "$(metric 'fstage_function_reserved_instances{function="kept"}')" = 2 ] || { cat "$T/m"; fail "kept reserved"; }
[ "$(metric 'fstage_function_reserved_instances{function="over"}')" = 3 ] || { cat "$T/m"; fail "over reserved"; }
[ "$(metric 'fstage_function_reserved_instances{function="plain"}')" = 0 ] || { cat "$T/m"; fail "plain reserved"; }
[ "$(metric 'fstage_function_instances{function="kept",state="idle"}')" = 2 ] || { cat "$T/m"; fail "kept idle"; }
[ "$(metric 'fstage_function_instances{function="plain",state="idle"}')" = 0 ] || { cat "$T/m"; fail "plain idle"; }
[ "$(req "$T/f" GET /_fstage/api/functions)" = 200 ] || fail "console functions"
[ "$(json_get "$T/f" '[f["instances"]["reserved"] for f in j if f["name"] == "kept"][0]')" = 2 ] ||
  { cat "$T/f"; fail "the console's functions should show 2 reserved"; }

# Requests on reserved instances: no cold start, no init duration; a function without
# reserved instances starts one on its first request, which reports its init duration.
for i in 1 2 3 4; do
  [ "$(req "$T/r" GET /kept)" = 200 ] || { cat "$T/r"; fail "GET /kept"; }
done
[ "$(req "$T/r" GET /plain)" = 200 ] || { cat "$T/r"; fail "GET /plain"; }
[ "$(req "$T/m" GET /_fstage/metrics)" = 200 ] || fail "metrics"
[ "$(metric 'fstage_function_cold_starts_total{function="kept"}')" = 0 ] || { cat "$T/m"; fail "kept had a cold start"; }
[ "$(metric 'fstage_function_cold_starts_total{function="plain"}')" = 1 ] || { cat "$T/m"; fail "plain's cold start"; }
[ "$(metric 'fstage_function_invocations_total{function="kept",status="success"}')" = 4 ] || { cat "$T/m"; fail "kept's 4"; }
[ "$(req "$T/i" GET '/_fstage/api/invocations?function=kept')" = 200 ] || fail "invocations"
[ "$(json_get "$T/i" 'len(j["invocations"])')" = 4 ] || { cat "$T/i"; fail "4 invocations of kept"; }
[ "$(json_get "$T/i" 'sum(1 for r in j["invocations"] if r["init_duration_ms"] != 0)')" = 0 ] ||
  { cat "$T/i"; fail "a request on a reserved instance reported an init duration"; }
[ "$(req "$T/i" GET '/_fstage/api/invocations?function=plain')" = 200 ] || fail "invocations"
[ "$(json_get "$T/i" 'j["invocations"][0]["init_duration_ms"] > 0')" = True ] ||
  { cat "$T/i"; fail "plain's first request should report its init duration"; }
# The initializer ran on the reserved instances only (not again for the requests).
[ "$(grep -c 'initialised in' "$T/serve.log")" = 2 ] || { cat "$T/serve.log"; fail "initializer ran again"; }
serve_stop TERM
