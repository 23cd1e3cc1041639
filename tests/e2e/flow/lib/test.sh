# Shared by the `fstage flow test` scenarios (tests/e2e/flow/test_*.sh): the README's worked
# example (templates/flows/python/, what `fstage init --flow` writes) as a project in the
# scratch directory, and a JSON reader for assertions.
# shellcheck source=../../lib/common.sh
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to run the Python functions and read JSON with"
export FSTAGE_PYTHON=$PYTHON FSTAGE_NO_VERSION_WARNING=1
# json_get FILE EXPR: EXPR evaluated on the JSON in FILE (bound to j).
json_get() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# example_project DIR: the worked example, rendered as init renders it.
example_project() {
  mkdir -p "$1"
  cp -r "$FSTAGE_SOURCE_DIR/templates/flows/python/." "$1/"
  sed -i -e 's/{{project}}/shop/' -e 's/{{region}}/cn-north-4/' -e 's/{{runtime}}/Python3.10/' \
    "$1/fstage.yaml"
}
# has_namespaces: fstage runs functions in a sandbox with its own root here (not the degraded
# tier, where the interpreter paths are the host's).
has_namespaces() {
  mkdir -p "$T/probe" && printf 'def handler(e, c):\n    return {}\n' >"$T/probe/index.py"
  printf 'name: probe\nfunctions:\n  probe: {runtime: python3.10, handler: index.handler, code: .}\n' \
    >"$T/probe/fstage.yaml"
  "$FSTAGE" invoke -f "$T/probe/fstage.yaml" probe --json >"$T/tier.json" 2>/dev/null || true
  [ "$(json_get "$T/tier.json" "j['isolation']['tier']" 2>/dev/null)" != "T2" ] ||
    json_get "$T/tier.json" "j['isolation']['summary']" | grep -q "root, namespaces"
}
