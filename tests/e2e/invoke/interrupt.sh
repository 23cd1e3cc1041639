# SIGINT and SIGTERM stop `invoke` at once wherever it is (the build step, the sandbox's start,
# the invocation): exit 130 with "fstage: interrupted", no process, no cgroup, no staging
# directory left. The moments are random; the delays are printed when a check fails.
. "$(dirname "$0")/lib/invoke.sh"
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh"
need_python
mkdir -p "$T/p" && cd "$T/p"
cat >index.py <<'PY'
import time

def handler(event, context):
    print("sleeping", flush=True)
    time.sleep(60)
    return "woke"
PY
# A build step of its own (a second of sleep, then the files as they are), rerun whenever
# stamp.txt changes: the signal may land in it.
cat >fstage.yaml <<'YAML'
name: sig
functions:
  sleepy:
    runtime: Python3.10
    handler: index.handler
    code: .
    timeout: 60
    build: sleep 1
YAML

no_partial_build() {
  local left
  left=$(ls -d .fstage/build/sleepy/staging .fstage/build/sleepy/*-tmp-* 2>/dev/null || true)
  [ -z "$left" ] || fail "$1: a partial build was left: $left"
}

# In the invocation itself (the build is done): a signal ends it at once.
"$FSTAGE" build >/dev/null 2>&1 || fail "build failed"
for sig in INT TERM; do
  start_fstage "$T/out" "$T/err" invoke sleepy
  for _ in $(seq 200); do grep -q sleeping "$T/err" && break; sleep 0.05; done
  grep -q sleeping "$T/err" || { cat "$T/err"; fail "the function did not start"; }
  interrupt "$sig"
  expect_interrupted "SIG$sig during the invocation" "$T/err" 2000
  assert_not_contains "$T/err" "Finish invoke request"
done

# --json: the same exit and the same clean-up.
start_fstage "$T/out" "$T/err" invoke sleepy --json
sleep 2
interrupt INT
[ "$FS_RC" = 130 ] || { cat "$T/out" "$T/err"; fail "--json: expected exit 130, got $FS_RC"; }
grep -q interrupted "$T/out" "$T/err" || fail "--json: nothing says it was interrupted"
check_clean "SIGINT during invoke --json"

# At random moments: during the build step, the sandbox's start or the invocation.
for i in 1 2 3 4 5 6; do
  echo "$i" >stamp.txt
  sig=INT
  [ $((i % 2)) = 0 ] && sig=TERM
  delay=$(random_delay 100 2500)
  start_fstage "$T/out" "$T/err" invoke sleepy
  sleep "$delay"
  interrupt "$sig"
  expect_interrupted "SIG$sig ${delay}s into invoke (run $i)" "$T/err"
  no_partial_build "SIG$sig ${delay}s into invoke (run $i)"
done
echo "ok"
