# The console's side of `fstage serve`: the page and its files from the binary (content types,
# ETag and 304), the JSON API (functions with routes and triggers, flows, graph, executions,
# recent invocations with their lines), server-sent events delivering a function's log line,
# a route under the reserved /_fstage/ left out with a warning, .fstage/serve.json while
# serving and gone after, and a stale one (serve killed) recognised by `fstage logs`.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def hello(event, context):
    print("hello line from the function", flush=True)
    context.getLogger().error("an error line")
    return {"statusCode": 200, "body": "hi"}

def step(event, context):
    return {"n": event.get("n", 0) + 1}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: console-api
functions:
  hello:
    runtime: Python3.10
    handler: index.hello
    code: fn
    triggers:
      - {type: APIG, path: /hello, method: GET}
      - {type: APIG, path: /_fstage/mine, method: GET}
      - {type: TIMER, schedule: "@every 1h"}
  step: {runtime: Python3.10, handler: index.step, code: fn}
flows:
  two:
    mode: EXPRESS
    start: a
    functions: [{name: step, operation: step}]
    constants: {}
    retries: []
    states:
      - {id: a, type: Operation, transition: b, actions: [{function_ref: {ref_name: step}}]}
      - {id: b, type: Operation, transition: done, actions: [{function_ref: {ref_name: step}}]}
      - {id: done, type: End, end: true}
YAML
serve_start "$T/fstage.yaml" --log-format json
# The reserved prefix: the manifest's route there is not served, and the log says so.
assert_contains "$T/serve.log" 'route GET /_fstage/mine of'
assert_contains "$T/serve.log" 'console on http://127.0.0.1:'
[ -f "$T/.fstage/serve.json" ] || fail "no .fstage/serve.json while serving"
[ "$(json_get "$T/.fstage/serve.json" 'j["url"]')" = "http://127.0.0.1:$PORT" ] || { cat "$T/.fstage/serve.json"; fail "serve.json url"; }
[ "$(json_get "$T/.fstage/serve.json" 'j["pid"]')" = "$SERVE_PID" ] || fail "serve.json pid"

# The page and its files: from the binary, with their types and an ETag that revalidates.
code=$(req "$T/page" GET /_fstage/)
[ "$code" = 200 ] || fail "/_fstage/ answered $code"
grep -qi '^content-type: text/html; charset=utf-8' "$T/page.h" || { cat "$T/page.h"; fail "page type"; }
cmp -s "$T/page" "$FSTAGE_SOURCE_DIR/serve/console/index.html" || fail "the page is not serve/console/index.html"
etag=$(sed -nE 's/^[Ee][Tt]ag: (.*)\r$/\1/p' "$T/page.h")
[ -n "$etag" ] || fail "no ETag"
code=$(req "$T/again" GET /_fstage/ -H "If-None-Match: $etag")
[ "$code" = 304 ] || fail "If-None-Match answered $code, not 304"
code=$(req "$T/js" GET /_fstage/app.js)
[ "$code" = 200 ] && grep -qi '^content-type: text/javascript' "$T/js.h" || fail "app.js"
code=$(req "$T/css" GET /_fstage/style.css)
[ "$code" = 200 ] && grep -qi '^content-type: text/css' "$T/css.h" || fail "style.css"
[ "$(req "$T/nope" GET /_fstage/nope.js)" = 404 ] || fail "an unknown console file is not 404"
[ "$(req "$T/post" POST /_fstage/api/functions -d x)" = 405 ] || fail "POST to the API is not 405"
[ "$(req "$T/mine" GET /_fstage/mine)" = 404 ] || fail "the reserved route reached the function"

# Functions with their routes and triggers.
[ "$(req "$T/fns" GET /_fstage/api/functions)" = 200 ] || fail "api/functions"
"$PYTHON" - "$T/fns" <<'PYCHECK' || { cat "$T/fns"; fail "api/functions content"; }
import json, sys
fns = {f["name"]: f for f in json.load(open(sys.argv[1]))}
assert set(fns) == {"hello", "step"}, fns
h = fns["hello"]
assert h["runtime"] == "Python3.10" and h["handler"] == "index.hello", h
assert h["routes"] == [{"method": "GET", "path": "/hello"}], h["routes"]
assert [t["type"] for t in h["triggers"]] == ["APIG", "APIG", "TIMER"], h["triggers"]
assert h["triggers"][2]["schedule"] == "@every 1h", h["triggers"]
assert fns["step"]["routes"] == [], fns["step"]
PYCHECK

# A live stream: a function's log line arrives as a server-sent event.
: >"$T/sse"
curl -sN "$(URL /_fstage/events?function=hello)" >"$T/sse" 2>/dev/null &
SSE_PID=$!
for _ in $(seq 1 50); do grep -q 'fstage serve events' "$T/sse" && break; sleep 0.05; done
grep -q 'fstage serve events' "$T/sse" || fail "the event stream did not open"
[ "$(req "$T/hello" GET /hello)" = 200 ] || { cat "$T/hello"; fail "/hello"; }
for _ in $(seq 1 60); do grep -q 'an error line' "$T/sse" && break; sleep 0.05; done
kill "$SSE_PID" 2>/dev/null || true
wait "$SSE_PID" 2>/dev/null || true
"$PYTHON" - "$T/sse" <<'PYCHECK' || { cat "$T/sse"; fail "the events"; }
import json, sys
events, kind = [], None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("event: "): kind = line[7:]
    elif line.startswith("data: "): events.append((kind, json.loads(line[6:])))
kinds = [k for k, _ in events]
assert "invocation_started" in kinds and "invocation_finished" in kinds and "access" in kinds, kinds
logs = [d for k, d in events if k == "log"]
assert [d["message"] for d in logs] == ["hello line from the function", "an error line"], logs
assert [d["level"] for d in logs] == ["info", "error"], logs
assert all(d["function"] == "hello" and d["request_id"] for d in logs), logs
fin = [d for k, d in events if k == "invocation_finished"][0]
assert fin["status"] == "ok" and fin["duration_ms"] > 0 and fin["request_id"] == logs[0]["request_id"], fin
# The filter: only hello's events (and those about no function).
assert all(d.get("function") in ("hello", "", None) for _, d in events), events
PYCHECK
# The same lines in serve's own JSON log, with level and message.
assert_contains "$T/serve.log" '"level":"error","message":"an error line"'

# Recent invocations with their lines, and the recent lines `fstage logs` prints.
[ "$(req "$T/inv" GET '/_fstage/api/invocations?function=hello')" = 200 ] || fail "api/invocations"
[ "$(json_get "$T/inv" '[l["message"] for l in j["invocations"][0]["lines"]]')" = "['hello line from the function', 'an error line']" ] ||
  { cat "$T/inv"; fail "the invocation's lines"; }
expect_exit 0 "$FSTAGE" logs hello
assert_contains "$T/out" 'hello line from the function'
expect_exit 0 "$FSTAGE" logs --url "http://127.0.0.1:$PORT" --json -n 1
[ "$(json_get "$T/out" 'j["message"]')" = "an error line" ] || { cat "$T/out"; fail "logs --json -n 1"; }

# Flows: the list, the graph (SVG, and which node draws which state), executions.
[ "$(req "$T/flows" GET /_fstage/api/flows)" = 200 ] || fail "api/flows"
[ "$(json_get "$T/flows" '[(f["name"], f["mode"], f["states"]) for f in j]')" = "[('two', 'EXPRESS', 3)]" ] ||
  { cat "$T/flows"; fail "api/flows content"; }
[ "$(req "$T/graph" GET /_fstage/api/flows/two/graph)" = 200 ] || fail "api/flows/two/graph"
[ "$(json_get "$T/graph" 'sorted(n["state"] for n in j["nodes"] if n["state"])')" = "['a', 'b', 'done']" ] ||
  { cat "$T/graph"; fail "graph nodes"; }
code=$(req "$T/svg" GET /_fstage/api/flows/two/graph.svg)
if [ "$code" = 503 ]; then
  echo "note: no SVG (Graphviz missing): $(cat "$T/svg")"
else
  [ "$code" = 200 ] || { cat "$T/svg"; fail "graph.svg answered $code"; }
  grep -qi '^content-type: image/svg+xml' "$T/svg.h" || fail "graph.svg type"
  grep -q '<svg' "$T/svg" && grep -q 'class="node"' "$T/svg" || fail "graph.svg is not the flow's SVG"
fi
[ "$(req "$T/run" POST /v2/p1/fgs/workflows/two/sync-executions -d '{"input": {"n": 1}}')" = 200 ] || { cat "$T/run"; fail "sync run"; }
EID=$(json_get "$T/run" 'j["execution_id"]')
[ "$(req "$T/execs" GET /_fstage/api/flows/two/executions)" = 200 ] || fail "api executions"
[ "$(json_get "$T/execs" 'j["executions"][0]["execution_id"]')" = "$EID" ] || { cat "$T/execs"; fail "executions list"; }
[ "$(req "$T/exec" GET "/_fstage/api/executions/$EID")" = 200 ] || fail "api/executions/ID"
[ "$(json_get "$T/exec" '(j["status"], j["output"]["n"], [n["node_id"] for n in j["node_execution_details"]])')" = "('success', 3, ['a', 'b', 'done'])" ] ||
  { cat "$T/exec"; fail "the execution"; }
[ "$(req "$T/none" GET /_fstage/api/executions/nope)" = 404 ] || fail "an unknown execution is not 404"

# serve.json goes with serve; one left by a killed serve is recognised as stale.
serve_stop INT
[ ! -e "$T/.fstage/serve.json" ] || fail "serve.json left after serve stopped"
expect_exit 4 "$FSTAGE" logs
assert_contains "$T/err" 'no fstage serve is running'
serve_start "$T/fstage.yaml"
kill -KILL "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=
[ -e "$T/.fstage/serve.json" ] || fail "no serve.json after SIGKILL (expected it left behind)"
expect_exit 4 "$FSTAGE" logs
assert_contains "$T/err" 'which has ended'
echo OK
