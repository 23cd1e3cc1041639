# Shared by the invoke scenarios: fixture paths and a JSON field reader.
# shellcheck source=../lib/common.sh
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
PY="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python/fstage.yaml"
NODE="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/nodejs/fstage.yaml"
# A real interpreter for parsing JSON in assertions (the python3 on PATH may be a slow shim).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to check JSON with"
# json_get FILE EXPR: prints EXPR evaluated on the parsed JSON in FILE (bound to j).
json_get() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
need_python() { [ -x /usr/bin/python3 ] || skip "no Python interpreter"; }
need_node() { command -v node >/dev/null || skip "no Node.js interpreter"; }
# The tier fstage picks here: isolation-dependent checks skip in the degraded tier.
tier_has_namespaces() {
  "$FSTAGE" invoke -f "$PY" hello --json >"$T/tier.json" 2>/dev/null || true
  [ "$(json_get "$T/tier.json" "j['isolation']['tier']")" != "T2" ] ||
    json_get "$T/tier.json" "j['isolation']['summary']" | grep -q "root, namespaces"
}
