# A SIGKILL of serve mid-run (issue 20 item 5): the database stays consistent (SQLite's own
# integrity_check), every execution that finished is there with its output, the one that was
# running is still `running` for a reader, and the next serve ends it as `fail` (ServeStopped),
# a failure that can be retried.
. "$(dirname "$0")/lib/serve.sh"
"$PYTHON" -c 'import sqlite3' 2>/dev/null || skip "$PYTHON has no sqlite3 module (the checks read the database)"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import time

def add(event, context):
    out = dict(event)
    out["n"] = event.get("n", 0) + 1
    return out

def slow(event, context):
    time.sleep(float(event.get("sleep", 0)))
    return {"slept": event.get("sleep", 0), "n": event.get("n")}
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-flow-kill
functions:
  add: {runtime: Python3.10, handler: index.add, code: fn}
  slow: {runtime: Python3.10, handler: index.slow, code: fn, timeout: 60}
flows:
  work:
    start: one
    functions: [{name: add, operation: add}, {name: slow, operation: slow}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: wait, actions: [{function_ref: {ref_name: add}}]}
      - {id: wait, type: Operation, transition: done, actions: [{function_ref: {ref_name: slow}}]}
      - {id: done, type: End, end: true}
YAML
DB="$T/.fstage/executions.db"
W=/v2/p1/fgs/workflows
serve_start "$T/fstage.yaml"

start() {  # start INPUT: prints the execution id
  req "$T/start" POST "$W/work/executions" -d "{\"input\": $1}" >/dev/null
  json_get "$T/start" 'j["execution_id"]'
}
DONE=()
for n in 1 2 3 4; do DONE+=("$(start "{\"n\": $n, \"sleep\": 0}")"); done
for e in "${DONE[@]}"; do
  s=running
  for _ in $(seq 1 100); do
    req "$T/poll" GET "$W/work/executions/$e" >/dev/null
    s=$(json_get "$T/poll" 'j["status"]')
    [ "$s" = running ] || break
    sleep 0.1
  done
  [ "$s" = success ] || { cat "$T/poll"; fail "execution $e ended $s"; }
done
# One more, killed in its slow state: its first state's end is in the database by then.
RUN=$(start '{"n": 99, "sleep": 30}')
for _ in $(seq 1 100); do
  "$PYTHON" - "$DB" "$RUN" <<'PY' && break
import json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
rec = json.loads(db.execute("SELECT record FROM executions WHERE execution_id = ?",
                            (sys.argv[2],)).fetchone()[0])
sys.exit(0 if any(n["node_id"] == "one" and n["executions"] for n in rec["node_execution_details"]) else 1)
PY
  sleep 0.1
done
sleep 0.3
PIDS=$(descendants "$SERVE_PID")
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null || true
SERVE_PID=
for p in $PIDS; do kill -KILL "$p" 2>/dev/null || true; done  # its sandboxes, if any outlived it

"$PYTHON" - "$DB" "$RUN" "${DONE[@]}" <<'PYCHECK' || fail "the database after SIGKILL"
import json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
ok = db.execute("PRAGMA integrity_check").fetchall()
assert ok == [("ok",)], ok
run, done = sys.argv[2], sys.argv[3:]
for i, e in enumerate(done, 1):
    status, record = db.execute("SELECT status, record FROM executions WHERE execution_id = ?",
                                (e,)).fetchone()
    rec = json.loads(record)
    assert status == "success" and rec["status"] == "success", (e, status)
    assert rec["output"] == {"slept": 0, "n": i + 1}, rec["output"]
    assert [n["node_id"] for n in rec["node_execution_details"]] == ["one", "wait", "done"], rec
status, = db.execute("SELECT status FROM executions WHERE execution_id = ?", (run,)).fetchone()
assert status == "running", status
PYCHECK
# A reader does not end it: only a serve that finds no other serve alive does.
expect_exit 0 "$FSTAGE" flow executions -f "$T/fstage.yaml" --status running
assert_contains "$T/out" "$RUN"

serve_start "$T/fstage.yaml"
assert_contains "$T/serve.log" "1 left running by a serve that stopped ended as fail"
code=$(req "$T/show" GET "$W/work/executions/$RUN")
[ "$code" = 200 ] || fail "the interrupted execution answered $code"
[ "$(json_get "$T/show" 'j["status"], j["fstage"]["error"]["error_type"], j["fstage"]["error"]["state"], bool(j["end_time"])')" = "fail ServeStopped one True" ] ||
  { cat "$T/show"; fail "the interrupted execution's end"; }
# Failed, so it can be retried: it runs again from its start (a short sleep this time would
# need another input; the same input sleeps 30 s, so it is terminated once it runs).
code=$(req "$T/retry" POST "$W/work/executions/$RUN/retry")
[ "$code" = 200 ] || { cat "$T/retry"; fail "retry answered $code"; }
req "$T/again" GET "$W/work/executions/$RUN" >/dev/null
[ "$(json_get "$T/again" 'j["status"]')" = running ] || { cat "$T/again"; fail "the retry is not running"; }
req "$T/term" POST "$W/work/executions/$RUN/terminate" >/dev/null
serve_stop TERM
"$PYTHON" - "$DB" "$RUN" <<'PYCHECK' || fail "the retried execution's end"
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
status, = db.execute("SELECT status FROM executions WHERE execution_id = ?", (sys.argv[2],)).fetchone()
assert status == "cancel", status
PYCHECK
