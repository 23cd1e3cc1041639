# --json: one JSON object and nothing else on stdout; the human form is a ✓/!/✗ checklist.
. "$(dirname "$0")/lib/doctor.sh"
expect_exit 0 "$FSTAGE" doctor --json
"$PYTHON" -c '
import json, sys
text = open(sys.argv[1]).read()
j = json.loads(text)
assert isinstance(j, dict), "not an object"
for k in ("tier", "why", "ready", "exit_code", "checks", "runtimes", "credentials"):
    assert k in j, k
for c in j["checks"]:
    assert c["status"] in ("ok", "warn", "fail"), c
    assert c["status"] == "ok" or c["fix"] or c["detail"], c
' "$T/out" || fail "doctor --json is not one well-formed object"
expect_exit 0 "$FSTAGE" doctor
assert_contains "$T/out" "✓ seccomp: "
assert_contains "$T/out" "ready: 0 problems"
assert_not_contains "$T/out" $'\033['
expect_exit 0 "$FSTAGE" --color=always doctor
assert_contains "$T/out" $'\033[32m✓'
