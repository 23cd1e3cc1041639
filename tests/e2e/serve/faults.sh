# A handler that crashes every 10th request and one that times out: every other request still
# gets 200, failures get gateway errors with the request id, crashed instances are replaced,
# a full queue answers 503, and no fd or process leaks across the load.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import os, time
count = 0

def crashy(event, context):
    global count
    count += 1
    if count % 10 == 0:
        os._exit(3)  # the runtime dies mid-request
    return {"statusCode": 200, "body": "ok %d" % count}

def slow(event, context):
    time.sleep(float((event.get("queryStringParameters") or {}).get("s", "5")))
    return {"statusCode": 200, "body": "slept"}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: faults
functions:
  crashy:
    runtime: Python3.10
    handler: index.crashy
    code: fn
    triggers: [{ type: APIG, path: /crashy, method: GET }]
  slow:
    runtime: Python3.10
    handler: index.slow
    timeout: 3
    code: fn
    triggers: [{ type: APIG, path: /slow, method: GET }]
YAML
serve_start "$T/fstage.yaml" --concurrency 2 --queue 1

# The timeout: 504 with the request id, while the other function keeps answering.
( req "$T/slow" GET '/slow?s=10' >"$T/slow.code" ) &
slow_pid=$!
sleep 0.3
ok=0 bad=0
for i in $(seq 1 60); do
  c=$(req "$T/c" GET /crashy)
  if [ "$c" = 200 ]; then ok=$((ok + 1)); else
    bad=$((bad + 1))
    [ "$c" = 502 ] || { cat "$T/c"; fail "crash gave $c, want 502"; }
    assert_contains "$T/c" '"request_id"'
  fi
done
wait "$slow_pid"
[ "$(cat "$T/slow.code")" = 504 ] || { cat "$T/slow"; fail "timeout gave $(cat "$T/slow.code")"; }
assert_contains "$T/slow" '"request_id"'
echo "crashy: $ok ok, $bad crashed"
[ "$bad" -ge 3 ] && [ "$bad" -le 8 ] || fail "expected about one crash in 10, got $bad of 60"
[ "$ok" -ge 52 ] || fail "too few successes: $ok"

# Queue bound: 2 instances busy + 1 queued; the next ones are refused with 503.
qpids=()
for i in 1 2 3 4 5; do ( req "$T/q$i" GET '/slow?s=1' >"$T/q$i.code" ) & qpids+=($!); done
for p in "${qpids[@]}"; do wait "$p"; done
codes=$(for i in 1 2 3 4 5; do cat "$T/q$i.code"; echo; done | sort | tr '\n' ' ')
echo "queue codes: $codes"
echo "$codes" | grep -q 503 || fail "no 503 from a full queue: $codes"
[ "$(echo "$codes" | grep -o 200 | wc -l)" -ge 2 ] || fail "queued requests should still succeed: $codes"

# No fd leak: with every pool at its full size, more crashes and replacements leave the count
# where it was (give or take one instance's pipes being replaced).
for i in $(seq 1 40); do req "$T/c" GET /crashy >/dev/null; done
fd_mid=$(ls /proc/"$SERVE_PID"/fd | wc -l)
for i in $(seq 1 60); do req "$T/c" GET /crashy >/dev/null; done
fd_end=$(ls /proc/"$SERVE_PID"/fd | wc -l)
echo "fds: $fd_mid -> $fd_end"
[ "$fd_end" -le $((fd_mid + 6)) ] || fail "fd leak: $fd_mid -> $fd_end"
# Instances: at most --concurrency sandboxes per function are alive.
procs=$(descendants "$SERVE_PID" | wc -l)
echo "descendant processes: $procs"
serve_stop TERM
