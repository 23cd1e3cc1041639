# An instance lent to the HTTP loop (FunctionPool::submit_from_loop) idles out --idle-timeout
# after its last request, not after the wait its worker's thread began before lending it: under
# seven seconds of steady load (four keep-alive clients, two instances, every answer checked
# against its own request), then idle, the instances stay for the idle timeout (4 s) and are
# gone after it. (The thread's wait began when the load did: timed by that wait, they went
# about a second after the load ended.)
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/js"
cat >"$T/js/index.js" <<'JS'
exports.handler = async (event, context) => {
  const n = (event.queryStringParameters || {}).n;
  return { statusCode: 200, body: 'n=' + n + ' ' + context.getRequestID() };
};
JS
cat >"$T/fstage.yaml" <<'YAML'
name: lent
functions:
  js:
    runtime: Node.js20.15
    handler: index.handler
    code: js
    triggers: [{ type: APIG, path: /js, timeout: 60000 }]
YAML
serve_start "$T/fstage.yaml" --concurrency 2 --idle-timeout 4 --no-timers
[ "$(req "$T/r" GET '/js?n=0')" = 200 ] || { cat "$T/r"; fail "first request"; }

instances() {
  curl -s "$(URL /_fstage/metrics)" |
    awk 'index($0, "fstage_function_instances{function=\"js\",") == 1 { n += $2 } END { print n + 0 }'
}

# Four clients for 7 s, each answer its own request's (n, and the X-Request-Id it reports).
"$PYTHON" - "$PORT" <<'PYLOAD' || fail "the load"
import http.client, sys, threading, time
port = int(sys.argv[1])
stop = time.monotonic() + 7
errors, counts = [], []

def client(k):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while time.monotonic() < stop:
        n += 1
        tag = "%d-%d" % (k, n)
        conn.request("GET", "/js?n=" + tag)
        r = conn.getresponse()
        body = r.read().decode()
        rid = r.getheader("X-Request-Id") or ""
        if r.status != 200 or body != "n=%s %s" % (tag, rid):
            errors.append("%s: %d %r (request id %r)" % (tag, r.status, body, rid))
            return
    counts.append(n)

threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if errors or len(counts) != 4:
    sys.exit("wrong answers: %s" % errors[:5])
print("requests:", sum(counts))
PYLOAD
ended=$(date +%s%N)
since() { echo $((($(date +%s%N) - ended) / 1000000)); }

# 1.5 s after the last request, well inside the idle timeout, the instances are there (timed by
# the thread's wait they went about a second after the load; the margin is for a slow machine).
sleep 1.5
n=$(instances)
[ "$n" -ge 1 ] || fail "no instance left $(since) ms after the last request (--idle-timeout 4)"
# And gone once the idle timeout has passed (within a few seconds more).
for _ in $(seq 60); do
  [ "$(instances)" = 0 ] && break
  sleep 0.2
done
[ "$(instances)" = 0 ] || fail "$(instances) instances still there $(since) ms after the last request"
at=$(since)
[ "$at" -ge 3000 ] || fail "the instances went after $at ms, well before the idle timeout (4 s)"
serve_stop TERM
echo "ok"
