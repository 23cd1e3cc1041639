# Asynchronous invocation where serve runs rootless (issue 22): serve started as nobody
# (setpriv) journals the event under the project's .fstage/pending/async/, runs it, and its
# OBS destination writes the object under .fstage/buckets/ — no step needs root.
. "$(dirname "$0")/lib/serve.sh"
[ "$(id -u)" = 0 ] || skip "needs root to drop to nobody with setpriv"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody test -x "$FSTAGE" || skip "nobody may not run $FSTAGE (its directories are private)"
as_nobody /usr/bin/python3 -c 0 2>/dev/null || skip "nobody may not run /usr/bin/python3"
export FSTAGE_PYTHON=/usr/bin/python3
chmod 755 "$T"
proj="$T/proj"
mkdir -p "$proj/fn" "$T/home"
cat >"$proj/fn/index.py" <<'PY'
def handler(event, context):
    return {"got": event}
PY
cat >"$proj/fstage.yaml" <<'YAML'
name: rootless
functions:
  f:
    runtime: Python3.10
    handler: index.handler
    code: fn
    async_invoke:
      on_success: {destination: OBS, bucket: out, prefix: ok/}
YAML
chown -R 65534:65534 "$proj" "$T/home"
# serve_start, as nobody.
: >"$T/serve.log"
HOME="$T/home" XDG_CACHE_HOME="$T/home/cache" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$FSTAGE" serve -f "$proj/fstage.yaml" --port 0 --json >"$T/serve.log" 2>"$T/serve.err" &
SERVE_PID=$!
for i in $(seq 1 300); do
  PORT=$(sed -nE 's/.*"listening on http:\/\/[0-9.]+:([0-9]+).*/\1/p' "$T/serve.log" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$T/serve.err" "$T/serve.log"; fail "serve exited"; }
  sleep 0.05
done
[ -n "$PORT" ] || fail "serve did not listen"
[ "$(req "$T/r" POST /v2/local/fgs/functions/f/invocations-async -d '{"who": "nobody"}')" = 202 ] ||
  { cat "$T/r"; fail "not accepted"; }
id=$(json_get "$T/r" 'j["request_id"]')
for i in $(seq 1 300); do [ -f "$proj/.fstage/buckets/out/ok/$id.json" ] && break; sleep 0.1; done
f="$proj/.fstage/buckets/out/ok/$id.json"
[ -f "$f" ] || { tail -20 "$T/serve.log"; cat "$T/serve.err"; fail "no object for $id"; }
[ "$(json_get "$f" 'json.loads(j["response_payload"])["got"]["who"]')" = nobody ] || { cat "$f"; fail "payload"; }
[ "$(stat -c %u "$f")" = 65534 ] || fail "the object is not nobody's"
[ -z "$(ls -A "$proj/.fstage/pending/async/" | grep -v undelivered || true)" ] || fail "journal left"
serve_stop TERM
