# --trigger with --set feeds an edited sample event to the handler.
. "$(dirname "$0")/lib/invoke.sh"
need_python
expect_exit 0 "$FSTAGE" invoke -f "$PY" hello --trigger apig --set name=trigger
assert_contains "$T/out" 'hello trigger'
expect_exit 2 "$FSTAGE" invoke -f "$PY" hello --set name=x
# --trigger apig calls the function's own APIG route, not the sample's POST /hello.
mkdir -p "$T/route"
cat >"$T/route/index.py" <<'PYFN'
def handler(event, context):
    return "%s %s %s %r" % (event["httpMethod"], event["path"], event["pathParameters"],
                            event["queryStringParameters"]["q"])
PYFN
cat >"$T/route/fstage.yaml" <<'YAML'
name: route
functions:
  orders:
    runtime: Python3.10
    handler: index.handler
    code: .
    triggers: [{ type: APIG, path: "/orders/{id}", method: GET }]
YAML
expect_exit 0 "$FSTAGE" invoke -f "$T/route/fstage.yaml" --trigger apig \
  --set pathParameters.id=42 --set queryStringParameters.q=1
assert_contains "$T/out" "GET /orders/42 {'id': '42'} '1'"
