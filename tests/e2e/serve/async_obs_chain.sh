# An OBS destination feeds an OBS trigger (issue 22 items 3 and 4 together): the asynchronous
# result of `first`, written by its on_success destination into the local bucket `mid`, fires
# `second` through mid's OBS trigger, with the object's key (the request id) and size; the
# watcher never sees the destination's temporary file.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
def first(event, context):
    return {"doubled": event["n"] * 2}

def second(event, context):
    r = event["Records"][0]
    print("SECOND %s %s %d" % (r["eventName"], r["s3"]["object"]["key"], r["s3"]["object"]["size"]))
    return "ok"
PY
cat >"$T/fstage.yaml" <<'YAML'
name: chain
functions:
  first:
    runtime: Python3.10
    handler: index.first
    code: fn
    async_invoke:
      on_success: {destination: OBS, bucket: mid, prefix: results/}
  second:
    runtime: Python3.10
    handler: index.second
    code: fn
    triggers:
      - {type: OBS, bucket: mid, events: ["s3:ObjectCreated:*"], prefix: results/}
YAML
# The prefix's directory results/ does not exist yet: the watcher sees it appear with the
# object already in it (its scan) and then the object's own rename, and announces it once.
serve_start "$T/fstage.yaml"
[ "$(req "$T/r" POST /v2/local/fgs/functions/first/invocations-async -d '{"n": 21}')" = 202 ] ||
  { cat "$T/r"; fail "not accepted"; }
id=$(json_get "$T/r" 'j["request_id"]')
for i in $(seq 1 300); do grep -q '"line":"SECOND' "$T/serve.log" && break; sleep 0.1; done
line=$(grep -oE '"line":"SECOND[^"]*' "$T/serve.log" | sed 's/^"line":"//')
[ -n "$line" ] || { tail -20 "$T/serve.log"; fail "second never ran"; }
size=$(stat -c %s "$T/.fstage/buckets/mid/results/$id.json")
[ "$line" = "SECOND ObjectCreated:Put results%2F$id.json $size" ] ||
  fail "second got '$line', want 'SECOND ObjectCreated:Put results%2F$id.json $size'"
[ "$(grep -c '"line":"SECOND' "$T/serve.log")" = 1 ] || fail "second ran more than once"
assert_not_contains "$T/serve.log" ".fstage-tmp-"
[ "$(json_get "$T/.fstage/buckets/mid/results/$id.json" 'json.loads(j["response_payload"])["doubled"]')" = 42 ] ||
  fail "the result"
serve_stop TERM
