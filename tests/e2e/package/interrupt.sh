#!/usr/bin/env bash
# SIGINT and SIGTERM during the build step, during zip writing and at random moments of
# `package` and `build`: exit 130 with "fstage: interrupted", no artifact, no temp file, no
# staging directory, no build process left.
. "$(dirname "$0")/../lib/common.sh"
. "$FSTAGE_SOURCE_DIR/tests/e2e/lib/signals.sh"

no_artifact() {
  [ ! -e .fstage/dist/hello.zip ] || fail "an artifact was left: $*"
  [ -z "$(ls -A .fstage/dist 2>/dev/null)" ] || fail "files left in .fstage/dist: $(ls -A .fstage/dist)"
  local left
  left=$(ls -d .fstage/build/hello/staging .fstage/build/hello/*-tmp-* 2>/dev/null || true)
  [ -z "$left" ] || fail "a partial build was left ($*): $left"
}

# During a build: the build command (in its own process group) is stopped too.
mkdir -p "$T/b" && cd "$T/b"
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Custom\n    handler: bootstrap\n    code: .\n    build: sleep 30\n' >fstage.yaml
printf '#!/bin/sh\n' >bootstrap
for sig in INT TERM; do
  for cmd in package build; do
    start_fstage "$T/out" "$T/err" "$cmd"
    sleep 1
    interrupt "$sig"
    expect_interrupted "SIG$sig during the build step of $cmd" "$T/err"
    no_artifact "SIG$sig during the build step of $cmd"
  done
done

# During the zip writing: wait for the temp file to appear, then interrupt.
mkdir -p "$T/w" && cd "$T/w"
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
echo 'def handler(e, c): return 1' >index.py
for i in 1 2 3 4; do head -c 12000000 /dev/urandom | base64 >"data$i.txt"; done
for sig in INT TERM; do
  rm -rf .fstage
  start_fstage "$T/out" "$T/err" package
  for _ in $(seq 1000); do
    compgen -G ".fstage/dist/.hello.zip.tmp.*" >/dev/null && break
    kill -0 "$FS_PID" 2>/dev/null || break
    sleep 0.005
  done
  kill -0 "$FS_PID" 2>/dev/null || skip "packaging finished before it could be interrupted"
  interrupt "$sig"
  expect_interrupted "SIG$sig while writing the zip" "$T/err"
  no_artifact "SIG$sig while writing the zip"
done

# At random moments of a package whose build takes a second. A signal that comes after the
# zip was renamed into place may leave it, whole.
no_partial() {
  [ -z "$(ls -A .fstage/dist 2>/dev/null | grep -v '^hello.zip$')" ] ||
    fail "files left in .fstage/dist ($*): $(ls -A .fstage/dist)"
  if [ -e .fstage/dist/hello.zip ]; then
    /usr/bin/python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' \
      .fstage/dist/hello.zip || fail "a broken artifact was left ($*)"
  fi
  local left
  left=$(ls -d .fstage/build/hello/staging .fstage/build/hello/*-tmp-* 2>/dev/null || true)
  [ -z "$left" ] || fail "a partial build was left ($*): $left"
}
printf '    build: sleep 1\n' >>fstage.yaml
for i in 1 2 3 4 5; do
  rm -rf .fstage/dist
  echo "$i" >stamp.txt
  sig=INT
  [ $((i % 2)) = 0 ] && sig=TERM
  delay=$(random_delay 50 1800)
  start_fstage "$T/out" "$T/err" package
  sleep "$delay"
  if ! kill -0 "$FS_PID" 2>/dev/null; then
    echo "run $i: finished within ${delay}s"
    wait "$FS_PID" || true
    FS_PID=
    continue
  fi
  interrupt "$sig"
  expect_interrupted "SIG$sig ${delay}s into package (run $i)" "$T/err"
  no_partial "SIG$sig ${delay}s into package (run $i)"
done
echo "ok"
