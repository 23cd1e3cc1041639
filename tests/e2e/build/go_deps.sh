#!/usr/bin/env bash
# Go: the go template with its code moved to functions/api and a local module lib/greet at the
# project root, both reached by go.mod replace directives relative to the code directory, as
# `go build` resolves them in the project. invoke, package and invoke --artifact agree; offline.
. "$(dirname "$0")/../invoke/lib/invoke.sh"
command -v go >/dev/null || skip "go not installed"
command -v unzip >/dev/null || skip "no unzip"
export GOPROXY=off GOFLAGS=-mod=mod GOCACHE="$T/gocache" GOPATH="$T/gopath" GOTOOLCHAIN=local

expect_exit 0 "$FSTAGE" init api -r go
cd api
mkdir -p functions/api lib/greet
mv main.go go.mod .fstageignore functions/api/
sed -i 's|=> ./lib/go-runtime|=> ../../lib/go-runtime|' functions/api/go.mod
grep -q '=> ../../lib/go-runtime' functions/api/go.mod || { cat functions/api/go.mod; fail "go.mod has no go-runtime replace to adjust"; }
cat >>functions/api/go.mod <<'MOD'

require example.com/greet v0.0.0

replace example.com/greet => ../../lib/greet
MOD
printf 'module example.com/greet\n\ngo 1.19\n' >lib/greet/go.mod
cat >lib/greet/greet.go <<'GO'
package greet

// Hello is what the handler answers with.
func Hello(who string) string { return "greet module says hi to " + who }
GO
# The handler answers with the local module's greeting.
sed -i -e 's|"huaweicloud.com/go-runtime/go-api/context"|"example.com/greet"\n\t"huaweicloud.com/go-runtime/go-api/context"|' \
  -e 's|"message":     fmt.Sprintf("%s, %s!", greeting, name),|"message":     fmt.Sprintf("%s, %s!", greeting, name),\n\t\t"greet":       greet.Hello(name),|' \
  functions/api/main.go
grep -q 'greet.Hello(name)' functions/api/main.go || fail "could not edit the template's main.go"
sed -i 's|^    code: \.$|    code: functions/api|' fstage.yaml
grep -q 'code: functions/api' fstage.yaml || { cat fstage.yaml; fail "could not edit fstage.yaml"; }

# result_of ARGS...: invoke --json; prints the result without the per-request id.
result_of() {
  expect_exit 0 "$FSTAGE" invoke -e event.json --json "$@"
  json_get "$T/out" "json.dumps({k: v for k, v in json.loads(j['result']).items() if k != 'requestId'}, sort_keys=True)"
}
want='{"function": "api", "greet": "greet module says hi to FunctionGraph", "message": "Hello, FunctionGraph!", "remainingMs": 3000}'
got=$(result_of)
[ "$got" = "$want" ] || { cat "$T/err"; fail "invoke: got $got, want $want"; }

expect_exit 0 "$FSTAGE" package
zip=.fstage/dist/api.zip
unzip -tq "$zip" >"$T/ut" || { cat "$T/ut"; fail "unzip -t"; }
[ "$(unzip -Z1 "$zip")" = handler ] || { unzip -Z1 "$zip"; fail "the zip should hold the handler executable alone"; }
got=$(result_of --artifact "$zip")
[ "$got" = "$want" ] || fail "invoke --artifact: got $got, want $want"
[ -z "$(find . -name handler -not -path './.fstage/*')" ] || fail "go build wrote into the source tree"
echo ok
