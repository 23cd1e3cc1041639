# `fstage logs --follow` in a second process shows a function's line within 100 ms of the
# function writing it. How it is measured: the function prints time.time() (flushed) as it
# writes the line; a reader started with `fstage logs --follow` stamps each line of its stdout
# with time.time() as it reads it; both clocks are this machine's. Every one of 5 lines must
# arrive within 100 ms. Also: --follow starts with the recent lines (-n), filters by function,
# ends quietly with 130 on SIGINT, and ends by itself (0) when serve stops.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def stamp(event, context):
    print("STAMP %.6f" % time.time(), flush=True)
    return {"statusCode": 200, "body": "ok"}

def other(event, context):
    print("OTHER line", flush=True)
    return {"statusCode": 200, "body": "ok"}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: logs-follow
functions:
  stamp:
    runtime: Python3.10
    handler: index.stamp
    code: fn
    triggers: [{type: APIG, path: /stamp, method: GET}]
  other:
    runtime: Python3.10
    handler: index.other
    code: fn
    triggers: [{type: APIG, path: /other, method: GET}]
YAML
serve_start "$T/fstage.yaml"
[ "$(req "$T/first" GET /stamp)" = 200 ] || fail "/stamp"  # a recent line, and a warm instance

# The reader: `fstage logs stamp --follow` as a child, each line stamped as it is read.
cat >"$T/reader.py" <<'PY'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=open(sys.argv[0] + ".err", "w"), bufsize=0)
with open(sys.argv[0] + ".pid", "w") as f:
    f.write(str(p.pid))
out = open(sys.argv[0] + ".out", "w", buffering=1)
for raw in iter(p.stdout.readline, b""):
    out.write("%.6f %s" % (time.time(), raw.decode()))
out.write("END %d\n" % p.wait())
PY
"$PYTHON" "$T/reader.py" "$FSTAGE" logs stamp --follow -n 5 -f "$T/fstage.yaml" &
READER=$!
for _ in $(seq 1 100); do grep -q STAMP "$T/reader.py.out" 2>/dev/null && break; sleep 0.05; done
grep -q STAMP "$T/reader.py.out" || { cat "$T/reader.py.err"; fail "--follow did not print the recent line first"; }
sleep 0.3
for _ in 1 2 3 4 5; do
  [ "$(req "$T/o" GET /other)" = 200 ] || fail "/other"
  [ "$(req "$T/s" GET /stamp)" = 200 ] || fail "/stamp"
  sleep 0.2
done
for _ in $(seq 1 40); do [ "$(grep -c STAMP "$T/reader.py.out")" -ge 6 ] && break; sleep 0.05; done
kill -INT "$(cat "$T/reader.py.pid")"
wait "$READER"
"$PYTHON" - "$T/reader.py.out" <<'PYCHECK' || { cat "$T/reader.py.out" "$T/reader.py.err"; fail "latency"; }
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[-1] == "END 130", lines[-1]            # Ctrl-C: 130
stamps = [l for l in lines if "STAMP" in l]
assert len(stamps) == 6, stamps                     # the recent one, then 5 live
assert not any("OTHER" in l for l in lines), lines  # another function's lines are not shown
delays = []
for l in stamps[1:]:
    read_at = float(l.split()[0])
    written_at = float(l.rsplit("STAMP ", 1)[1])
    delays.append((read_at - written_at) * 1000)
print("logs --follow delays (ms): " + ", ".join("%.1f" % d for d in delays))
assert all(0 <= d < 100 for d in delays), delays
PYCHECK
[ "$(cat "$T/reader.py.err")" = "fstage: interrupted by SIGINT" ] || { cat "$T/reader.py.err"; fail "more than the one interrupted line on stderr"; }

# Following until serve stops: the stream ends and so does fstage logs, with 0.
"$FSTAGE" logs --follow -f "$T/fstage.yaml" >"$T/f2.out" 2>"$T/f2.err" &
F2=$!
sleep 0.5
serve_stop INT
rc=0; wait "$F2" || rc=$?
[ "$rc" = 0 ] || { cat "$T/f2.err"; fail "logs --follow exited $rc when serve stopped"; }
assert_contains "$T/f2.err" "stopped"
echo OK
