# Many instances starting at once: every request gets 200. Regression test for a hang: the
# sandbox child, cloned from serve's threads, called glibc's setresuid, whose setxid broadcast
# takes the thread-list lock a parent thread may hold (pthread_create) at the moment of the
# clone; one start in two rounds then hung until the 5 s APIG timeout (504).
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def handler(event, context):
    return {"statusCode": 200, "body": "ok " + context.getRequestID()}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: cold
functions:
  a:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{ type: APIG, path: /a }]
YAML
for round in 1 2 3 4; do
  serve_start "$T/fstage.yaml" --concurrency 8 --no-timers
  pids=()
  for i in 1 2 3 4 5 6 7 8; do ( req "$T/r$i" GET /a >"$T/r$i.code" ) & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  for i in 1 2 3 4 5 6 7 8; do
    [ "$(cat "$T/r$i.code")" = 200 ] ||
      { cat "$T/r$i"; tail -5 "$T/serve.log"; fail "round $round request $i: $(cat "$T/r$i.code")"; }
  done
  serve_stop TERM
done
