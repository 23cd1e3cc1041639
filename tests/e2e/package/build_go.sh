#!/usr/bin/env bash
# Go: the zip holds one linux/amd64 executable named as the handler, mode 0755; an unchanged
# tree skips the build; the source tree is not modified.
. "$(dirname "$0")/../lib/common.sh"
command -v go >/dev/null || skip "go not installed"
export GOPROXY=off GOFLAGS=-mod=mod GOCACHE="$T/gocache" GOPATH="$T/gopath"

mkdir -p p && cd p
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Go1.x\n    handler: handler\n    code: .\n' >fstage.yaml
printf 'module example.com/hello\n\ngo 1.19\n' >go.mod
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' >main.go
before=$(find . -mindepth 1 -path ./.fstage -prune -o -print | sort | xargs ls -ld --time-style=full-iso)

expect_exit 0 "$FSTAGE" package --json
assert_contains "$T/err" "build hello: go build"
zipinfo .fstage/dist/hello.zip >"$T/zi"
assert_contains "$T/zi" "number of entries: 1"
assert_contains "$T/zi" "-rwxr-xr-x  2.0 unx"
assert_contains "$T/zi" " handler"
unzip -p .fstage/dist/hello.zip handler >"$T/handler"
[ "$(head -c 4 "$T/handler" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || fail "not an ELF executable"
[ "$(od -An -j18 -N2 -tx1 "$T/handler" | tr -d ' ')" = 3e00 ] || fail "not x86-64"
sha1=$(sha256sum .fstage/dist/hello.zip)

expect_exit 0 "$FSTAGE" package --json
assert_not_contains "$T/err" "build hello: go build"
assert_contains "$T/out" '"cached":true'
expect_exit 0 "$FSTAGE" package --rebuild
assert_contains "$T/err" "build hello: go build"
[ "$sha1" = "$(sha256sum .fstage/dist/hello.zip)" ] || fail "rebuilt zip differs"
after=$(find . -mindepth 1 -path ./.fstage -prune -o -print | sort | xargs ls -ld --time-style=full-iso)
[ "$before" = "$after" ] || fail "the source tree changed"
echo "ok"
