# Executions kept (issue 20 item 5): serve keeps a NORMAL flow's executions in
# .fstage/executions.db, so `fstage flow executions` and `flow history` read them without serve,
# and after a restart the v2 routes answer the same records; EXPRESS executions are not kept.
. "$(dirname "$0")/lib/serve.sh"
"$PYTHON" -c 'import sqlite3' 2>/dev/null || skip "$PYTHON has no sqlite3 module (the checks read the database)"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def add(event, context):
    out = dict(event)
    out["n"] = event.get("n", 0) + 1
    return out
PY
cat >"$T/fstage.yaml" <<'YAML'
name: serve-flow-store
functions:
  add: {runtime: Python3.10, handler: index.add, code: fn}
flows:
  long:
    start: one
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: two, actions: [{function_ref: {ref_name: add}}]}
      - {id: two, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, type: End, end: true}
  fast:
    mode: EXPRESS
    start: one
    functions: [{name: add, operation: add}]
    constants: {}
    retries: []
    states:
      - {id: one, type: Operation, transition: done, actions: [{function_ref: {ref_name: add}}]}
      - {id: done, type: End, end: true}
YAML
DB="$T/.fstage/executions.db"
W=/v2/p1/fgs/workflows

# Before serve ever ran: nothing kept, not an error.
expect_exit 0 "$FSTAGE" flow executions -f "$T/fstage.yaml"
assert_contains "$T/err" "no executions kept in"
[ ! -e "$DB" ] || fail "a reader created the database"

serve_start "$T/fstage.yaml"
assert_contains "$T/serve.log" "executions of NORMAL flows are kept in $DB"
[ "$(stat -c %a "$DB")" = 600 ] || fail "executions.db mode $(stat -c %a "$DB")"

wait_status() {  # wait_status EID: polls until it is no longer running; prints the status
  local s=running
  for _ in $(seq 1 100); do
    req "$T/poll" GET "$W/long/executions/$1" >/dev/null
    s=$(json_get "$T/poll" 'j["status"]')
    [ "$s" = running ] || break
    sleep 0.1
  done
  echo "$s"
}
EIDS=()
for n in 1 2 3; do
  req "$T/start" POST "$W/long/executions" -d "{\"input\": {\"n\": $((n * 10))}, \"headers\": {\"X-Trace\": \"t$n\"}}" >/dev/null
  EIDS+=("$(json_get "$T/start" 'j["execution_id"]')")
done
for e in "${EIDS[@]}"; do
  [ "$(wait_status "$e")" = success ] || { cat "$T/poll"; fail "execution $e did not succeed"; }
done
# SQLite gives its WAL files the database's mode: inputs and outputs stay private.
for f in "$DB-wal" "$DB-shm"; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f mode $(stat -c %a "$f")"
done
req "$T/before" GET "$W/long/executions/${EIDS[1]}" >/dev/null
[ "$(json_get "$T/before" 'j["output"]["n"]')" = 22 ] || { cat "$T/before"; fail "output"; }
# (c) EXPRESS executions: answered, and kept in memory only.
code=$(req "$T/sync" POST "$W/fast/sync-executions" -d '{"input": {"n": 1}}')
[ "$code" = 200 ] || { cat "$T/sync"; fail "sync-executions answered $code"; }
XID=$(json_get "$T/sync" 'j["execution_id"]')
code=$(req "$T/xshow" GET "$W/fast/executions/$XID")
[ "$code" = 200 ] || fail "the EXPRESS execution is not shown while serve runs ($code)"

# Read beside the running serve.
expect_exit 0 "$FSTAGE" flow executions -f "$T/fstage.yaml" --json
[ "$(json_get "$T/out" 'len(j)')" = 3 ] || { cat "$T/out"; fail "executions beside serve"; }
serve_stop INT

# Without serve: newest first, every field, filters.
expect_exit 0 "$FSTAGE" flow executions -f "$T/fstage.yaml" --json
"$PYTHON" - "$T/out" "${EIDS[@]}" <<'PYCHECK' || fail "flow executions --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert [e["execution_id"] for e in j] == list(reversed(sys.argv[2:])), j
for e in j:
    assert e["flow"] == "long" and e["status"] == "success", e
    assert e["workflow_urn"].endswith(":p1:workflow:default:long:latest"), e
    assert sorted(e) == ["begin_time", "end_time", "execution_id", "flow", "status",
                         "workflow_id", "workflow_urn"], e
PYCHECK
expect_exit 0 "$FSTAGE" flow executions long -f "$T/fstage.yaml" --limit 1
[ "$(wc -l <"$T/out")" = 1 ] || { cat "$T/out"; fail "--limit 1"; }
assert_contains "$T/out" "${EIDS[2]}"
assert_contains "$T/out" " success "
expect_exit 0 "$FSTAGE" flow executions -f "$T/fstage.yaml" --status fail
[ ! -s "$T/out" ] || { cat "$T/out"; fail "--status fail listed something"; }
expect_exit 0 "$FSTAGE" flow executions fast -f "$T/fstage.yaml" --json
[ "$(json_get "$T/out" 'len(j)')" = 0 ] || { cat "$T/out"; fail "an EXPRESS execution was kept"; }
"$PYTHON" - "$DB" "$XID" <<'PYCHECK' || fail "the EXPRESS execution is in the database"
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
assert db.execute("SELECT count(*) FROM executions WHERE execution_id = ? OR flow = 'fast'",
                  (sys.argv[2],)).fetchone()[0] == 0
PYCHECK

# history: the node timeline, as `remote flow history` prints it.
expect_exit 0 "$FSTAGE" flow history "${EIDS[0]}" -f "$T/fstage.yaml"
grep -qE '^\+ *[0-9.]+ ms +one +start' "$T/out" || { cat "$T/out"; fail "history start line"; }
grep -qE '^SUMMARY Status: success' "$T/out" || { cat "$T/out"; fail "history summary"; }
expect_exit 0 "$FSTAGE" flow history "${EIDS[0]}" -f "$T/fstage.yaml" --json
[ "$(json_get "$T/out" 'j["headers"]["X-Trace"], j["output"]["n"]')" = "t1 12" ] || { cat "$T/out"; fail "history --json"; }
expect_exit 4 "$FSTAGE" flow history "$XID" -f "$T/fstage.yaml"
assert_contains "$T/err" "no execution $XID kept in"

# After a restart, the routes answer the same records.
serve_start "$T/fstage.yaml"
code=$(req "$T/after" GET "$W/long/executions/${EIDS[1]}")
[ "$code" = 200 ] || { cat "$T/after"; fail "GET of a kept execution answered $code"; }
"$PYTHON" -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a == b, (a, b)' \
  "$T/before" "$T/after" || fail "the record changed across the restart"
code=$(req "$T/list" GET "$W/long/executions")
[ "$code" = 200 ] || fail "list answered $code"
"$PYTHON" - "$T/list" "${EIDS[@]}" <<'PYCHECK' || fail "list after the restart"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["count"] == 3, j
assert [e["execution_id"] for e in j["executions"]] == list(reversed(sys.argv[2:])), j
PYCHECK
code=$(req "$T/xgone" GET "$W/fast/executions/$XID")
[ "$code" = 404 ] || fail "an EXPRESS execution outlived serve ($code)"
serve_stop TERM
