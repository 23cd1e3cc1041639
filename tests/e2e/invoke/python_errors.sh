# Python errors as the platform words them, with the user's frames (issue 17 item 9).
. "$(dirname "$0")/lib/invoke.sh"
need_python
F="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python-fidelity/fstage.yaml"
expect_exit 10 "$FSTAGE" invoke -f "$F" fail
[ "$(json_get "$T/out" "j['errorMessage']")" = \
  "function invocation exception, error: invalid literal for int() with base 10: 'not a number'" ] ||
  fail "errorMessage: $(cat "$T/out")"
[ "$(json_get "$T/out" "j['errorType']")" = ValueError ] || fail "errorType"
# The user's two frames (fail, then _helper), none of the shim's.
[ "$(json_get "$T/out" "[l.split(', in ')[1].split()[0] for l in j['stackTrace']]")" = \
  "['fail', '_helper']" ] || fail "stackTrace: $(cat "$T/out")"
assert_not_contains "$T/out" "bootstrap.py"

# A result json cannot serialise: the prefix, and the user's handler, not json's frames.
expect_exit 10 "$FSTAGE" invoke -f "$F" unserialisable
assert_contains "$T/out" "function result is invalid, error: Object of type set is not JSON serializable"
[ "$(json_get "$T/out" "j['stackTrace']")" != "[]" ] || fail "no user frame"
assert_contains "$T/out" "index.py"
assert_contains "$T/out" "in unserialisable"
assert_not_contains "$T/out" "encoder.py"

expect_exit 10 "$FSTAGE" invoke -f "$F" missing
assert_contains "$T/out" "function entry exception, error: handler 'nothere' not found in module './index.py'"
expect_exit 10 "$FSTAGE" invoke -f "$F" badinit
assert_contains "$T/out" "function initialization exception: no database"
