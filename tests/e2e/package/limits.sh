#!/usr/bin/env bash
# Platform limits: > 50 MB zipped is an error naming the limit and OBS (exit 7, no artifact);
# --obs raises the limit; > 40 MB warns about the console's limit.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p p && cd p
printf 'name: demo\nfunctions:\n  hello:\n    runtime: Python3.10\n    handler: index.handler\n    code: .\n' >fstage.yaml
echo 'def handler(e, c): return 1' >index.py
head -c $((51 * 1024 * 1024)) /dev/urandom >media.bin
expect_exit 7 "$FSTAGE" package
assert_contains "$T/err" "the limit for a direct upload is 50.0 MB"
assert_contains "$T/err" "OBS"
[ ! -e .fstage/dist/hello.zip ] || fail "an oversized artifact was left"
expect_exit 0 "$FSTAGE" package --obs
[ -s .fstage/dist/hello.zip ] || fail "--obs wrote nothing"

head -c $((41 * 1024 * 1024)) /dev/urandom >media.bin
expect_exit 0 "$FSTAGE" package
assert_contains "$T/err" "warning: hello: the zip is 41.0 MB: above the console's upload limit of 40.0 MB"

truncate -s 1600M media.bin
expect_exit 7 "$FSTAGE" package
assert_contains "$T/err" "uncompressed; the platform's limit is 1500.0 MB"
echo "ok"
