#!/usr/bin/env bash
# With --json, a failed command prints its error as JSON on stdout ({"error": {...},
# "exit_code": N}) besides the text on stderr: scripts that parse stdout get something to parse.
. "$(dirname "$0")/../lib/common.sh"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to check JSON with"
PY="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python/fstage.yaml"
check() {  # check CODE MESSAGE-PREFIX: stdout is one JSON error with that code
  "$PYTHON" - "$T/out" "$1" "$2" <<'PYEOF' || { cat "$T/out"; fail "not the JSON error expected"; }
import json, sys
j = json.load(open(sys.argv[1]))
assert j["exit_code"] == int(sys.argv[2]), j
assert j["error"]["message"].startswith(sys.argv[3]), j
assert isinstance(j["error"]["hint"], str) and isinstance(j["error"]["details"], list), j
PYEOF
  assert_contains "$T/err" "fstage: error: $2"
}
expect_exit 4 "$FSTAGE" invoke --json -f "$PY" nosuch
check 4 "no function 'nosuch'"
printf '{"a": ' >bad.json
expect_exit 3 "$FSTAGE" invoke --json -f "$PY" hello -e bad.json
check 3 "bad.json:"
for cmd in validate build package doctor invoke; do
  expect_exit 4 "$FSTAGE" "$cmd" --json -f missing.yaml
  check 4 "missing.yaml: no such file"
done
# invoke --json names its warnings once, under "warnings".
expect_exit 0 "$FSTAGE" invoke --json -f "$PY" hello
"$PYTHON" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert "warnings_fstage" not in j and isinstance(j["warnings"], list), j' "$T/out" ||
  fail "invoke --json warnings: $(cat "$T/out")"
echo ok
