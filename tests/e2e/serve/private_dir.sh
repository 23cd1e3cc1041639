# Root in a private directory (issue 18): serve's instances start as invoke's do, so a project
# in a fresh `mktemp -d` directory (0700) below another, owned by another user (a CI checkout
# run as root), answers its route in the host's tier and without namespaces (nobody runs it).
. "$(dirname "$0")/lib/serve.sh"
[ "$(id -u)" = 0 ] || skip "needs root: the case is root's private directories"
export FSTAGE_PYTHON=/usr/bin/python3  # one nobody may run, for the tier without namespaces
outer=$(mktemp -d "$T/outer.XXXXXX")
proj=$(mktemp -d "$outer/proj.XXXXXX")
cat >"$proj/index.py" <<'PY'
import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"hello": event["path"]}), "isBase64Encoded": False}
PY
cat >"$proj/fstage.yaml" <<'YAML'
name: private
functions:
  hello:
    runtime: Python3.10
    handler: index.handler
    triggers:
      - { type: APIG, path: /hello, method: GET }
YAML
chown -R 4242:4242 "$outer"
[ "$(stat -c '%a %u' "$outer")" = "700 4242" ] || fail "setup: $(stat -c '%a %u' "$outer")"

cd "$proj"
for disable in "" namespaces; do
  FSTAGE_SANDBOX_DISABLE=$disable serve_start "$proj/fstage.yaml"
  code=$(req "$T/r" GET /hello)
  [ "$code" = 200 ] || { cat "$T/r" "$T/serve.err"; tail -5 "$T/serve.log"; fail "GET /hello: $code (FSTAGE_SANDBOX_DISABLE=$disable)"; }
  assert_contains "$T/r" '"hello": "/hello"'
  serve_stop TERM
done
cd "$T"
