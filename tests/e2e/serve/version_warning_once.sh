#!/usr/bin/env bash
# serve says the interpreter-version warning once per run, not again when a reload recreates
# the function's instances; --no-version-warning silences it.
. "$(dirname "$0")/lib/serve.sh"
[ -x /usr/bin/python3.9 ] || [ -x /usr/local/bin/python3.9 ] && skip "the host has a Python 3.9: no version mismatch to warn about"
mkdir -p "$T/home" proj
export HOME="$T/home"
unset FSTAGE_PYTHON FSTAGE_NO_VERSION_WARNING
printf 'def handler(event, context):\n    return {"statusCode": 200, "body": "up"}\n' >proj/index.py
manifest() {
  printf 'name: once\nfunctions:\n  up:\n    runtime: Python3.9\n    handler: index.handler\n    memory: %s\n    triggers:\n      - { type: APIG, path: /up }\n' "$1" >proj/fstage.yaml
}
manifest 128
serve_start proj/fstage.yaml --watch --no-timers
# A new memory size: the function's instances are made again.
manifest 256
for _ in $(seq 100); do grep -q '"reloaded fstage.yaml' "$T/serve.log" && break; sleep 0.1; done
grep -q '"reloaded fstage.yaml' "$T/serve.log" || { cat "$T/serve.log"; fail "no reload"; }
[ "$(req "$T/body" GET /up)" = 200 ] || fail "no answer after the reload"
serve_stop
n=$(grep -c "Python3.9 requested, but the host" "$T/serve.log" || true)
[ "$n" = 1 ] || { cat "$T/serve.log"; fail "the version warning was logged $n times"; }
manifest 128
serve_start proj/fstage.yaml --no-timers --no-version-warning
serve_stop
assert_not_contains "$T/serve.log" "requested, but the host"
echo ok
