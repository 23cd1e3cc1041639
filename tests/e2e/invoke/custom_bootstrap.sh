# A custom runtime: a shell bootstrap looping on the runtime API, warm across invocations.
. "$(dirname "$0")/lib/invoke.sh"
command -v curl >/dev/null || skip "no curl for the shell bootstrap"
CUSTOM="$FSTAGE_SOURCE_DIR/tests/fixtures/functions/custom/fstage.yaml"
printf '{"hello": "custom"}' >"$T/event.json"
expect_exit 0 "$FSTAGE" invoke -f "$CUSTOM" echo -e "$T/event.json" --repeat 2 --json
[ "$(json_get "$T/out" "json.loads(j['invocations'][1]['result'])['body']")" = "event of 19 bytes" ] ||
  fail "response body"
[ "$(json_get "$T/out" "[i['cold'] for i in j['invocations']]")" = "[True, False]" ] ||
  fail "one warm bootstrap"
printf '{"fail": true}' >"$T/fail.json"
expect_exit 10 "$FSTAGE" invoke -f "$CUSTOM" echo -e "$T/fail.json"
[ "$(json_get "$T/out" "j['errorType']")" = BootstrapError ] || fail "error/ endpoint"
