# The obs-pipeline example (issue 22 item 4), as its README walks through it: `fstage init -t
# obs-pipeline`, `fstage serve`, then `cp` an image into the local bucket "uploads". describe
# fires on it; its success destination writes the platform's async notification into the
# bucket "described", which fires catalog; catalog's success destination files an entry in
# "catalog". An empty image fails describe: 1 + 2 attempts, then its failure destination.
. "$(dirname "$0")/lib/serve.sh"
"$FSTAGE" init -t obs-pipeline "$T/photos" >/dev/null 2>"$T/init.err" || { cat "$T/init.err"; fail "init -t obs-pipeline"; }
cd "$T/photos" || fail "no project"
# Retries 100 ms apart (1 s by default): the failure path below takes 0.3 s, not 3 s.
FSTAGE_ASYNC_RETRY_DELAY_MS=100 serve_start "$T/photos/fstage.yaml"
buckets=$T/photos/.fstage/buckets
[ -d "$buckets/uploads" ] && [ -d "$buckets/described" ] || fail "serve did not create the triggers' buckets"

# wait_files DIR N: until DIR holds N files (5 s).
wait_files() {
  local i
  for i in $(seq 1 100); do
    [ "$(find "$1" -type f 2>/dev/null | wc -l)" -ge "$2" ] && return 0
    sleep 0.05
  done
  ls -R "$buckets"; tail -30 "$T/serve.log"; fail "no $2 file(s) in ${1#"$T"/} within 5 s"
}

head -c 4096 /dev/urandom >"$T/cat.png"
cp "$T/cat.png" "$buckets/uploads/cat.png"
wait_files "$buckets/described/records" 1
wait_files "$buckets/catalog/entries" 1
rec=$(find "$buckets/described/records" -type f | head -1)
"$PYTHON" - "$rec" <<'PY' || fail "describe's record is not the notification it should be"
import json, sys
n = json.load(open(sys.argv[1]))
assert set(n) == {"timestamp", "request_context", "request_payload", "response_context", "response_payload"}, n.keys()
assert n["request_context"]["condition"] == "", n["request_context"]  # "" on success (async_outcome.cpp)
assert ":function:default:describe:" in n["request_context"]["function_urn"], n["request_context"]
event = json.loads(n["request_payload"])
obj = event["Records"][0]["s3"]["object"]
assert obj["key"] == "cat.png" and obj["size"] == 4096, obj
assert event["Records"][0]["eventName"] == "ObjectCreated:Put", event
out = json.loads(n["response_payload"])
assert out["described"][0]["thumbnails"] == ["thumbnails/cat-128.png", "thumbnails/cat-512.png"], out
PY
entry=$(find "$buckets/catalog/entries" -type f | head -1)
"$PYTHON" - "$entry" <<'PY' || fail "catalog's entry"
import json, sys
n = json.load(open(sys.argv[1]))
out = json.loads(n["response_payload"])
assert out["catalogued"][0]["record"].startswith("records/"), out
PY

# A file the trigger's suffix excludes fires nothing.
cp "$T/cat.png" "$buckets/uploads/notes.txt"
# An empty image: describe raises; after 1 + 2 attempts the failure destination has it.
: >"$T/empty.png"
cp "$T/empty.png" "$buckets/uploads/empty.png"
wait_files "$buckets/failed/describe" 1
fail_rec=$(find "$buckets/failed/describe" -type f | head -1)
"$PYTHON" - "$fail_rec" <<'PY' || fail "the failure notification"
import json, sys
n = json.load(open(sys.argv[1]))
ctx = n["request_context"]
assert ctx["condition"] == "UnhandledInvocationError", ctx
assert ctx["approximate_invoke_count"] == 3, ctx
assert "is empty" in n["response_payload"], n["response_payload"]
PY
[ "$(find "$buckets/described/records" -type f | wc -l)" = 1 ] || { ls -R "$buckets"; fail "notes.txt or empty.png made a record"; }
# One record, catalogued once: the watcher of the new directory records/ announced it once.
[ "$(find "$buckets/catalog/entries" -type f | wc -l)" = 1 ] || { ls -R "$buckets"; fail "catalog ran more than once for one record"; }
serve_stop TERM
