# A function's own instance quota (strategy_config.concurrency) caps --concurrency, as the
# platform caps it: three slow requests at once to a function set to one instance all run on
# that one, in turn, while the same function without the quota scales out for them. serve says
# so at startup.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import os
import time

INSTANCE = os.urandom(8).hex()  # one per instance (in its own PID namespace every pid is 2)

def handler(event, context):
    time.sleep(0.4)
    return {"statusCode": 200, "body": INSTANCE}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: quota
functions:
  one:
    runtime: Python3.10
    handler: index.handler
    code: fn
    strategy_config: { concurrency: 1 }
    triggers: [{ type: APIG, path: /one, method: GET }]
  free:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{ type: APIG, path: /free, method: GET }]
YAML
serve_start "$T/fstage.yaml" --concurrency 4 --no-timers
grep -q 'one: 1 instance at most (its strategy_config.concurrency)' "$T/serve.log" ||
  { cat "$T/serve.log"; fail "the quota is not reported"; }
if grep -q 'free: .* at most' "$T/serve.log"; then cat "$T/serve.log"; fail "free has no quota"; fi
burst() {  # FN: three requests at once; how many instances answered them
  local fn=$1 i
  for i in 1 2 3; do
    curl -s -o "$T/$fn.$i" "$(URL /"$fn")" &
  done
  wait
  for i in 1 2 3; do cat "$T/$fn.$i"; echo; done | sort -u | grep -c .
}
# One request each first: serve then knows they are slow (0.4 s) against a start, and scales out
# for a burst where it may.
for fn in one free; do [ "$(req "$T/w" GET /"$fn")" = 200 ] || fail "GET /$fn"; done
[ "$(burst one)" = 1 ] || fail "three requests at once ran on more than the one instance allowed"
[ "$(burst free)" -gt 1 ] || fail "without a quota the burst should have started more instances"
serve_stop
