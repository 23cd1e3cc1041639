# Shared by the doctor scenarios: fixtures, a JSON reader, and running fstage as nobody.
# shellcheck source=../../lib/common.sh
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
PY="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/python/fstage.yaml"
NODE="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/nodejs/fstage.yaml"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to check JSON with"
# Every run probes afresh: a cached trial from another test must not decide the tier.
export FSTAGE_SANDBOX_REPROBE=1
# json_get FILE EXPR: EXPR evaluated on the JSON in FILE (bound to j); fails unless the whole
# file is one JSON document.
json_get() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# check FILE ID FIELD: a field of one entry of doctor's "checks".
check_field() {
  json_get "$1" "next(c for c in j['checks'] if c['id'] == '$2')['$3']"
}
# as_nobody CMD...: runs CMD as uid/gid 65534 with a HOME of its own under $T.
as_nobody() {
  mkdir -p "$T/nobody-home" && chown 65534:65534 "$T/nobody-home"
  setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$T/nobody-home" XDG_CACHE_HOME="$T/nobody-home/.cache" "$@"
}
need_root_setpriv() {
  [ "$(id -u)" = 0 ] || skip "needs root to drop to nobody with setpriv"
  command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
  setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$FSTAGE" ||
    skip "nobody cannot execute $FSTAGE (build tree not world-readable)"
  chmod 755 "$T"
}
# The tier `fstage invoke --json` reports for the python fixture ("" when it cannot run).
invoke_tier() {
  "$@" "$FSTAGE" invoke -f "$PY" hello --json >"$T/invoke.json" 2>"$T/invoke.err" || true
  json_get "$T/invoke.json" "j['isolation']['tier']" 2>/dev/null || true
}
