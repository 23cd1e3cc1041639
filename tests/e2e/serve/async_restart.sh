# Nothing accepted is lost (issue 22 item 5): asynchronous events queued when serve gets SIGTERM
# stay journaled in .fstage/pending/async/ and run at the next start; so do those queued when
# serve is killed with SIGKILL. Every accepted request id ends in the success destination.
# Each event holds its instance for HOLD seconds, from the manifest: long while events are being
# queued, so that posting eight of them on a loaded machine never outlasts the first few (CI once
# saw five of eight half-second events run before the signal), and zero on each restart.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import os
import time

def slow(event, context):
    time.sleep(float(os.environ["HOLD"]))
    return event
PY
# manifest HOLD: writes fstage.yaml with that hold.
manifest() {
  cat >"$T/fstage.yaml" <<YAML
name: async-restart
functions:
  slow:
    runtime: Python3.10
    handler: index.slow
    code: fn
    env: {HOLD: "$1"}
    async_invoke:
      on_success: {destination: OBS, bucket: done}
YAML
}
path=/v2/local/fgs/functions/slow/invocations-async
: >"$T/ids"
# post N: N events, their request ids appended to $T/ids.
post() {
  local i
  for i in $(seq 1 "$1"); do
    [ "$(req "$T/r" POST "$path" -d "{\"i\": $i}")" = 202 ] || { cat "$T/r"; fail "not accepted"; }
    json_get "$T/r" 'j["request_id"]' >>"$T/ids"
  done
}
pending() { find "$T/.fstage/pending/async" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }
# all_done: every accepted id has its object in bucket `done` (within 60 s).
all_done() {
  local i id missing
  for i in $(seq 1 600); do
    missing=0
    while read -r id; do [ -f "$T/.fstage/buckets/done/$id.json" ] || missing=$((missing + 1)); done <"$T/ids"
    [ "$missing" = 0 ] && return 0
    sleep 0.1
  done
  tail -20 "$T/serve.log"; fail "$missing accepted event(s) never delivered"
}

# SIGTERM with events queued: one instance, eight events of two seconds each.
manifest 2
serve_start "$T/fstage.yaml" --concurrency 1
post 8
serve_stop TERM
left=$(pending)
[ "$left" -ge 4 ] || fail "only $left events journaled after SIGTERM"
grep -q 'stay in .fstage/pending/async/' "$T/serve.log" || { tail "$T/serve.log"; fail "the drain did not say so"; }
manifest 0
serve_start "$T/fstage.yaml" --concurrency 1
grep -q "delivering $left asynchronous event(s) journaled by a previous run" "$T/serve.log" ||
  { head -20 "$T/serve.log"; fail "the restart did not pick up the journal"; }
all_done
[ "$(pending)" = 0 ] || fail "journal entries left after delivery"

# SIGKILL with events queued: nothing ran the drain, the journal still has them.
serve_stop TERM
manifest 2
serve_start "$T/fstage.yaml" --concurrency 1
post 8
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null || true
SERVE_PID=
[ "$(pending)" -ge 4 ] || fail "only $(pending) events journaled after SIGKILL"
manifest 0
serve_start "$T/fstage.yaml" --concurrency 1
all_done
[ "$(wc -l <"$T/ids")" = 16 ] || fail "ids"
serve_stop TERM
