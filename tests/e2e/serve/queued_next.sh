# Under load, a quick function's next request waits in its instance, behind the running one
# (FunctionRunner::invoke's `next`), in Node.js and in Python. Each request still gets its own
# answer, and its own output: the lines it prints (stdout, stderr, raw fd 2, a last line without
# a newline) carry its request id in serve's log, never a neighbour's. A crash does not lose the
# request queued behind it: it runs on a new instance. Nor does a Node.js exception thrown from
# asynchronous code: the shim answers the request that was running with the error, says it is
# exiting and exits, and the request queued behind it, which never started, runs on a new
# instance (it was once reported as crashed).
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/js" "$T/py"
cat >"$T/js/index.js" <<'JS'
exports.handler = async (event, context) => {
  const id = context.getRequestID();
  const q = event.queryStringParameters || {};
  if (q.crash) process.exit(3);
  if (q.boom) {  // thrown outside the handler's promise, while it waits
    setTimeout(() => { throw new Error('boom ' + id); }, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log('out ' + id);
  console.error('err ' + id);
  process.stdout.write('tail ' + id);
  return { statusCode: 200, body: id };
};
JS
cat >"$T/py/index.py" <<'PY'
import os
import sys


def handler(event, context):
    rid = context.getRequestID()
    if (event.get("queryStringParameters") or {}).get("crash"):
        os._exit(3)
    print("out " + rid)
    sys.stderr.write("err " + rid + "\n")
    os.write(2, ("raw " + rid + "\n").encode())
    return {"statusCode": 200, "body": rid}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: queued
functions:
  js:
    runtime: Node.js20.15
    handler: index.handler
    code: js
    triggers: [{ type: APIG, path: /js, timeout: 60000 }]
  py:
    runtime: Python3.10
    handler: index.handler
    code: py
    triggers: [{ type: APIG, path: /py, timeout: 60000 }]
YAML
# The routes' timeout is the longest APIG allows: at --concurrency 1 a request waits behind
# every one before it and the four cold starts the crashes cause, which on a loaded machine
# can pass the default 5 s (a 504, no fault of the queue's).
serve_start "$T/fstage.yaml" --concurrency 1 --no-timers

# One client: N keep-alive requests, each answer's body and X-Request-Id to a line.
client() {
  local fn=$1 c=$2 args=() i
  for i in $(seq 40); do args+=(-o "$T/b.$fn.$c.$i" "$(URL /"$fn")"); done
  curl -s -w '%{http_code} %header{x-request-id}\n' "${args[@]}" >"$T/codes.$fn.$c"
}
queued() {
  curl -s "$(URL /_fstage/metrics)" |
    sed -n "s/^fstage_function_queued_in_instance_total{function=\"$1\"} //p"
}
for fn in js py; do
  for i in 1 2 3; do req "$T/warm" GET "/$fn" >/dev/null; done  # warm, and a known duration
  # Rounds until the queue was used (a loaded machine may make the first ones slow: the queue
  # is for functions whose requests take under 1 ms), five at most; a crash in the first.
  for round in 1 2 3 4 5; do
    pids=()
    for c in 1 2 3 4 5 6; do client "$fn" "$c" & pids+=($!); done
    if [ "$round" = 1 ]; then
      sleep 0.2
      crash=$(req "$T/crash.$fn" GET "/$fn?crash=1")
      [ "$crash" -ge 500 ] || fail "$fn: the crash answered $crash"
      if [ "$fn" = js ]; then
        for i in 1 2 3; do
          sleep 0.1
          boom=$(req "$T/boom.$fn" GET "/$fn?boom=1")
          [ "$boom" -ge 500 ] || fail "$fn: the asynchronous exception answered $boom"
        done
      fi
    fi
    for p in "${pids[@]}"; do wait "$p"; done
    for c in 1 2 3 4 5 6; do
      [ "$(wc -l <"$T/codes.$fn.$c")" = 40 ] || fail "$fn client $c: $(wc -l <"$T/codes.$fn.$c") answers"
      i=0
      while read -r code id; do
        i=$((i + 1))
        [ "$code" = 200 ] || {
          tail -20 "$T/serve.log"
          fail "$fn client $c request $i: $code $(head -c 300 "$T/b.$fn.$c.$i")"
        }
        [ "$(cat "$T/b.$fn.$c.$i")" = "$id" ] || fail "$fn: request $id answered $(cat "$T/b.$fn.$c.$i")"
      done <"$T/codes.$fn.$c"
    done
    [ "$(queued "$fn")" -gt 0 ] && break
  done
  [ "$(queued "$fn")" -gt 0 ] || fail "$fn: no request was queued in its instance in 5 rounds"
done
serve_stop TERM

# Every line a function printed is logged under the request that printed it, and no marker
# byte shows.
"$PYTHON" - "$T/serve.log" <<'PYCHECK'
import json, re, sys
seen = {}
bad = []
for raw in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if "fstage:end" in raw or "\\u0000" in raw:
        bad.append(raw)
    try:
        rec = json.loads(raw)
    except ValueError:
        continue
    if rec.get("type") != "log" or rec.get("function") not in ("js", "py"):
        continue
    m = re.fullmatch(r"(out|err|tail|raw) (\S+)", rec.get("line", ""))
    if not m:
        continue
    if m.group(2) != rec.get("request_id"):
        bad.append(raw)
    seen.setdefault(rec["function"], set()).add(m.group(1))
if bad:
    sys.exit("lines under another request (or marker bytes) in serve's log:\n" + "".join(bad[:10]))
if seen.get("js") != {"out", "err", "tail"} or seen.get("py") != {"out", "err", "raw"}:
    sys.exit("missing lines: %r" % seen)
PYCHECK

# Below --concurrency too, once the pool wants no more instances (quick requests: the warm ones
# clear the queue sooner than a start would), the next request waits in an instance rather than
# for a free one; the instances stay fewer than the ceiling.
serve_start "$T/fstage.yaml" --concurrency 8 --no-timers
instances() {
  curl -s "$(URL /_fstage/metrics)" |
    awk -v f="fstage_function_instances{function=\"$1\"," 'index($0, f) == 1 { n += $2 } END { print n + 0 }'
}
for fn in js py; do
  for i in 1 2 3; do req "$T/warm" GET "/$fn" >/dev/null; done
  for round in 1 2 3 4 5; do
    pids=()
    for c in 1 2 3 4 5 6; do client "$fn" "$c" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p"; done
    for c in 1 2 3 4 5 6; do
      [ "$(grep -c '^200 ' "$T/codes.$fn.$c")" = 40 ] ||
        fail "$fn client $c at --concurrency 8: $(grep -v '^200 ' "$T/codes.$fn.$c" | head -3)"
    done
    [ "$(queued "$fn")" -gt 0 ] && break
  done
  [ "$(queued "$fn")" -gt 0 ] || fail "$fn: nothing queued in an instance below --concurrency"
  [ "$(instances "$fn")" -lt 8 ] || fail "$fn: $(instances "$fn") instances for quick requests"
done
serve_stop TERM
