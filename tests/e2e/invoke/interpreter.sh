# --interpreter (or FSTAGE_PYTHON) picks the interpreter; a bad one is a clear not-found error.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" hello --interpreter /usr/bin/python3
assert_contains "$T/out" 'hello world'
expect_exit 4 "$FSTAGE" invoke -f "$PY" hello --interpreter /nonexistent/python3
assert_contains "$T/err" "is not an executable file"
expect_exit 4 env FSTAGE_PYTHON=/nonexistent/python3 "$FSTAGE" invoke -f "$PY" hello
