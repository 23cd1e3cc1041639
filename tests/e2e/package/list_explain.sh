#!/usr/bin/env bash
# --list shows what would be packaged; --explain names the rule that decides a path.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p p/build p/src && cd p
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n    exclude: ["*.md"]\n' >fstage.yaml
printf '*.log\n!keep.log\nbuild/\n!build/x.o\n' >.fstageignore
for f in index.py a.log keep.log build/x.o src/app.py README.md; do echo x >"$f"; done

expect_exit 0 "$FSTAGE" package --list
assert_contains "$T/out" "index.py"
assert_contains "$T/out" "keep.log"
assert_contains "$T/out" "src/app.py"
assert_not_contains "$T/out" "a.log"
assert_not_contains "$T/out" "build/"
assert_not_contains "$T/out" "README.md"
assert_not_contains "$T/out" ".fstageignore"
[ ! -e .fstage/dist/hello.zip ] || fail "--list wrote a zip"

expect_exit 0 "$FSTAGE" package --explain a.log
assert_contains "$T/out" "hello: a.log: excluded by .fstageignore:1 (*.log)"
expect_exit 0 "$FSTAGE" package --explain keep.log
assert_contains "$T/out" "re-included by .fstageignore:2 (!keep.log)"
expect_exit 0 "$FSTAGE" package --explain build/x.o
assert_contains "$T/out" "its directory 'build/' is excluded by .fstageignore:3 (build/)"
expect_exit 0 "$FSTAGE" package --explain README.md
assert_contains "$T/out" "fstage.yaml functions.hello.exclude:1 (*.md)"
expect_exit 0 "$FSTAGE" package --explain .git/config
assert_contains "$T/out" "built-in (always)"
expect_exit 0 "$FSTAGE" package --explain src/app.py --json
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["included"] and r["rule"] is None, r' "$T/out" ||
  fail "--explain --json"
expect_exit 0 "$FSTAGE" package --list --json
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [e["name"] for e in r["entries"]]==["index.py","keep.log","src/","src/app.py"], r' "$T/out" ||
  fail "--list --json"
echo "ok"
