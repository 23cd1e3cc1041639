# Sourced by every e2e scenario. Provides a scratch dir, assertions and visible skips.
set -euo pipefail
: "${FSTAGE:?FSTAGE must point at the built fstage binary}"
: "${FSTAGE_SOURCE_DIR:?}"
export NO_COLOR=1
T=$(mktemp -d "${TMPDIR:-/tmp}/fstage-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }
# skip REASON: exit 77 (ctest shows "Skipped"), or fail when FSTAGE_TEST_REQUIRE is set.
skip() {
  if [ -n "${FSTAGE_TEST_REQUIRE:-}" ]; then fail "required but skipped: $*"; fi
  echo "SKIP: $*"; exit 77
}
# expect_exit CODE CMD...: runs CMD, captures stdout/stderr in $T/out and $T/err.
expect_exit() {
  local want=$1; shift
  local got=0
  "$@" >"$T/out" 2>"$T/err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
    fail "expected exit $want, got $got: $*"
  fi
}
assert_contains() { grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "'$2' not in $1"; }; }
assert_not_contains() { ! grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "'$2' found in $1"; }; }
