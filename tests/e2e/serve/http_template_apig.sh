# The http template with --trigger apig answers on its own route out of the box: init, serve,
# curl; and its sample event reaches the same route under invoke, also when no event is given
# (an http function takes only APIG requests: a bare invoke calls its route, not POST /).
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
expect_exit 0 "$FSTAGE" invoke
assert_contains "$T/out" '"statusCode":200'
assert_contains "$T/err" 'POST /web'
expect_exit 0 "$FSTAGE" invoke --set 'body={"y":2}'
body=$(sed -n 's/.*"body":"\([^"]*\)".*/\1/p' "$T/out" | base64 -d)
case "$body" in *'"received":{"y":2}'*) ;; *) fail "--set body did not reach the route: $body" ;; esac
# An event given is sent as it is: not APIG-shaped, it is POST / with the JSON as its body.
echo '{"x":1}' > plain.json
expect_exit 0 "$FSTAGE" invoke -e plain.json
assert_contains "$T/out" '"statusCode":404'
grep -q ' POST /$' "$T/err" || { cat "$T/err"; fail "a plain event was not sent as POST /"; }
# Another trigger's event is refused, as validate refuses another trigger for an http function.
expect_exit 2 "$FSTAGE" invoke --trigger timer
assert_contains "$T/err" "an http function takes only APIG requests, not a 'timer' trigger's event"
