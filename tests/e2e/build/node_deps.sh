#!/usr/bin/env bash
# Node.js dependencies from package-lock.json (npm ci --omit=dev --install-links): a file:
# dependency outside the code directory (but inside the project) becomes real files in
# node_modules; is-number comes from the npm registry when it is reachable. invoke, serve,
# package and invoke --artifact agree. A file: dependency that is gone fails the build: no zip.
. "$(dirname "$0")/../serve/lib/serve.sh"
command -v node >/dev/null || skip "no Node.js"
command -v npm >/dev/null || skip "no npm"
command -v zipinfo >/dev/null || skip "no zipinfo (unzip)"
export npm_config_cache="$T/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

mkdir -p p/functions/api p/shared/greet && cd p
printf '{"name": "greet", "version": "1.0.0", "main": "index.js"}\n' >shared/greet/package.json
printf 'module.exports = (who) => "greet says hi to " + who;\n' >shared/greet/index.js
deps='"greet": "file:../../shared/greet"'
want_isnum=null
if timeout 20 npm view is-number version >/dev/null 2>&1; then
  deps="$deps, \"is-number\": \"7.0.0\""
  want_isnum=true
else
  echo "SKIP (part): the npm registry is not reachable: is-number is not checked"
fi
cat >functions/api/package.json <<JSON
{"name": "api", "version": "1.0.0", "private": true, "dependencies": {$deps}}
JSON
cat >functions/api/index.js <<'JS'
const greet = require('greet');
let isNumber = null;
try { isNumber = require('is-number'); } catch (e) { /* not installed */ }

exports.handler = async (event, context) => {
  context.getLogger().info('greet from ' + require.resolve('greet'));
  const values = { greet: greet('fg'), isNumber: isNumber ? isNumber(5) : null,
                   greetFile: require.resolve('greet') };
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' },
           body: JSON.stringify(values), isBase64Encoded: false };
};
JS
(cd functions/api && npm install --install-links --no-audit --no-fund >"$T/npm.log" 2>&1) ||
  { cat "$T/npm.log"; fail "npm install (to make the lockfile)"; }
[ -f functions/api/package-lock.json ] || fail "npm made no package-lock.json"
rm -rf functions/api/node_modules  # the build makes its own
echo '{}' >event.json
cat >fstage.yaml <<'YAML'
name: nodedeps
functions:
  api:
    runtime: Node.js18.15
    handler: index.handler
    memory: 128
    timeout: 10
    code: functions/api
    triggers:
      - { type: APIG, path: /values, method: GET }
YAML
want="{\"greet\":\"greet says hi to fg\",\"isNumber\":$want_isnum,\"greetFile\":\"/opt/function/code/node_modules/greet/index.js\"}"
invoke_body() {  # invoke_body ARGS...: the handler's body under invoke --json
  expect_exit 0 "$FSTAGE" invoke -e event.json --json "$@"
  json_get "$T/out" "json.loads(j['result'])['body']"
}

got=$(invoke_body)
[ "$got" = "$want" ] || fail "invoke: got $got, want $want"

serve_start fstage.yaml
[ "$(req "$T/r" GET /values)" = 200 ] || { cat "$T/r"; fail "GET /values"; }
[ "$(cat "$T/r")" = "$want" ] || fail "serve: got $(cat "$T/r"), want $want"
serve_stop TERM

expect_exit 0 "$FSTAGE" package
zip=.fstage/dist/api.zip
unzip -tq "$zip" >"$T/ut" || { cat "$T/ut"; fail "unzip -t"; }
zipinfo "$zip" >"$T/zi"
# A regular file (mode -rw...), not a symlink (l...), and not under the source path.
grep -E '^-.* node_modules/greet/index\.js$' "$T/zi" >/dev/null || { cat "$T/zi"; fail "node_modules/greet/index.js is not a real file in the zip"; }
grep -E '^l' "$T/zi" && fail "symlinks in the zip"
assert_contains "$T/zi" " index.js"
if [ "$want_isnum" = true ]; then assert_contains "$T/zi" "node_modules/is-number/index.js"; fi
unzip -p "$zip" node_modules/greet/index.js | grep -q 'greet says hi' || fail "greet's code is not in the zip"
got=$(invoke_body --artifact "$zip")
[ "$got" = "$want" ] || fail "invoke --artifact: got $got, want $want"

# The file: dependency's directory disappears: the build fails and no zip is left (not even
# the one from before).
rm -rf shared/greet
expect_exit_nonzero() { "$@" >"$T/out" 2>"$T/err" && { cat "$T/out" "$T/err"; fail "expected failure: $*"; }; true; }
expect_exit_nonzero "$FSTAGE" package
assert_contains "$T/err" "does not exist"
assert_contains "$T/err" "fstage: error:"
[ ! -e "$zip" ] || fail "package failed but $zip is still there"
echo ok
