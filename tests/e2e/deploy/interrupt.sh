# SIGINT and SIGTERM stop `deploy` at once wherever it is: in the build step, in a slow
# request, in a retry's wait (Retry-After), at random moments: exit 130 with
# "fstage: interrupted", no build process, no partial zip, a state file that still parses.
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/fakecloud/e2e.sh" || exit 1
source "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh" || exit 1
start_fakecloud
trap 'kill_fstage; kill $FAKE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
new_project app hello
cd app

no_partial_files() {
  local left
  left=$(ls -d .fstage/dist/.*.tmp.* .fstage/build/hello/staging .fstage/build/hello/*-tmp-* \
    2>/dev/null || true)
  [ -z "$left" ] || fail "$1: partial files left: $left"
  if [ -e .fstage/deploy-state.json ]; then
    "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' .fstage/deploy-state.json ||
      fail "$1: deploy-state.json does not parse"
  fi
}

# deploy_then SIG DELAY WHAT: starts a deploy, signals it after DELAY seconds.
deploy_then() {
  start_fstage "$T/out" "$T/err" deploy
  sleep "$2"
  interrupt "$1"
  expect_interrupted "$3" "$T/err" 2500
  no_partial_files "$3"
}

# 1. A request the server sits on.
fake_faults '[{"method": "GET", "path": "/v3/projects", "delay": 30, "count": 1}]'
deploy_then INT 2 "SIGINT in a slow request"
fake_post /__reset '{}'

# 2. The wait before a retry (the server asked for 20 s with Retry-After).
fake_faults '[{"method": "GET", "path": "/v3/projects", "status": 429, "retry_after": 20,
               "count": 1}]'
deploy_then TERM 2 "SIGTERM while waiting to retry"
fake_post /__reset '{}'

# 3. The build step (deploy packages first).
cat >>fstage.yaml <<'YAML'
    build: sleep 2
YAML
"$FSTAGE" validate >/dev/null 2>&1 || fail "the build: line does not validate"
echo "# 0" >>index.py
deploy_then INT 1 "SIGINT in the build step"

# 4. Random moments: the build (2 s), then requests the server answers after 1.5 s each (a
# new function takes three).
for i in 1 2 3 4 5; do
  fake_post /__reset '{}'
  fake_faults '[{"delay": 1.5, "count": 1000}]'
  echo "# $i" >>index.py
  sig=INT
  [ $((i % 2)) = 0 ] && sig=TERM
  delay=$(random_delay 100 4500)
  deploy_then "$sig" "$delay" "SIG$sig ${delay}s into deploy (run $i)"
done
echo "ok"
