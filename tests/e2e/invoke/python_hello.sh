# A documented-style Python handler: result on stdout, platform log lines and REPORT on stderr.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" hello
assert_contains "$T/out" '"statusCode": 200'
assert_contains "$T/out" 'hello world'
assert_contains "$T/err" "Start invoke request '"
assert_contains "$T/err" "hello from hello"
assert_contains "$T/err" "plain print goes to the log too"
assert_contains "$T/err" "Finish invoke request '"
assert_contains "$T/err" "REPORT RequestId: "
assert_contains "$T/err" "Billed Duration: "
assert_contains "$T/err" "Memory Size: 128 MB"
assert_contains "$T/err" "Max Memory Used: "
assert_contains "$T/err" "Init Duration: "
# The logger's line format: <UTC time> <request id> <LEVEL> <message>.
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z [0-9a-f-]{36} INFO hello from hello$' "$T/err" ||
  fail "logger line format"

# -q keeps the result and drops the logs and report; -v adds what the sandbox enforces.
expect_exit 0 "$FSTAGE" -q invoke -f "$PY" hello
assert_contains "$T/out" 'hello world'
[ ! -s "$T/err" ] || fail "-q printed to stderr: $(cat "$T/err")"
expect_exit 0 "$FSTAGE" -v invoke -f "$PY" hello
assert_contains "$T/err" "fstage: sandbox T"
assert_contains "$T/err" "fstage: code "
assert_contains "$T/err" "REPORT RequestId: "
