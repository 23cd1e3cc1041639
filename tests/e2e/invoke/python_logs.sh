# The Python logger as the platform's (issue 17 item 2): "<time> <request id> <LEVEL> <msg>",
# extra arguments joined with spaces, exception/critical/log/setLevel, 90 KiB lines split,
# the logging module's root logger kept, stdout and stderr in the order written; a RUNTIME_*
# name the platform does not set is the user's (item 10).
. "$(dirname "$0")/lib/invoke.sh"
need_python
F="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python-fidelity/fstage.yaml"
expect_exit 0 "$FSTAGE" invoke -f "$F" logs
assert_contains "$T/out" 'debug'
line() { grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z [0-9a-f-]{36} $1\$" "$T/err" ||
  { cat "$T/err" | cut -c1-200; fail "no log line '$1'"; }; }
line 'INFO Initializing: logs'
line 'INFO 3 items'
line 'DEBUG shown at DEBUG'
line 'WARNING careful'
line 'CRITICAL on fire'
line 'ERROR via log\(level, msg\)'
line 'ERROR caught'
line 'INFO root logger kept'
line 'WARNING a library logger'
assert_not_contains "$T/err" 'hidden at INFO'
assert_not_contains "$T/err" 'Logging error'
assert_contains "$T/err" "KeyError: 'k'"
# 90 KiB + 10 characters: two lines, the second holding the last 10.
[ "$(grep -cE ' INFO x+$' "$T/err")" = 2 ] || fail "long line not split in two"
grep -qE ' INFO x{10}$' "$T/err" || fail "second part of the long line"
# print() and sys.stderr.write() interleaved, in order.
[ "$(grep -E '^(out|err) [0-9]$' "$T/err" | tr '\n' ' ')" = "out 0 err 0 out 1 err 1 out 2 err 2 " ] ||
  fail "stdout and stderr out of order: $(grep -E '^(out|err) ' "$T/err" | tr '\n' ' ')"
