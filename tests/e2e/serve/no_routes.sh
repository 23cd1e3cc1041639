# A project without APIG triggers: serve says it has no routes and how to add one, and its
# 404s say so too; with routes, a 404 lists them (the API Gateway error code stays APIG.0101).
. "$(dirname "$0")/lib/serve.sh"
mkdir -p "$T/fn"
printf 'def handler(event, context):\n    return {"statusCode": 200, "body": "hi"}\n' >"$T/fn/index.py"
cat >"$T/fstage.yaml" <<'YAML'
name: quiet
functions:
  quiet:
    runtime: Python3.10
    handler: index.handler
    code: fn
YAML
serve_start "$T/fstage.yaml"
assert_contains "$T/serve.log" "no routes: no function in fstage.yaml has an APIG trigger"
assert_contains "$T/serve.log" "triggers: [{type: APIG, path: /hello, method: ANY}]"
[ "$(req "$T/r" GET /quiet)" = 404 ] || fail "GET /quiet without routes"
assert_contains "$T/r" '"error_code":"APIG.0101"'
assert_contains "$T/r" "fstage serve has no routes: no function in the manifest has an APIG trigger"
serve_stop TERM

# Functions fired by their triggers alone (an OBS bucket here) are no routeless mistake.
cat >"$T/fstage.yaml" <<'YAML'
name: events
functions:
  quiet:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers: [{type: OBS, bucket: uploads}]
YAML
serve_start "$T/fstage.yaml"
assert_not_contains "$T/serve.log" "no routes"
serve_stop TERM

cat >"$T/fstage.yaml" <<'YAML'
name: routed
functions:
  quiet:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers:
      - { type: APIG, path: /a, method: ANY }
      - { type: APIG, path: "/b/{id}", method: GET }
YAML
serve_start "$T/fstage.yaml"
assert_not_contains "$T/serve.log" "no routes"
[ "$(req "$T/r" GET /a)" = 200 ] || fail "GET /a"
[ "$(req "$T/r" POST /b/1)" = 404 ] || fail "POST /b/1 is not routed"
assert_contains "$T/r" '"error_code":"APIG.0101"'
assert_contains "$T/r" "POST /b/1 (routes: ANY /a, GET /b/{id})"
serve_stop TERM

# /_fstage/ is serve's own (console, metrics): a trigger's route there is left out, said so,
# and a path there that serve does not have is serve's 404, not a function's.
cat >"$T/fstage.yaml" <<'YAML'
name: reserved
functions:
  quiet:
    runtime: Python3.10
    handler: index.handler
    code: fn
    triggers:
      - { type: APIG, path: /a, method: ANY }
      - { type: APIG, path: "/_fstage/{x}", method: ANY }
YAML
serve_start "$T/fstage.yaml"
assert_contains "$T/serve.log" "route ANY /_fstage/{x} of 'quiet' not served: /_fstage/ is fstage serve's own"
[ "$(req "$T/r" GET /_fstage/nothing-here)" = 404 ] || fail "GET /_fstage/nothing-here"
assert_contains "$T/r" '"error_code":"FSTAGE.404"'
assert_not_contains "$T/r" "APIG.0101"
[ "$(req "$T/r" GET /a)" = 200 ] || fail "GET /a next to a reserved route"
serve_stop TERM
