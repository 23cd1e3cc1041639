# Exit 0 when the manifest's runtimes are here, 4 (not found) when one is missing.
. "$(dirname "$0")/lib/doctor.sh"
[ -x /usr/bin/python3 ] || skip "no Python interpreter"
expect_exit 0 "$FSTAGE" doctor -f "$PY" --json
[ "$(json_get "$T/out" "j['runtimes']['runtimes'][0]['runtime']")" = Python3.10 ] || fail "runtime"
[ "$(json_get "$T/out" "j['runtimes']['runtimes'][0]['found']")" = True ] || fail "python found"
# The manifest found from the working directory, as other commands find it.
(cd "$(dirname "$PY")" && "$FSTAGE" doctor --json) >"$T/cwd.json"
[ "$(json_get "$T/cwd.json" "j['runtimes']['manifest']")" = "$PY" ] || fail "manifest not found"
expect_exit 4 env FSTAGE_PYTHON=/nonexistent/python3 "$FSTAGE" doctor -f "$PY"
assert_contains "$T/out" "✗ Python3.10 (hello, counter, context, fail, sleep, spin, memhog, crash, big, escape): FSTAGE_PYTHON=/nonexistent/python3 is not an executable"
assert_contains "$T/out" "not ready: 1 problem"
expect_exit 4 env FSTAGE_PYTHON=/nonexistent/python3 "$FSTAGE" doctor -f "$PY" --json
[ "$(json_get "$T/out" "j['exit_code']")" = 4 ] || fail "exit_code in JSON"
if command -v node >/dev/null; then
  expect_exit 0 "$FSTAGE" doctor -f "$NODE"
  # A PATH without node still finds /usr/bin/node; FSTAGE_NODE naming nothing does not.
  expect_exit 4 env FSTAGE_NODE=/nonexistent/node "$FSTAGE" doctor -f "$NODE"
fi
expect_exit 4 "$FSTAGE" doctor -f "$T/missing.yaml" --json
# --json: the error as JSON on stdout (and as text on stderr).
"$PYTHON" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["exit_code"] == 4 and j["error"]["code"] == "not_found", j' "$T/out" ||
  fail "not the JSON error on stdout when -f names no file: $(cat "$T/out")"
assert_contains "$T/err" "missing.yaml: no such file"
assert_contains "$T/err" "fstage: error: "
