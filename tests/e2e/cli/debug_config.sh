# fstage debug-config vscode: prints the attach configurations (types, ports, path mappings)
# for the project's debuggable functions; --write merges them into .vscode/launch.json beside
# the manifest, keeping the user's entries, and a launch.json with comments is refused intact.
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/common.sh"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || skip "no /usr/bin/python3 to check JSON with"
json_get() { "$PYTHON" -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
mkdir -p "$T/p/py" "$T/p/js"
cat >"$T/p/fstage.yaml" <<'YAML'
name: dc
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    code: py
  web:
    runtime: Node.js20.15
    handler: index.handler
    code: js
YAML
touch "$T/p/py/index.py" "$T/p/js/index.js"
cd "$T/p"
expect_exit 0 "$FSTAGE" debug-config vscode
[ "$(json_get "$T/out" "[c['type'] for c in j['configurations']]")" = "['debugpy', 'node']" ] ||
  fail "types: $(cat "$T/out")"
[ "$(json_get "$T/out" "j['configurations'][0]['pathMappings'][0]['localRoot']")" = '${workspaceFolder}/py' ] ||
  fail "python mapping"
[ "$(json_get "$T/out" "j['configurations'][1]['remoteRoot']")" = /opt/function/code ] || fail "node mapping"
assert_contains "$T/err" "fstage invoke hello --debug-port 5678"
assert_contains "$T/err" "fstage invoke web --debug-port 9229"
[ ! -e .vscode ] || fail "printing wrote .vscode"

mkdir .vscode
echo '{"version": "0.2.0", "configurations": [{"name": "mine", "type": "node", "request": "launch"}]}' >.vscode/launch.json
expect_exit 0 "$FSTAGE" debug-config vscode hello --write
[ "$(json_get .vscode/launch.json "[c['name'] for c in j['configurations']]")" = \
  "['mine', 'fstage: hello (python, port 5678)']" ] || fail "merge: $(cat .vscode/launch.json)"
expect_exit 0 "$FSTAGE" debug-config vscode --write  # again: replaced, not duplicated
[ "$(json_get .vscode/launch.json "len(j['configurations'])")" = 3 ] || fail "duplicates: $(cat .vscode/launch.json)"

printf '{ // mine\n "configurations": [] }\n' >.vscode/launch.json
cp .vscode/launch.json "$T/before"
expect_exit 3 "$FSTAGE" debug-config vscode --write
assert_contains "$T/err" "comments"
cmp -s .vscode/launch.json "$T/before" || fail "a launch.json with comments was rewritten"
expect_exit 4 "$FSTAGE" debug-config vscode nosuch
