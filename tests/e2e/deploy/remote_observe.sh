# `fstage remote metrics` and `fstage remote logs --follow` against the strict local API: the
# statistics route (signed, its periods only) totals the invocations made; --follow prints the
# recent tail, then each new line exactly once as invocations come, polling at the rate asked,
# and ends on SIGINT with exit 130 and nothing on stderr. No credential in anything printed.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh" || exit 1
start_fakecloud
trap 'kill_fstage; kill $FAKE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
new_project app hello
cd app
fs 0 deploy

# 1. metrics: 3 invocations, one failing.
echo '{"fail": "on purpose"}' >fail.json
fs 0 remote invoke hello
fs 0 remote invoke hello
fs 10 remote invoke hello -e fail.json
fs 0 remote metrics hello --period 5m
assert_contains "$T/out" "invocations 3   errors 1   throttled 0"
assert_contains "$T/out" "hello: the last 5 minutes (cn-north-4)"
fake_check "r[-1]['path'].endswith('/statistics/5') and r[-1]['auth'] == 'ok' and r[-1]['status'] == 200" \
  "the statistics route, signed"
fs 0 remote metrics hello --json
"$PY" - "$T/out" <<'PY' || fail "remote metrics --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["period_minutes"] == 60 and j["totals"]["invocations"] == 3, j["totals"]
assert j["totals"]["errors"] == 1 and len(j["statistics"]["count"]) == 60
PY
fs 2 remote metrics hello --period 1d
assert_contains "$T/err" "5 minutes, 15 minutes or 1 hour"
fs 4 remote metrics nope --period 15m
assert_contains "$T/err" "FSS.1051"

# 2. logs --follow: the tail first, then new lines once each, then SIGINT.
start_fstage "$T/follow.out" "$T/follow.err" remote logs hello --follow --interval 1 --since 10m
for i in $(seq 100); do
  [ "$(grep -c "Start invoke request" "$T/follow.out")" = 3 ] && break
  sleep 0.1
done
[ "$(grep -c "Start invoke request" "$T/follow.out")" = 3 ] || {
  cat "$T/follow.out" "$T/follow.err"; fail "the tail should show the 3 earlier invocations"; }
polls_before=$(fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["path"].endswith("/content/query")))')
echo '{"n": "first-new"}' >e1.json
echo '{"n": "second-new"}' >e2.json
fs 0 remote invoke hello -e e1.json
sleep 1.5
fs 0 remote invoke hello -e e2.json
for i in $(seq 100); do
  [ "$(grep -c "Start invoke request" "$T/follow.out")" = 5 ] && break
  sleep 0.1
done
sleep 2.5  # two more polls: nothing may be printed twice
interrupt INT
[ "$FS_RC" = 130 ] || { cat "$T/follow.err"; fail "--follow exited $FS_RC after SIGINT, want 130"; }
[ ! -s "$T/follow.err" ] || { cat "$T/follow.err"; fail "--follow should end quietly on SIGINT"; }
[ "$(grep -c "Start invoke request" "$T/follow.out")" = 5 ] || {
  cat "$T/follow.out"; fail "want 5 invocations' lines, each once"; }
[ "$(sort "$T/follow.out" | uniq -d | grep -c "invoke request")" = 0 ] || {
  cat "$T/follow.out"; fail "a line was printed twice"; }
cat "$T/follow.out" >>"$OUTPUT_LOG"
cat "$T/follow.err" >>"$OUTPUT_LOG"
# The rate: about one query a second (--interval 1), not a busy loop.
polls=$(fake_get /__requests | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["path"].endswith("/content/query")))')
n=$((polls - polls_before))
echo "polls while following: $n"
[ "$n" -ge 3 ] && [ "$n" -le 12 ] || fail "$n LTS queries in about 6 s at --interval 1"
fake_check "all(r['auth'] == 'ok' and r['status'] == 200 for r in r if r['path'].endswith('/content/query'))" \
  "every LTS query signed and accepted"

assert_no_secrets
