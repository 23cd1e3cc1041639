# --trigger with --set feeds an edited sample event to the handler.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" hello --trigger apig --set name=trigger
assert_contains "$T/out" 'hello trigger'
expect_exit 2 "$FSTAGE" invoke -f "$PY" hello --set name=x
