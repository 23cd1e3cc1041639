# An instance serve starts in the background (reserved_instances, or scaling out for a request)
# runs its initializer under a request id of its own, and serve's log tags the initializer's
# output with that same id: the one the runtime's logger prints in the line (Python, Node.js,
# Java), and the one its plain prints get. It was once logged under no request id at all.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/py" "$T/js"
cat >"$T/py/index.py" <<'PY'
def init(context):
    print("plain init print py")
    context.getLogger().info("logged init py")

def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
PY
cat >"$T/js/index.js" <<'JS'
exports.init = async (context) => {
  console.log('plain init print js');
  context.getLogger().info('logged init js');
};
exports.handler = async () => ({ statusCode: 200, body: 'ok' });
JS
fns="py js"
java_fn=
if command -v javac >/dev/null; then
  cp -r "$FSTAGE_SOURCE_DIR/tests/fixtures/functions/java" "$T/java"
  java_fn="
  jv:
    runtime: Java17
    handler: demo.Handler.apig
    initializer: demo.Handler.initializer
    memory: 256
    code: java
    reserved_instances: 1
    triggers: [{ type: APIG, path: /jv, method: GET }]"
  fns="$fns jv"
else
  echo "note: no javac; the Java function is left out" >&2
fi
cat >"$T/fstage.yaml" <<YAML
name: initids
functions:
  py:
    runtime: Python3.10
    handler: index.handler
    initializer: index.init
    code: py
    reserved_instances: 1
    triggers: [{ type: APIG, path: /py, method: GET }]
  js:
    runtime: Node.js20.15
    handler: index.handler
    initializer: index.init
    code: js
    reserved_instances: 1
    triggers: [{ type: APIG, path: /js, method: GET }]
  js_scaled:
    runtime: Node.js20.15
    handler: index.handler
    initializer: index.init
    code: js
    triggers: [{ type: APIG, path: /js_scaled, method: GET }]$java_fn
YAML
serve_start "$T/fstage.yaml" --no-timers
[ "$(req "$T/r" GET /js_scaled)" = 200 ] || { cat "$T/r"; fail "GET /js_scaled"; }
for fn in $fns; do
  [ "$(req "$T/r" GET /"$fn")" = 200 ] || { cat "$T/r"; fail "GET /$fn"; }
done
serve_stop
# For each function: the line its logger printed in the initializer carries the id serve
# tagged it with; the plain print has the same tag; the request after has another.
"$PYTHON" - "$T/serve.log" $fns js_scaled <<'PY' || fail "initializer output tagged wrongly"
import json, sys
records = []
for line in open(sys.argv[1]):
    try:
        records.append(json.loads(line))
    except ValueError:
        pass
ok = True
for fn in sys.argv[2:]:
    logs = [r for r in records if r.get("type") == "log" and r.get("function") == fn]
    logged = [r for r in logs if "initializer ran" in r["line"] or "logged init" in r["line"]]
    plain = [r for r in logs if "plain init print" in r["line"]]
    if len(logged) != 1:
        print(fn, "expected one logged initializer line, got", logged); ok = False; continue
    rid = logged[0]["request_id"]
    if not rid or rid not in logged[0]["line"]:
        print(fn, "tag", repr(rid), "is not the id in the line", logged[0]["line"]); ok = False
    if fn != "jv" and (len(plain) != 1 or plain[0]["request_id"] != rid):
        print(fn, "the plain print is tagged", plain, "not", rid); ok = False
    served = [r for r in records if r.get("type") == "access" and r.get("function") == fn]
    if not served or served[0]["request_id"] == rid:
        print(fn, "the request should have an id of its own:", served); ok = False
sys.exit(0 if ok else 1)
PY
