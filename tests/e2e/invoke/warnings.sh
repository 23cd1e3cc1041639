#!/usr/bin/env bash
# invoke warns about the function it runs and no other, says each warning once (--json: under
# "warnings" alone), and the interpreter-version warning can be silenced: --no-version-warning
# or FSTAGE_NO_VERSION_WARNING=1 (the REPORT line still names the version that ran).
. "$(dirname "$0")/lib/invoke.sh"
need_python
[ -x /usr/bin/python3.9 ] || [ -x /usr/local/bin/python3.9 ] && skip "the host has a Python 3.9: no version mismatch to warn about"
mkdir -p "$T/home" proj
export HOME="$T/home"
unset FSTAGE_PYTHON FSTAGE_NO_VERSION_WARNING
printf 'def handler(event, context):\n    return "ok"\n' >proj/index.py
cat >proj/fstage.yaml <<'YAML'
name: warn
functions:
  a:
    runtime: Python3.9
    handler: index.handler
  b:
    runtime: Python3.9
    handler: index.handler
    initializer_timeout: 5
YAML
cd proj
version_warning="Python3.9 requested, but the host's python is"
expect_exit 0 "$FSTAGE" invoke a
assert_contains "$T/err" "$version_warning"
[ "$(grep -c "$version_warning" "$T/err")" = 1 ] || fail "the version warning more than once"
assert_not_contains "$T/err" "functions.b"
expect_exit 0 "$FSTAGE" invoke b
assert_contains "$T/err" "functions.b.initializer_timeout: set without an initializer"

expect_exit 0 "$FSTAGE" invoke a --json
"$PYTHON" - "$T/out" "$version_warning" <<'PYEOF' || fail "invoke --json warnings: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert "warnings_fstage" not in j, j.keys()
w = j["warnings"]
assert sum(sys.argv[2] in x for x in w) == 1, w
assert not any("functions.b" in x for x in w), w
PYEOF
expect_exit 0 "$FSTAGE" invoke a --repeat 2 --json
"$PYTHON" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert len(j["warnings"]) == 1 and all("warnings" not in r for r in j["invocations"]), j' "$T/out" ||
  fail "invoke --repeat --json warnings: $(cat "$T/out")"

expect_exit 0 "$FSTAGE" invoke a --no-version-warning
assert_not_contains "$T/err" "$version_warning"
grep -qE 'REPORT .*	Runtime: python 3\.[0-9.]+, not Python3\.9$' "$T/err" || fail "REPORT lost the version: $(grep REPORT "$T/err")"
FSTAGE_NO_VERSION_WARNING=1 expect_exit 0 "$FSTAGE" invoke a
assert_not_contains "$T/err" "$version_warning"
FSTAGE_NO_VERSION_WARNING=1 expect_exit 0 "$FSTAGE" invoke a --json
[ "$(json_get "$T/out" "len(j['warnings'])")" = 0 ] || fail "silenced, yet: $(cat "$T/out")"
echo ok
