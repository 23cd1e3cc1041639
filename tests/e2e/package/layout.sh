#!/usr/bin/env bash
# Runtime layouts and the command line: bootstrap for Custom/http (executable, zipped 0755),
# one --json record per function, -o with several functions, an unknown function.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p p/web p/svc && cd p
cat >fstage.yaml <<'YAML'
name: demo
functions:
  web:
    runtime: http
    handler: bootstrap
    code: web
  svc:
    runtime: Custom
    handler: bootstrap
    code: svc
YAML
printf '#!/bin/sh\nexec node index.js\n' >web/bootstrap
chmod 755 web/bootstrap
echo 'x' >svc/readme.txt

expect_exit 4 "$FSTAGE" package svc
assert_contains "$T/err" "no \`bootstrap\` at the code root of 'svc'"
printf '#!/bin/sh\n' >svc/bootstrap
# Without the execute bit the platform refuses to run it: no zip that would fail there.
chmod 644 web/bootstrap svc/bootstrap
expect_exit 3 "$FSTAGE" package
assert_contains "$T/err" "chmod +x web/bootstrap"
chmod 700 web/bootstrap svc/bootstrap

expect_exit 0 "$FSTAGE" package --json
[ "$(wc -l <"$T/out")" = 2 ] || fail "expected one JSON record per function"
for fn in web svc; do
  zipinfo ".fstage/dist/$fn.zip" >"$T/zi"
  grep -- "-rwxr-xr-x .* bootstrap" "$T/zi" >/dev/null || { cat "$T/zi"; fail "$fn: bootstrap is not 0755"; }
done

expect_exit 2 "$FSTAGE" package -o x.zip
assert_contains "$T/err" "-o names one file"
expect_exit 4 "$FSTAGE" package webb
assert_contains "$T/err" "did you mean 'web'"
echo "ok"
