# A Go program calling runtime.Register (built against fstage's go-runtime module).
. "$(dirname "$0")/lib/invoke.sh"
GO_FIXTURE="$FSTAGE_BINARY_DIR/tests/isolation/go-fixture"
[ -x "$GO_FIXTURE/handler" ] || skip "the Go fixture was not built (no Go toolchain)"
mkdir -p "$T/fn"
cp "$GO_FIXTURE/handler" "$T/fn/handler"
cat >"$T/fstage.yaml" <<YAML
name: go-e2e
functions:
  gofn:
    runtime: Go1.x
    handler: handler
    memory: 128
    timeout: 5
    code: fn
    env:
      greeting: hi
YAML
printf '{"name": "gopher"}' >"$T/event.json"
expect_exit 0 "$FSTAGE" invoke -f "$T/fstage.yaml" -e "$T/event.json" --json
[ "$(json_get "$T/out" "json.loads(j['result'])['message']")" = "hello gopher" ] || fail "result"
[ "$(json_get "$T/out" "json.loads(j['result'])['user_data']")" = hi ] || fail "GetUserData"
assert_contains "$T/out" "hello from gofn"

# fstage's platform side of the RPC protocol gets the platform's results: `return nil, nil`
# fails with "response is empty", a panic with errorType "panic" and the frame pairs.
printf '{"empty": true}' >"$T/empty.json"
expect_exit 10 "$FSTAGE" invoke -f "$T/fstage.yaml" -e "$T/empty.json"
[ "$(json_get "$T/out" "j['errorMessage']")" = "response is empty" ] || fail "nil result"
[ "$(json_get "$T/out" "j['errorType']")" = FunctionReturnError ] || fail "nil result type"
printf '{"panic": true}' >"$T/panic.json"
expect_exit 10 "$FSTAGE" invoke -f "$T/fstage.yaml" -e "$T/panic.json"
[ "$(json_get "$T/out" "j['errorMessage']")" = "asked to panic" ] || fail "panic message"
[ "$(json_get "$T/out" "j['errorType']")" = panic ] || fail "panic type"
[ "$(json_get "$T/out" "j['stackTrace'][2]")" = "crash()" ] || fail "panic stack"
json_get "$T/out" "j['stackTrace'][3]" | grep -q '^    .*main.go:[0-9]*$' || fail "frame"
assert_contains "$T/err" "failed for function code panic, error=asked to panic."
