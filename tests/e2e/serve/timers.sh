# TIMER triggers fire on their schedule with the platform's timer payload; --no-timers stops
# them.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import json

def handler(event, context):
    print("EVENT " + json.dumps(event, sort_keys=True))
    return "ok"
PY
cat >"$T/fstage.yaml" <<'YAML'
name: timers
functions:
  tick:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers:
      - { type: TIMER, schedule: "@every 1s", user_event: "hello timer" }
      - { type: TIMER, schedule: "CRON_TZ=Asia/Shanghai * * * * * *" }
YAML
serve_start "$T/fstage.yaml"
sleep 2.6
serve_stop TERM
grep -q '"source":"timer","method":"TIMER","path":"tick-timer","status":200' "$T/serve.log" ||
  { cat "$T/serve.log"; fail "no successful @every timer run"; }
grep -q '"path":"tick-timer2","status":200' "$T/serve.log" || fail "no cron timer run"
grep -q 'EVENT {\\"time\\": \\"[0-9T:-]*+08:00\\", \\"trigger_name\\": \\"tick-timer2\\", \\"trigger_type\\": \\"TIMER\\", \\"user_event\\": \\"\\", \\"version\\": \\"v1.0\\"}' "$T/serve.log" ||
  { grep EVENT "$T/serve.log"; fail "cron timer payload"; }
grep -q '\\"user_event\\": \\"hello timer\\"' "$T/serve.log" || fail "user_event"

serve_start "$T/fstage.yaml" --no-timers
sleep 1.3
serve_stop TERM
assert_not_contains "$T/serve.log" '"source":"timer"'
