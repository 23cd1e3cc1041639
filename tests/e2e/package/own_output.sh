#!/usr/bin/env bash
# `fstage package > out 2> err` inside the project: the files the command writes its own output
# to are left out (as tar leaves out its archive), with a warning; they neither ship, nor make
# the next run rebuild, nor fail a build that reads the tree while the command writes to them.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p p && cd p
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
printf 'def handler(event, context):\n    return {"ok": True}\n' >index.py
echo kept >notes.txt

rc=0
"$FSTAGE" package --json >pkg.out 2>pkg.err || rc=$?
[ "$rc" = 0 ] || { cat pkg.err; fail "package with its output in the project: exit $rc"; }
assert_contains pkg.err "skipping 'pkg.out': this command's own output is written to it"
assert_contains pkg.err "skipping 'pkg.err': this command's own output is written to it"
unzip -tq .fstage/dist/hello.zip >/dev/null || fail "unzip -t"
unzip -Z1 .fstage/dist/hello.zip >"$T/names"
assert_contains "$T/names" "notes.txt"
assert_not_contains "$T/names" "pkg.out"
assert_not_contains "$T/names" "pkg.err"

# Another command's output is an ordinary file: a log written earlier ships like any other.
cp pkg.err earlier.log
expect_exit 0 "$FSTAGE" package
unzip -Z1 .fstage/dist/hello.zip >"$T/names"
assert_contains "$T/names" "earlier.log"
assert_contains "$T/names" "pkg.err"
rm -f earlier.log pkg.out pkg.err

# A build that reads the tree after the command has written to its output (Go's: "build
# hello: go build" goes to stderr before the tree is read) failed as "file changed".
command -v go >/dev/null || skip "go not installed (the Python part passed)"
export GOPROXY=off GOFLAGS=-mod=mod GOCACHE="$T/gocache" GOPATH="$T/gopath"
mkdir -p "$T/g" && cd "$T/g"
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Go1.x\n    handler: handler\n    code: .\n' >fstage.yaml
printf 'module example.com/hello\n\ngo 1.19\n' >go.mod
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' >main.go
rc=0
"$FSTAGE" package --json >build.out 2>build.err || rc=$?
[ "$rc" = 0 ] || { cat build.err; fail "Go package with its output in the project: exit $rc"; }
assert_contains build.err "build hello: go build"
assert_contains build.out '"ran":true'
# Written again by the shell before fstage starts, they are not build inputs: nothing rebuilds.
"$FSTAGE" package --json >build.out 2>build.err || fail "second Go package: $(cat build.err)"
assert_not_contains build.err "build hello: go build"
assert_contains build.out '"cached":true'
