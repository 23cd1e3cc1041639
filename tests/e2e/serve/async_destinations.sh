# SMN and DIS destinations reach the local event sources (issue 22 item 3): an asynchronous
# invocation of `work` that succeeds publishes its notification to the SMN topic `done`, whose
# subscriber `notified` gets it as the SMN event's message; one that fails (after its one
# retry) appends the notification to the DIS stream `dead-letters`, whose reader `dlq` gets it
# as a DIS record (base64 data). Both carry the platform's notification shape.
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
cat >"$T/fn/index.py" <<'PY'
import base64, json

def work(event, context):
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {"twice": event["n"] * 2}

def notified(event, context):
    note = json.loads(event["record"][0]["smn"]["message"])
    print("NOTIFIED %s %s %s" % (note["request_context"]["request_id"],
                                 note["request_context"]["approximate_invoke_count"],
                                 json.loads(note["response_payload"])["twice"]))
    return "ok"

def dlq(event, context):
    for r in event["Message"]["records"]:
        note = json.loads(base64.b64decode(r["data"]))
        print("DEAD %s %s %s %s" % (event["StreamName"], note["request_context"]["request_id"],
                                    note["request_context"]["condition"],
                                    note["request_context"]["approximate_invoke_count"]))
    return "ok"
PY
cat >"$T/fstage.yaml" <<'YAML'
name: destinations
functions:
  work:
    runtime: Python3.10
    handler: index.work
    code: fn
    async_invoke:
      max_async_retry_attempts: 1
      on_success: {destination: SMN, topic_urn: "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:done"}
      on_failure: {destination: DIS, stream_name: dead-letters}
  notified:
    runtime: Python3.10
    handler: index.notified
    code: fn
    triggers: [{type: SMN, topic_urn: "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:done"}]
  dlq:
    runtime: Python3.10
    handler: index.dlq
    code: fn
    triggers: [{type: DIS, stream_name: dead-letters, batch_size: 10}]
YAML
FSTAGE_ASYNC_RETRY_DELAY_MS=50 serve_start "$T/fstage.yaml"
[ "$(req "$T/ok" POST /v2/local/fgs/functions/work/invocations-async -d '{"n": 21}')" = 202 ] ||
  { cat "$T/ok"; fail "the succeeding event was not accepted"; }
[ "$(req "$T/bad" POST /v2/local/fgs/functions/work/invocations-async -d '{"fail": true}')" = 202 ] ||
  { cat "$T/bad"; fail "the failing event was not accepted"; }
ok_id=$(json_get "$T/ok" 'j["request_id"]')
bad_id=$(json_get "$T/bad" 'j["request_id"]')
for i in $(seq 1 200); do
  grep -q '"line":"NOTIFIED' "$T/serve.log" && grep -q '"line":"DEAD' "$T/serve.log" && break
  sleep 0.05
done
line=$(grep -oE '"line":"NOTIFIED[^"]*' "$T/serve.log" | sed 's/^"line":"//')
[ "$line" = "NOTIFIED $ok_id 1 42" ] || { tail -20 "$T/serve.log"; fail "SMN subscriber got '$line', want 'NOTIFIED $ok_id 1 42'"; }
line=$(grep -oE '"line":"DEAD[^"]*' "$T/serve.log" | sed 's/^"line":"//')
[ "$line" = "DEAD dead-letters $bad_id UnhandledInvocationError 2" ] ||
  { tail -20 "$T/serve.log"; fail "DIS reader got '$line', want 'DEAD dead-letters $bad_id UnhandledInvocationError 2'"; }
[ ! -d "$T/.fstage/pending/async/undelivered" ] || [ -z "$(ls -A "$T/.fstage/pending/async/undelivered")" ] ||
  { ls -la "$T/.fstage/pending/async/undelivered"; fail "a notification was kept undelivered"; }
serve_stop TERM
