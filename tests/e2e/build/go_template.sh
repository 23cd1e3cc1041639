#!/usr/bin/env bash
# The go template builds and runs right after `fstage init`, with the user's default Go
# settings (no -mod=mod) and no network: its go-runtime module is local (lib/go-runtime).
. "$(dirname "$0")/../invoke/lib/invoke.sh"
command -v go >/dev/null || skip "go not installed"
unset GOFLAGS
export GOPROXY=off GOCACHE="$T/gocache" GOPATH="$T/gopath" GOTOOLCHAIN=local

expect_exit 0 "$FSTAGE" init hello -r go
cd hello
expect_exit 0 "$FSTAGE" invoke -e event.json
[ "$(json_get "$T/out" "j['message']")" = "Hello, FunctionGraph!" ] || fail "unexpected result: $(cat "$T/out")"
[ "$(json_get "$T/out" "j['function']")" = hello ] || fail "unexpected function name: $(cat "$T/out")"
assert_contains "$T/err" "Status: ok"
# And the source tree is as init left it (go build wrote nothing there, not even go.sum).
[ ! -e handler ] || fail "go build wrote ./handler into the project"
[ ! -e go.sum ] || fail "the build wrote go.sum into the project"
echo ok
