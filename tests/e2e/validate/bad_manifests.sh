#!/usr/bin/env bash
# `fstage validate` rejects every broken fixture manifest with exit 3 and a file:line:column
# error on stderr (stdout empty); with --json it prints one parseable object and no human error.
source "$(dirname "$0")/../lib/common.sh"
FIX=$FSTAGE_SOURCE_DIR/tests/fixtures/manifests
PY=/usr/bin/python3
CHECK_JSON='
import json, sys
d = json.load(sys.stdin)
line, col = map(int, sys.argv[1].split(":"))
assert d["valid"] is False, d
assert d["file"] == "fstage.yaml", d
e = d["errors"][0]
assert (e["line"], e["column"]) == (line, col), e
assert set(e) == {"file", "line", "column", "message", "expected", "hint"}, e
assert isinstance(d["warnings"], list) and d["functions"] == []
'

n=0
for f in "$FIX"/bad/*.yaml; do
  want=$(head -n 1 "$f" | sed -n 's/^# expect: \([0-9]*:[0-9]*\) .*/\1/p')
  [ -n "$want" ] || fail "$f: no '# expect: LINE:COL text' header"
  cp "$f" "$T/fstage.yaml"

  expect_exit 3 "$FSTAGE" validate -f fstage.yaml
  assert_contains "$T/err" "fstage: error: "
  assert_contains "$T/err" "fstage.yaml:$want: "
  [ ! -s "$T/out" ] || fail "$(basename "$f"): stdout is not empty"

  expect_exit 3 "$FSTAGE" validate --json -f fstage.yaml
  assert_not_contains "$T/err" "error:"
  "$PY" -c "$CHECK_JSON" "$want" <"$T/out" || fail "$(basename "$f"): bad --json output"
  n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n bad fixtures"

# The good fixture passes, found from a subdirectory without -f.
cp -r "$FIX/good" "$T/good"
cd "$T/good/src/orders"
expect_exit 0 "$FSTAGE" validate
assert_contains "$T/err" "fstage.yaml: ok (2 functions)"
[ ! -s "$T/out" ] || fail "stdout is not empty for a valid manifest"
expect_exit 0 "$FSTAGE" validate --json
"$PY" -c 'import json,sys; d=json.load(sys.stdin); assert d["valid"] and d["errors"] == [] and d["functions"] == ["orders", "web"], d' <"$T/out" \
  || fail "bad --json output for the good fixture"
cd "$T"

# A missing file is "not found" (4), not "invalid" (3).
expect_exit 4 "$FSTAGE" validate -f nope.yaml
assert_contains "$T/err" "nope.yaml"

# Random garbage never crashes the command: exit 3, never 70 (internal) or a signal.
for i in 1 2 3 4 5; do
  head -c 2000 /dev/urandom >"$T/fstage.yaml"
  expect_exit 3 "$FSTAGE" validate -f fstage.yaml
done
echo "ok: $n bad manifests rejected"
