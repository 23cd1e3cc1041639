# Malformed event JSON is reported with line:column, exit 3, before anything runs.
. "$(dirname "$0")/lib/invoke.sh"
printf '{\n  "a": 1,\n  "b": ,\n}\n' >"$T/bad.json"
expect_exit 3 "$FSTAGE" invoke -f "$PY" hello -e "$T/bad.json"
grep -Eq 'bad\.json:3:[0-9]+' "$T/err" || { cat "$T/err"; fail "no line:column"; }
