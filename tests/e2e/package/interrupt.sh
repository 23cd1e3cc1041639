#!/usr/bin/env bash
# SIGINT during the build step and during zip writing: exit 130, no artifact, no temp file.
. "$(dirname "$0")/../lib/common.sh"

no_artifact() {
  [ ! -e .fstage/dist/hello.zip ] || fail "an artifact was left: $*"
  [ -z "$(ls -A .fstage/dist 2>/dev/null)" ] || fail "files left in .fstage/dist: $(ls -A .fstage/dist)"
}

# During a build: the build command (in its own process group) is stopped too.
mkdir -p "$T/b" && cd "$T/b"
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Custom\n    handler: bootstrap\n    code: .\n    build: sleep 30.123\n' >fstage.yaml
printf '#!/bin/sh\n' >bootstrap
start=$(date +%s)
"$FSTAGE" package >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -INT "$pid"
code=0; wait "$pid" || code=$?
[ "$code" = 130 ] || { cat "$T/err"; fail "expected exit 130 after SIGINT during the build, got $code"; }
[ $(($(date +%s) - start)) -lt 10 ] || fail "the build was not stopped"
pgrep -f "sleep 30.123" >/dev/null && fail "the build command survived"
no_artifact "interrupted build"

# During the zip writing: wait for the temp file to appear, then interrupt.
mkdir -p "$T/w" && cd "$T/w"
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
echo 'def handler(e, c): return 1' >index.py
for i in 1 2 3 4; do head -c 12000000 /dev/urandom | base64 >"data$i.txt"; done
"$FSTAGE" package >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1000); do
  compgen -G ".fstage/dist/.hello.zip.tmp.*" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.005
done
kill -0 "$pid" 2>/dev/null || skip "packaging finished before it could be interrupted"
kill -INT "$pid"
code=0; wait "$pid" || code=$?
[ "$code" = 130 ] || { cat "$T/err"; fail "expected exit 130 after SIGINT while writing, got $code"; }
assert_contains "$T/err" "interrupted"
no_artifact "interrupted write"
echo "ok"
