#!/usr/bin/env bash
# What fstage reads is bounded: /dev/zero, a FIFO that never ends and a manifest over 4 MB end
# at once with exit 7 and the limit; a manifest nested 100000 brackets deep ends at once with
# exit 3 at its line:column; an event number no double holds is exit 3, not 70.
source "$(dirname "$0")/../lib/common.sh"
PY=$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python/fstage.yaml

# run_timed CMD...: runs CMD as expect_exit does; its exit code in $got, its time in $ms.
run_timed() {
  local start end
  start=$(date +%s%N)
  got=0
  "$@" >"$T/out" 2>"$T/err" || got=$?
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
}

run_timed "$FSTAGE" validate -f /dev/zero
[ "$got" = 7 ] || { cat "$T/err"; fail "validate /dev/zero: exit $got, want 7"; }
[ "$ms" -lt 2000 ] || fail "validate /dev/zero took $ms ms"
assert_contains "$T/err" "/dev/zero is larger than 4 MB (4194304 bytes)"
assert_contains "$T/err" "the platform's limits"

mkfifo "$T/fifo"
(yes 'name: x' >"$T/fifo" 2>/dev/null || true) &
run_timed "$FSTAGE" validate -f "$T/fifo"
wait
[ "$got" = 7 ] || { cat "$T/err"; fail "validate FIFO: exit $got, want 7"; }
[ "$ms" -lt 2000 ] || fail "validate FIFO took $ms ms"

head -c $((5 << 20)) /dev/zero | tr '\0' '#' >"$T/fstage.yaml"
run_timed "$FSTAGE" validate -f "$T/fstage.yaml"
[ "$got" = 7 ] || { cat "$T/err"; fail "validate big file: exit $got, want 7"; }
assert_contains "$T/err" "fstage.yaml is 5242880 bytes, larger than 4 MB (4194304 bytes)"

{
  printf 'name: p\nfunctions: '
  head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'
  echo
} >"$T/fstage.yaml"
run_timed "$FSTAGE" validate -f "$T/fstage.yaml"
[ "$got" = 3 ] || { cat "$T/err"; fail "validate deep brackets: exit $got, want 3"; }
[ "$ms" -lt 2000 ] || fail "validate of 100000 brackets took $ms ms"
assert_contains "$T/err" "fstage.yaml:2:111: nested more than 100 levels deep"

printf '{"a": [1, 1e400]}' >"$T/e.json"
expect_exit 3 "$FSTAGE" invoke -f "$PY" hello -e "$T/e.json"
assert_contains "$T/err" "e.json:1:11: the number 1e400 is out of range"
assert_not_contains "$T/err" "internal error"
