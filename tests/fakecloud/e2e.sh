# Sourced by tests/e2e/deploy/*.sh (after tests/e2e/lib/common.sh): starts the strict local API,
# points fstage at it with test credentials in an isolated HOME, and collects everything fstage
# prints so the scenario can prove no credential leaked.
PY=/usr/bin/python3
FAKE_DIR=$FSTAGE_SOURCE_DIR/tests/fakecloud
TEST_AK=AKE2ETESTKEY7Q2W9X4Z
TEST_SK=SKE2ETESTSECRETv8Jq3Lm5Np7Rs9Tu1Vw3Xy5Za7
TEST_TOKEN=TOKENE2ETEST0aZ9bY8cX7dW6eV5fU4gT3hS2iR1
OUTPUT_LOG=$T/all-output.log
: >"$OUTPUT_LOG"

# start_fakecloud [server flags...]: FAKE_URL, FAKE_PID; the server dies with this script.
start_fakecloud() {
  "$PY" "$FAKE_DIR/server.py" --port-file "$T/fake.port" --ak "$TEST_AK" --sk "$TEST_SK" \
    --token "$TEST_TOKEN" --lifetime 240 --parent-pid $$ "$@" >"$T/fake.out" 2>"$T/fake.err" &
  FAKE_PID=$!
  local i
  for i in $(seq 200); do
    [ -s "$T/fake.port" ] && break
    sleep 0.05
  done
  [ -s "$T/fake.port" ] || fail "fakecloud did not start: $(cat "$T/fake.err")"
  local scheme=http
  case " $* " in *" --tls-cert "*) scheme=https ;; esac
  FAKE_URL=$scheme://127.0.0.1:$(cat "$T/fake.port")
  trap 'kill $FAKE_PID 2>/dev/null || true; rm -rf "$T"' EXIT
  export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config
  mkdir -p "$HOME"
  export HUAWEICLOUD_SDK_AK=$TEST_AK HUAWEICLOUD_SDK_SK=$TEST_SK FSTAGE_ENDPOINT=$FAKE_URL
  unset HUAWEICLOUD_SDK_PROJECT_ID HUAWEICLOUD_SDK_SECURITY_TOKEN FSTAGE_AUTH_TOKEN FSTAGE_PROFILE \
    FSTAGE_REGION FSTAGE_IAM_ENDPOINT FSTAGE_CA_BUNDLE || true
}

# fs CODE ARGS...: runs fstage expecting exit CODE; output in $T/out, $T/err, and the log.
fs() {
  local code=$1
  shift
  local rc=0
  expect_exit "$code" "$FSTAGE" "$@" || rc=$?
  cat "$T/out" "$T/err" >>"$OUTPUT_LOG"
  return $rc
}

# (-k: the control calls of the tests themselves; fstage's own TLS checks are tls.sh's subject.)
fake_get() { curl -sfk "$FAKE_URL$1"; }
fake_post() { curl -sfk -X POST -H 'Content-Type: application/json' -d "$2" "$FAKE_URL$1" >/dev/null; }
# fake_faults JSON-LIST: queue faults, e.g. '[{"method":"PUT","status":503,"count":2}]'.
fake_faults() { fake_post /__faults "{\"faults\": $1}"; }

# fake_check PYTHON-EXPR [MESSAGE]: evaluates EXPR with s = GET /__state, r = GET /__requests.
fake_check() {
  fake_get /__state >"$T/state.json"
  fake_get /__requests >"$T/requests.json"
  "$PY" - "$T/state.json" "$T/requests.json" "$1" <<'PY' || fail "${2:-state check failed}: $1"
import json, sys
s = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
fns = {f["name"]: f for f in s["functions"]}
ok = eval(sys.argv[3])
if not ok:
    print(json.dumps(s, indent=1)[:4000], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# assert_no_secrets: none of the credentials, nor any signature the server saw, in anything
# fstage printed during the scenario (stdout, stderr, -v).
assert_no_secrets() {
  fake_get /__requests >"$T/requests.json"
  "$PY" - "$OUTPUT_LOG" "$T/requests.json" "$TEST_AK" "$TEST_SK" "$TEST_TOKEN" <<'PY' ||
import json, sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
secrets = [s for s in sys.argv[3:] if s]
for req in json.load(open(sys.argv[2])):
    secrets += [req.get("signature") or "", req.get("authorization") or ""]
leaks = sorted({s[:8] + "..." for s in secrets if len(s) >= 8 and s in out})
if leaks:
    print("credential material in fstage output:", leaks, file=sys.stderr)
    sys.exit(1)
print("no credential in %d bytes of output" % len(out))
PY
    fail "a credential appeared in fstage's output"
}

# new_project DIR NAME: a python3.10 project from `fstage init`.
new_project() {
  "$FSTAGE" init "$1" -r python3.10 -n "$2" -q >/dev/null 2>&1 || fail "init failed"
}
