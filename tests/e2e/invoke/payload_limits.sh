# Requests and responses over 6 MB get the platform's errors: exit 7.
. "$(dirname "$0")/lib/invoke.sh"
need_python
"$PYTHON" -c "import json; print(json.dumps({'x': 'y' * (7 << 20)}))" >"$T/big.json"
expect_exit 7 "$FSTAGE" invoke -f "$PY" hello -e "$T/big.json"
assert_contains "$T/err" "larger than 6 MB (6291456 bytes); the platform's limit for a synchronous request body is 6 MB"
expect_exit 7 "$FSTAGE" invoke -f "$PY" big
assert_contains "$T/out" "FunctionResponseTooLarge"
