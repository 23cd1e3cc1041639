# Kafka triggers (issue 22): 10,000 records emitted in bursts (HTTP and `fstage emit kafka`)
# reach the function in batches of at most batch_size, in order per key (a key is one
# partition), none lost, none duplicated; a function that fails every third batch still sees
# every record, each failed batch retried as it was. Run as root and, where possible, as
# nobody (setpriv).
. "$(dirname "$0")/lib/serve.sh"
export FSTAGE_PYTHON=/usr/bin/python3

proj=$T/proj
mkdir -p "$proj/fn"
cat >"$proj/fn/index.py" <<'PY'
import json

calls = 0

def sink(event, context):
    print("BATCH ok " + json.dumps(event["records"][0]["messages"]))
    return "ok"

def flaky(event, context):
    global calls
    calls += 1
    messages = event["records"][0]["messages"]
    if calls % 3 == 0:
        print("BATCH fail " + json.dumps(messages))
        raise RuntimeError("every third batch fails")
    print("BATCH ok " + json.dumps(messages))
    return "ok"
PY
cat >"$proj/fstage.yaml" <<'YAML'
name: streams
functions:
  sink:
    runtime: Python3.10
    handler: index.sink
    code: fn
    triggers:
      - { type: KAFKA, instance_id: k-1, topic: orders, batch_size: 64 }
  flaky:
    runtime: Python3.10
    handler: index.flaky
    code: fn
    triggers:
      - { type: KAFKA, instance_id: k-1, topic: flaky, batch_size: 50 }
YAML

# The records: key k0..k7, value "kK:NNNNN" numbered in emit order.
"$PYTHON" - "$T" <<'PY'
import json, sys
t = sys.argv[1]
for burst in range(10):
    recs = [("k%d" % (i % 8), "k%d:%05d" % (i % 8, i)) for i in range(burst * 1000, burst * 1000 + 1000)]
    if burst % 2 == 0:
        json.dump([{"key": k, "value": v} for k, v in recs], open("%s/burst%d.json" % (t, burst), "w"))
    else:
        for key in range(8):
            with open("%s/burst%d.k%d" % (t, burst, key), "w") as f:
                f.writelines(v + "\n" for k, v in recs if k == "k%d" % key)
flaky = [{"key": "f%d" % (i % 5), "value": "f%d:%05d" % (i % 5, i)} for i in range(3000)]
json.dump(flaky, open("%s/flaky.json" % t, "w"))
PY

# check WHAT MAX_BATCH TOTAL: the ok batches of WHAT have at most MAX_BATCH records, every
# record of TOTAL once, in order per key; every failed batch is followed by the same batch.
check() {
  "$PYTHON" - "$T/serve.log" "$1" "$2" "$3" <<'PY'
import json, sys
log, prefix, most, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
batches = []
for raw in open(log):
    try:
        e = json.loads(raw)
    except ValueError:
        continue
    line = e.get("line", "")
    if not line.startswith("BATCH "):
        continue
    _, status, body = line.split(" ", 2)
    msgs = json.loads(body)
    if msgs and msgs[0].startswith(prefix):
        batches.append((status, msgs))
seen, last, failed, retried = set(), {}, 0, 0
pending_retry = {}
for status, msgs in batches:
    assert 0 < len(msgs) <= most, "a batch of %d records (batch_size %d)" % (len(msgs), most)
    key = msgs[0].split(":")[0]
    if status == "fail":
        failed += 1
        waiting = pending_retry.setdefault(key, [])
        if msgs in waiting:
            retried += 1  # a retry that failed too: it waits for the next one
        else:
            waiting.append(msgs)
        continue
    for k in list(pending_retry):
        if pending_retry[k] and pending_retry[k][0] == msgs:
            pending_retry[k].pop(0)
            retried += 1
    for m in msgs:
        assert m not in seen, "duplicate record " + m
        seen.add(m)
        k, n = m.split(":")
        assert int(n) > last.get(k, -1), "out of order: %s after %s:%05d" % (m, k, last[k])
        last[k] = int(n)
left = sum(len(v) for v in pending_retry.values())
assert left == 0, "%d failed batches never retried as they were" % left
assert len(seen) == total, "%d of %d records delivered" % (len(seen), total)
assert prefix != "f" or failed > 0, "the flaky function never failed: nothing was retried"
print("%s: %d records in %d batches (largest %d), %d failed and retried" % (
    prefix, len(seen), len(batches) - failed, max(len(m) for _, m in batches), retried))
PY
}

# wait_records PREFIX N: until N records of PREFIX were delivered (ok), 120 s at most.
wait_records() {
  local i n
  for i in $(seq 1 600); do
    n=$("$PYTHON" -c '
import json, sys
n = 0
for raw in open(sys.argv[1]):
    try:
        line = json.loads(raw).get("line", "")
    except ValueError:
        continue
    if line.startswith("BATCH ok "):
        n += sum(1 for m in json.loads(line[9:]) if m.startswith(sys.argv[2]))
print(n)' "$T/serve.log" "$1")
    [ "$n" -ge "$2" ] && return 0
    sleep 0.3
  done
  echo "only $n of $2 $1 records delivered"; return 1
}

scenario() {
  local who=$1 burst key code
  cd "$proj"
  serve_start "$proj/fstage.yaml"
  for burst in 0 1 2 3 4 5 6 7 8 9; do
    if [ $((burst % 2)) = 0 ]; then
      code=$(req "$T/r" POST /_fstage/emit/kafka/orders -H 'Content-Type: application/json' \
        --data-binary @"$T/burst$burst.json")
      [ "$code" = 200 ] || { cat "$T/r"; fail "$who: burst $burst: HTTP $code"; }
      assert_contains "$T/r" '"accepted":1000'
    else
      for key in 0 1 2 3 4 5 6 7; do
        "$FSTAGE" emit kafka orders --key "k$key" - <"$T/burst$burst.k$key" >"$T/emit.out" ||
          fail "$who: fstage emit kafka (burst $burst, k$key)"
        assert_contains "$T/emit.out" "queued 125 records on kafka orders"
      done
    fi
  done
  code=$(req "$T/r" POST /_fstage/emit/kafka/flaky --data-binary @"$T/flaky.json")
  [ "$code" = 200 ] || { cat "$T/r"; fail "$who: flaky emit: $code"; }
  code=$(req "$T/r" POST /_fstage/emit/kafka/nobody-reads --data-binary 'one')
  [ "$code" = 200 ] && grep -q '"accepted":0' "$T/r" && grep -q 'no KAFKA trigger' "$T/r" ||
    { cat "$T/r"; fail "$who: a topic without triggers"; }
  wait_records k 10000 || fail "$who: the sink did not get every record"
  wait_records f 3000 || fail "$who: the flaky function did not get every record"
  sleep 0.3  # a duplicate would show now
  check k 64 10000 || fail "$who: sink"
  check f 50 3000 || fail "$who: flaky"
  grep -q '"message":"KAFKA .flaky. partition [0-3]: batch of [0-9]* (offsets [0-9]*-[0-9]*) to .flaky. failed (function error' "$T/serve.log" ||
    fail "$who: a failed batch is not logged with its offsets"
  serve_stop TERM
  rm -rf "$proj/.fstage"
  cd "$T"
}

scenario root-or-user

run_as_nobody "$proj" scenario
