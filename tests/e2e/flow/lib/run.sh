# Shared by the `fstage flow run` scenarios (tests/e2e/flow/run_*.sh): each builds a real
# project in its scratch directory and runs its flows' functions in the sandbox.
# shellcheck source=../../lib/common.sh
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh" || exit 1
# A real interpreter, for the Python functions and for reading JSON in assertions (the
# python3 on PATH may be a slow shim).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to run the Python functions and read JSON with"
export FSTAGE_PYTHON=$PYTHON FSTAGE_NO_VERSION_WARNING=1
# json_get FILE EXPR: EXPR evaluated on the first JSON document in FILE (bound to j); --json
# after a failure may be followed by the error's own document.
json_get() {
  "$PYTHON" -c "import json,sys
j = json.JSONDecoder().raw_decode(open(sys.argv[1]).read().lstrip())[0]
print($2)" "$1"
}
# node_attempts FILE NODE: the statuses of NODE's attempts in an execution, comma-separated.
node_attempts() {
  json_get "$1" "','.join(a['status'] for n in j['node_execution_details'] if n['node_id'] == '$2' for a in n['executions'])"
}
