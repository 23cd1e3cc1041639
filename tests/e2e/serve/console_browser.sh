# The console in a real browser: headless chromium (driven over the DevTools protocol,
# lib/cdp.py) loads http://127.0.0.1:PORT/_fstage/ BEFORE a NORMAL flow starts; the flow's
# state `wait` sleeps 2 s. Without a reload, the page must draw the flow's SVG graph, colour
# `wait` as running while it runs and as succeeded after (live, from the server-sent events),
# show the state's input and output on a click, and list the invocations with their lines.
# The DOM and two screenshots (running, finished) are kept in the artifact directory
# ($FSTAGE_BINARY_DIR/test-artifacts/e2e.serve.console_browser), the PNGs checked non-trivial.
. "$(dirname "$0")/lib/serve.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "no chromium (Debian: apt-get install chromium)"
ART="${FSTAGE_BINARY_DIR:-$T}/test-artifacts/e2e.serve.console_browser"
rm -rf "$ART"; mkdir -p "$ART"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def first(event, context):
    print("first got %s" % event.get("n"), flush=True)
    return {"n": event.get("n", 0) + 1}

def slow(event, context):
    print("slow starts", flush=True)
    time.sleep(2)
    print("slow ends", flush=True)
    return {"n": event["n"], "slept": True}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: console-browser
functions:
  first: {runtime: Python3.10, handler: index.first, code: fn}
  slow: {runtime: Python3.10, handler: index.slow, code: fn, timeout: 10}
flows:
  long:
    start: one
    functions: [{name: first, operation: first}, {name: slow, operation: slow}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: wait, actions: [{function_ref: {ref_name: first}}]}
      - {id: wait, type: Operation, transition: done, actions: [{function_ref: {ref_name: slow}}]}
      - {id: done, type: End, end: true}
YAML
serve_start "$T/fstage.yaml"
code=$(req "$T/svg" GET /_fstage/api/flows/long/graph.svg)
[ "$code" = 200 ] || skip "no flow SVG here (Graphviz missing?): $(cat "$T/svg")"

# chromium as root needs --no-sandbox; its own profile in $T; DevTools on a free port.
"$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$T/chrome" --remote-debugging-port=0 --window-size=1280,900 about:blank \
  >"$T/chrome.out" 2>"$T/chrome.err" &
CHROME_PID=$!
trap 'kill "$CHROME_PID" 2>/dev/null || true; wait "$CHROME_PID" 2>/dev/null || true; serve_kill; rm -rf "$T"' EXIT
DEVTOOLS=
for _ in $(seq 1 200); do
  DEVTOOLS=$(sed -nE 's|^DevTools listening on ws://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$T/chrome.err" | head -1)
  [ -n "$DEVTOOLS" ] && break
  kill -0 "$CHROME_PID" 2>/dev/null || { cat "$T/chrome.err"; fail "chromium exited"; }
  sleep 0.1
done
[ -n "$DEVTOOLS" ] || { cat "$T/chrome.err"; fail "chromium did not open DevTools within 20 s"; }

PYTHONPATH="$FSTAGE_SOURCE_DIR/tests/e2e/serve/lib" "$PYTHON" - "$DEVTOOLS" "$PORT" "$ART" <<'PYSCENARIO' || fail "the console in chromium"
import json, sys, time, urllib.request
from cdp import Cdp

devtools, port, art = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
base = "http://127.0.0.1:%d" % port
c = Cdp(devtools)
c.call("Page.enable")
c.call("Page.navigate", url=base + "/_fstage/#flow=long")

STATE = """JSON.stringify({
  ready: document.body.dataset.ready || "",
  marker: window.__testMarker || 0,
  sse: Number(document.body.dataset.sseEvents || 0),
  live: (document.querySelector('#live') || {}).textContent,
  svg: !!document.querySelector('#graph svg'),
  nodes: Object.fromEntries([...document.querySelectorAll('#graph g.node[data-state]')]
           .map(g => [g.dataset.state, g.dataset.status || ''])),
  fill: (() => { const p = document.querySelector('#graph g.node[data-state="wait"] path, #graph g.node[data-state="wait"] polygon, #graph g.node[data-state="wait"] ellipse');
                 return p ? getComputedStyle(p).fill : ''; })(),
  execution: ((document.querySelector('#execution-status') || {}).dataset || {}).status || '',
  invocations: [...document.querySelectorAll('.invocation')].map(b => [b.dataset.function, b.dataset.status, b.querySelector('.lines').textContent]),
})"""

def state():
    try:
        return json.loads(c.evaluate(STATE))
    except RuntimeError as e:  # the page is still loading (no body yet)
        return {"ready": "", "svg": False, "live": "", "nodes": {}, "error": str(e)}

def wait_for(what, check, timeout):
    deadline = time.time() + timeout
    s = state()
    while not check(s):
        if time.time() > deadline:
            raise SystemExit("timed out waiting for %s; the page shows %s" % (what, json.dumps(s, indent=1)))
        time.sleep(0.05)
        s = state()
    return s

s = wait_for("the console to load with the flow's graph", lambda s: s["ready"] == "true" and s["svg"] and s["live"] == "live", 20)
assert set(s["nodes"]) == {"one", "wait", "done"}, s["nodes"]
assert all(v == "" for v in s["nodes"].values()), s["nodes"]  # no execution yet: not coloured
c.evaluate("window.__testMarker = 42")  # gone if the page reloads: the updates must be live

req = urllib.request.Request(base + "/v2/p1/fgs/workflows/long/executions", data=b'{"input": {"n": 1}}', method="POST")
eid = json.load(urllib.request.urlopen(req))["execution_id"]
print("started execution", eid)

s = wait_for("state 'wait' coloured running", lambda s: s["nodes"].get("wait") == "running", 10)
assert s["nodes"]["one"] == "success", s["nodes"]
assert s["execution"] == "running", s
running_fill = s["fill"]
png = c.screenshot(art + "/running.png")
print("running: nodes %s, fill of wait %s" % (s["nodes"], running_fill))

s = wait_for("state 'wait' coloured succeeded", lambda s: s["nodes"].get("wait") == "success" and s["execution"] == "success", 15)
assert s["marker"] == 42, "the page reloaded: the colours did not come live"
assert s["sse"] > 0, s
assert s["fill"] != running_fill, (s["fill"], running_fill)  # the colour itself changed
print("finished: nodes %s, fill of wait %s, %d events" % (s["nodes"], s["fill"], s["sse"]))

# The invocations with their lines, live.
inv = {f: (st, lines) for f, st, lines in s["invocations"]}
assert inv.get("slow", ("", ""))[0] == "ok" and "slow ends" in inv["slow"][1], s["invocations"]
assert "first got 1" in inv.get("first", ("", ""))[1], s["invocations"]

# A click on a node shows its input and output.
c.evaluate("document.querySelector('#graph g.node[data-state=\"wait\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
detail = json.loads(c.evaluate("JSON.stringify({title: document.querySelector('#node-title').textContent, "
                               "input: (document.querySelector('#node-body .node-input') || {}).textContent, "
                               "output: (document.querySelector('#node-body .node-output') || {}).textContent})"))
assert detail["title"] == "State wait", detail
assert json.loads(detail["input"]) == {"n": 2}, detail
assert json.loads(detail["output"]) == {"n": 2, "slept": True}, detail

c.screenshot(art + "/finished.png")
open(art + "/dom.html", "w").write(c.evaluate("document.documentElement.outerHTML"))
for name in ("running.png", "finished.png"):
    data = open(art + "/" + name, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", name
    assert len(data) > 20000, (name, len(data))  # a drawn page, not a blank one
print("artifacts in", art)
PYSCENARIO
grep -q 'data-status="success"' "$ART/dom.html" || fail "the saved DOM has no succeeded node"
ls -l "$ART"
echo OK
