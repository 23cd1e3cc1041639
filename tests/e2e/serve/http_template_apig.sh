# The http template with --trigger apig answers on its own route out of the box: init, serve,
# curl; and its sample event reaches the same route under invoke.
. "$(dirname "$0")/lib/serve.sh"
command -v node >/dev/null || skip "no Node.js (scripts/install-deps.sh installs it)"
cd "$T"
expect_exit 0 "$FSTAGE" init web -r http --trigger apig
serve_start "$T/web/fstage.yaml"
code=$(req "$T/r" GET '/web?name=fstage')
[ "$code" = 200 ] || { cat "$T/r"; tail -20 "$T/serve.log"; fail "GET /web: $code"; }
assert_contains "$T/r" '"message":"Hello, fstage!"'
code=$(req "$T/r" POST /web -H 'Content-Type: application/json' --data '{"x":1}')
[ "$code" = 200 ] || { cat "$T/r"; fail "POST /web: $code"; }
assert_contains "$T/r" '"received":{"x":1}'
[ "$(req "$T/r" GET /web/)" = 200 ] || { cat "$T/r"; fail "GET /web/"; }
serve_stop TERM

cd web
expect_exit 0 "$FSTAGE" invoke -e event.json
assert_contains "$T/out" '"statusCode":200'
expect_exit 0 "$FSTAGE" invoke --trigger apig
assert_contains "$T/out" '"statusCode":200'
