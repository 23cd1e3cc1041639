# Nothing queued is lost on SIGTERM (issue 22): DIS records not yet delivered when serve is
# stopped are written to .fstage/pending/streams/ and delivered after the next start, each
# once. Also: an SMN publication (`fstage emit smn publish`) reaches its subscriber with the
# message, subject and topic; emit without a running serve says how to start one.
. "$(dirname "$0")/lib/serve.sh"
export FSTAGE_PYTHON=/usr/bin/python3

proj=$T/proj
mkdir -p "$proj/fn"
cat >"$proj/fn/index.py" <<'PY'
import base64, json, time

def clicks(event, context):
    time.sleep(0.05)
    data = [base64.b64decode(r["data"]).decode() for r in event["Message"]["records"]]
    seq = [r["sequence_number"] for r in event["Message"]["records"]]
    print("BATCH %s %s %s" % (event["ShardID"], json.dumps(data), json.dumps(seq)))
    return "ok"

def alerts(event, context):
    s = event["record"][0]["smn"]
    print("SMN %s|%s|%s" % (s["topic_urn"], s["subject"], s["message"]))
    return "ok"
PY
cat >"$proj/fstage.yaml" <<'YAML'
name: pending
functions:
  clicks:
    runtime: Python3.10
    handler: index.clicks
    code: fn
    triggers:
      - { type: DIS, stream_name: clicks, batch_size: 5 }
  alerts:
    runtime: Python3.10
    handler: index.alerts
    code: fn
    triggers:
      - { type: SMN, topic_urn: "urn:smn:cn-north-4:0123:alerts" }
YAML
scenario() {
  local who=$1
  cd "$proj"
  expect_exit 4 "$FSTAGE" emit smn publish alerts hello
  "$FSTAGE" emit smn publish alerts hello >"$T/noserve.out" 2>&1 || true
  assert_contains "$T/noserve.out" "no fstage serve is running"

  serve_start "$proj/fstage.yaml"
  "$FSTAGE" emit smn publish alerts "disk full" --subject "ops" >"$T/smn.out" || fail "$who: emit smn"
  assert_contains "$T/smn.out" "delivered to alerts"
  seq 1 400 | sed 's/^/click-/' >"$T/records"
  "$FSTAGE" emit dis clicks - <"$T/records" >"$T/emit.out" || fail "$who: emit dis"
  assert_contains "$T/emit.out" "queued 400 records on dis clicks"
  for i in $(seq 1 100); do grep -q '"line":"BATCH ' "$T/serve.log" && break; sleep 0.05; done
  grep -q '"line":"SMN urn:smn:cn-north-4:0123:alerts|ops|disk full' "$T/serve.log" ||
    { grep SMN "$T/serve.log"; fail "$who: the SMN event's topic, subject or message"; }
  serve_stop TERM
  cp "$T/serve.log" "$T/first.log"
  pending=$proj/.fstage/pending/streams/records.jsonl
  [ -s "$pending" ] || { tail -5 "$T/first.log"; fail "$who: no pending records written at SIGTERM"; }
  n=$(wc -l <"$pending")
  echo "pending at SIGTERM: $n records"
  assert_contains "$T/first.log" "stream records not delivered yet written to"

  serve_start "$proj/fstage.yaml"
  "$PYTHON" - "$T/first.log" "$T/serve.log" <<'PY' || fail "$who: records lost or duplicated across the restart"
import json, sys, time
def delivered():
    got = []
    for log in sys.argv[1:]:
        for raw in open(log):
            try:
                line = json.loads(raw).get("line", "")
            except ValueError:
                continue
            if line.startswith("BATCH "):
                _, shard, rest = line.split(" ", 2)
                data = json.loads(rest[:rest.index("]") + 1])
                got.extend(data)
    return got
for _ in range(200):
    got = delivered()
    if len(set(got)) >= 400:
        break
    time.sleep(0.1)
time.sleep(0.3)
got = delivered()
want = {"click-%d" % i for i in range(1, 401)}
assert set(got) == want, "missing: %s" % sorted(want - set(got))[:10]
assert len(got) == len(set(got)), "%d duplicates" % (len(got) - len(set(got)))
print("all 400 records delivered once across the restart")
PY
  [ ! -e "$pending" ] || fail "$who: the pending file was not consumed"
  serve_stop TERM
  rm -rf "$proj/.fstage"
  cd "$T"
}

scenario root-or-user

# Rootless: serve itself run as nobody.
run_as_nobody "$proj" scenario
