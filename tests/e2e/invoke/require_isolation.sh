# --require-isolation turns a degraded tier into a sandbox error (exit 13).
. "$(dirname "$0")/lib/invoke.sh"
expect_exit 13 env FSTAGE_SANDBOX_DISABLE=namespaces "$FSTAGE" invoke -f "$PY" hello --require-isolation
assert_contains "$T/err" "isolation required"
